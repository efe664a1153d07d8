// pods/ephemeralcontainers (upstream's EphemeralContainersStrategy and ValidatePodEphemeralContainersUpdate): the
// one write that may change spec.ephemeralContainers, and it may only add to them. kubectl debug PATCHes it.
import { clone, deepEqual } from '../../../machinery/api/equality.js';
import type { Strategy } from '../../types.js';
import { validateObjectMetaUpdate } from '../common/meta.js';
import { arr, child, duplicate, forbidden, index, isObj, notFound, type Errs, type J } from '../common/field.js';
import { defaultContainer } from './defaults.js';
import { validateContainerCommon } from './validation.js';

const EPHEMERAL = 'spec.ephemeralContainers';
// Fields an ephemeral container may not set (validateEphemeralContainers' forbidden list).
const NOT_FOR_EPHEMERAL = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'restartPolicy'];

/** validateEphemeralContainers: common container checks, names unique across all containers, a real target. */
export function validateEphemeralContainers(spec: J): Errs {
  const errs: Errs = [];
  const volumeNames = new Set<string>(arr(spec?.volumes).map((v) => v?.name));
  const regular = [...arr(spec?.containers), ...arr(spec?.initContainers)].map((c) => c?.name);
  const names = new Set<string>(regular);
  const targets = new Set<unknown>(regular); // an includes per ephemeral container was quadratic
  arr(spec?.ephemeralContainers).forEach((c, i) => {
    const ip = index(EPHEMERAL, i);
    errs.push(...validateContainerCommon(c, volumeNames, ip, true));
    if (c?.name && names.has(c.name)) errs.push(duplicate(child(ip, 'name'), c.name));
    else if (c?.name) names.add(c.name);
    for (const f of NOT_FOR_EPHEMERAL)
      if (c?.[f] !== undefined && c[f] !== null) errs.push(forbidden(child(ip, f), 'cannot be set for an Ephemeral Container'));
    const res = c?.resources;
    if (isObj(res) && Object.values(res).some((v) => (isObj(v) ? Object.keys(v).length > 0 : Array.isArray(v) && v.length > 0)))
      errs.push(forbidden(child(ip, 'resources'), 'cannot be set for an Ephemeral Container'));
    arr(c?.volumeMounts).forEach((m, j) => {
      if (m?.subPath)
        errs.push(forbidden(child(index(child(ip, 'volumeMounts'), j), 'subPath'), 'cannot be set for an Ephemeral Container'));
    });
    if (c?.targetContainerName && !targets.has(c.targetContainerName))
      errs.push(notFound(child(ip, 'targetContainerName'), c.targetContainerName));
  });
  return errs;
}

/** Existing ephemeral containers are neither removed nor changed: they are only ever added. */
export function validateEphemeralContainersUpdate(next: J, old: J): Errs {
  const errs: Errs = [];
  const byName = new Map<string, J>(arr(next.spec?.ephemeralContainers).map((c) => [c?.name, c]));
  for (const o of arr(old.spec?.ephemeralContainers)) {
    const n = byName.get(o?.name);
    if (!n) errs.push(forbidden(EPHEMERAL, `existing ephemeral containers "${o?.name}" may not be removed\n`));
    else if (!deepEqual(n, o)) errs.push(forbidden(EPHEMERAL, `existing ephemeral containers "${o?.name}" may not be changed\n`));
  }
  return errs;
}

export const podEphemeralContainersStrategy: Strategy = {
  // Everything but spec.ephemeralContainers comes from the stored pod (defaulted as a pod's containers are).
  prepareForUpdate(obj, old) {
    const proposed = (obj as J).spec?.ephemeralContainers;
    for (const k of Object.keys(obj)) if (k !== 'metadata') delete obj[k];
    for (const [k, v] of Object.entries(old)) if (k !== 'metadata') obj[k] = clone(v);
    const spec = (obj as J).spec as J;
    const hostNetwork = spec.hostNetwork === true;
    const ephemeral = arr(proposed).map((c) => clone(c) as J);
    for (const c of ephemeral) defaultContainer(c, hostNetwork);
    if (ephemeral.length) spec.ephemeralContainers = ephemeral;
    else delete spec.ephemeralContainers;
  },
  validate: (obj) => validateEphemeralContainers((obj as J).spec),
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata as J, old.metadata as J),
    ...validateEphemeralContainersUpdate(obj as J, old as J),
  ],
  generationFields: [],
};
