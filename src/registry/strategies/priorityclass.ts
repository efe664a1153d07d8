// scheduling.k8s.io/v1 PriorityClass: value (at most 1e9 unless a known system class), preemptionPolicy, both
// immutable; names with the `system-` prefix are reserved for the built-in classes.
import type { Strategy } from '../types.js';
import { forbidden, notSupported, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';

const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM: Record<string, number> = { 'system-node-critical': 2_000_001_000, 'system-cluster-critical': 2_000_000_000 };
const POLICIES = ['Never', 'PreemptLowerPriority'];

function knownSystemClassError(pc: J): string | undefined {
  const name = pc.metadata?.name;
  if (!(name in SYSTEM)) return `${name} is not a known system priority class`;
  if (pc.value !== SYSTEM[name]) return `value of ${name} PriorityClass must be ${SYSTEM[name]}`;
  if (pc.globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(pc: J): Errs {
  const errs = validateObjectMeta(pc.metadata, { namespaced: false });
  const name = String(pc.metadata?.name ?? '');
  if (name.startsWith('system-')) {
    const why = knownSystemClassError(pc);
    if (why)
      errs.push(forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
  } else if (typeof pc.value === 'number' && pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined && !POLICIES.includes(pc.preemptionPolicy))
    errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, POLICIES));
  return errs;
}

export const priorityClassStrategy: Strategy = {
  defaults(pc) {
    const p = pc as J;
    p.preemptionPolicy ??= 'PreemptLowerPriority';
    p.value ??= 0;
  },
  validate: validatePriorityClass,
  validateUpdate(pc, old) {
    const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
    if ((pc as J).value !== (old as J).value) errs.push(forbidden('value', 'may not be changed in an update.'));
    if ((pc as J).preemptionPolicy !== (old as J).preemptionPolicy)
      errs.push(forbidden('preemptionPolicy', 'may not be changed in an update.'));
    return errs;
  },
};
