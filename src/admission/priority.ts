// The Priority admission plugin (plugin/pkg/admission/priority): a new pod's priority comes from its PriorityClass
// (or the globalDefault class, else 0), and a class it names must exist; PriorityClass writes may not make a second
// globalDefault. The two system classes exist from the start (bootstrap-system-priority-classes).
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { admissionForbidden } from './forbidden.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SCHEDULING_GROUP = 'scheduling.k8s.io';
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

/** The built-in classes (pkg/apis/scheduling SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: { name: string; value: number; description: string }[] = [
  {
    name: 'system-node-critical',
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: 2_000_000_000,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** The globalDefault class; with several (a race), the lowest value, as upstream. */
export function defaultPriorityClass(classes: KObject[]): J | undefined {
  let found: J | undefined;
  for (const c of classes as J[]) if (c.globalDefault && (!found || found.value > c.value)) found = c;
  return found;
}

export async function admitPodPriority(pod: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (old || ctx.subresource) return;
  const spec = ((pod as J).spec ??= {});
  const classes = await ctx.list(SCHEDULING_GROUP, 'priorityclasses');
  let cls: J | undefined;
  if (!spec.priorityClassName) {
    cls = defaultPriorityClass(classes);
    if (cls) spec.priorityClassName = cls.metadata.name;
  } else {
    cls = (classes as J[]).find((c) => c.metadata.name === spec.priorityClassName);
    const system = SYSTEM_PRIORITY_CLASSES.find((s) => s.name === spec.priorityClassName);
    if (!cls && system) cls = { metadata: { name: system.name }, value: system.value, preemptionPolicy: 'PreemptLowerPriority' };
    if (!cls)
      throw admissionForbidden('', 'pods', pod.metadata.name ?? '', `no PriorityClass with name ${spec.priorityClassName} was found`);
  }
  const value = cls ? Number(cls.value ?? 0) : 0;
  const policy: string = cls?.preemptionPolicy ?? 'PreemptLowerPriority';
  // The pod strategy defaulted priority to 0 and preemptionPolicy to PreemptLowerPriority: only other values were asked.
  if (typeof spec.priority === 'number' && spec.priority !== 0 && spec.priority !== value) {
    throw admissionForbidden(
      '',
      'pods',
      pod.metadata.name ?? '',
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
    );
  }
  if (spec.preemptionPolicy && spec.preemptionPolicy !== 'PreemptLowerPriority' && spec.preemptionPolicy !== policy) {
    throw admissionForbidden(
      '',
      'pods',
      pod.metadata.name ?? '',
      `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
    );
  }
  spec.priority = value;
  spec.preemptionPolicy = policy;
}

/** validatePriorityClass: only one globalDefault. */
export async function admitPriorityClass(pc: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (ctx.subresource || !(pc as J).globalDefault) return;
  const dflt = defaultPriorityClass(await ctx.list(SCHEDULING_GROUP, 'priorityclasses'));
  if (dflt && (!old || dflt.metadata.name !== pc.metadata.name)) {
    throw admissionForbidden(
      SCHEDULING_GROUP,
      'priorityclasses',
      pc.metadata.name ?? '',
      `PriorityClass ${dflt.metadata.name} is already marked as default. Only one default can exist`,
    );
  }
}
