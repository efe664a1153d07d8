// ValidatePodUpdate: a running pod's spec is immutable except for a few fields.
import { arr, forbidden, invalid, isObj, type Errs, type J } from '../common/field.js';
import { clone, deepEqual, deepEqualKey } from '../../../machinery/api/equality.js';

const MAX_INT32 = 2147483647;

/** The list Kubernetes prints, in its order and wording. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/**
 * Old tolerations must all still be present (tolerationSeconds may change): each one deepEqual to a new one but for
 * tolerationSeconds, looked up by key (comparing every pair took 23 s for 4,000 tolerations).
 */
function validateOnlyAddedTolerations(newT: J[], oldT: J[]): Errs {
  const withoutSeconds = (t: Record<string, J>) => {
    const { tolerationSeconds: _, ...rest } = t;
    return deepEqualKey(rest);
  };
  // only an object can equal the old toleration with the new one's tolerationSeconds
  const present = new Set(newT.filter(isObj).map(withoutSeconds));
  for (const o of oldT) {
    if (!present.has(withoutSeconds({ ...o })))
      return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** A short diff of the changed top-level spec fields, standing in for Kubernetes' cmp.Diff output. */
function describeDiff(oldSpec: J, newSpec: J): string {
  const keys = [...new Set([...Object.keys(oldSpec ?? {}), ...Object.keys(newSpec ?? {})])].sort();
  const lines: string[] = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(oldSpec?.[k], newSpec?.[k])) continue;
    const name = k.charAt(0).toUpperCase() + k.slice(1);
    if (oldSpec?.[k] !== undefined) lines.push(`- \t${name}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec?.[k] !== undefined) lines.push(`+ \t${name}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

export function validatePodSpecUpdate(newSpec: J, oldSpec: J): Errs {
  const errs: Errs = [];
  const n = isObj(newSpec) ? newSpec : {};
  const o = isObj(oldSpec) ? oldSpec : {};
  if (n.activeDeadlineSeconds !== undefined && n.activeDeadlineSeconds !== null) {
    const v = n.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 0 || v > MAX_INT32)
      return [invalid('spec.activeDeadlineSeconds', v, `must be between 0 and ${MAX_INT32}, inclusive`)];
    if (typeof o.activeDeadlineSeconds === 'number' && o.activeDeadlineSeconds < v) {
      return [invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value')];
    }
  } else if (o.activeDeadlineSeconds !== undefined && o.activeDeadlineSeconds !== null) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  // Build the old spec with every allowed change applied; anything else that differs is forbidden.
  const munged = clone(o);
  const mungeImages = (field: 'containers' | 'initContainers') => {
    const newCs = arr(n[field]);
    const oldCs = arr(munged[field]);
    if (newCs.length !== oldCs.length) return;
    oldCs.forEach((c, i) => {
      if (isObj(c) && newCs[i]?.image !== undefined) c.image = newCs[i].image;
    });
  };
  mungeImages('containers');
  mungeImages('initContainers');
  if (n.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = n.activeDeadlineSeconds;
  // Tolerations are checked separately (additions only).
  if (n.tolerations === undefined) delete munged.tolerations;
  else munged.tolerations = n.tolerations;
  const oldGrace = o.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && n.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = 1;
  if (!deepEqual(munged, n)) {
    errs.push(
      forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${describeDiff(munged, n)}`),
    );
  }
  errs.push(...validateOnlyAddedTolerations(arr(n.tolerations), arr(o.tolerations)));
  return errs;
}
