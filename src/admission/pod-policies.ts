// The policy kinds' admission of a new pod, in kube-apiserver's plugin order: LimitRanger (defaults, then its bounds),
// Priority, RuntimeClass. Mutating admission runs before validation upstream; here the pod was validated before
// admission, so what these plugins changed is validated again and the QoS class recomputed from the final resources.
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { invalid } from '../machinery/api/errors.js';
import { computeQOSClass, validatePod } from '../registry/strategies/pod.js';
import { admitLimitRanger } from './limit-ranger.js';
import { admitPodPriority } from './priority.js';
import { admitRuntimeClass } from './runtime-class.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function admitPodPolicies(pod: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (old || ctx.subresource) return;
  const before = JSON.stringify((pod as J).spec);
  await admitLimitRanger(pod, old, ctx);
  await admitPodPriority(pod, old, ctx);
  await admitRuntimeClass(pod, old, ctx);
  if (JSON.stringify((pod as J).spec) === before) return;
  const errs = validatePod(pod);
  if (errs.length) throw invalid('Pod', '', pod.metadata.name ?? '', errs);
  const p = pod as J;
  if (p.status) p.status.qosClass = computeQOSClass(p.spec);
}
