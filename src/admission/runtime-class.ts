// The RuntimeClass admission plugin (plugin/pkg/admission/runtimeclass): a new pod naming a RuntimeClass that does
// not exist is refused; one that exists sets the pod's overhead (which must agree with an overhead the pod states) and
// adds its scheduling nodeSelector and tolerations.
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { deepEqual } from '../machinery/api/equality.js';
import { canonicalizeResourceList } from '../machinery/api/quantity.js';
import { admissionForbidden } from './forbidden.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function admitRuntimeClass(pod: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (old || ctx.subresource) return;
  const spec = ((pod as J).spec ??= {});
  const refuse = (why: string) => admissionForbidden('', 'pods', pod.metadata.name ?? '', why);
  let rc: J | undefined;
  if (spec.runtimeClassName) {
    rc = (await ctx.list('node.k8s.io', 'runtimeclasses')).find((c) => c.metadata.name === spec.runtimeClassName) as J | undefined;
    if (!rc) throw refuse(`pod rejected: RuntimeClass "${spec.runtimeClassName}" not found`);
  }
  const fixed = rc?.overhead?.podFixed as Record<string, string> | undefined;
  if (fixed) {
    const want = structuredClone(fixed);
    canonicalizeResourceList(want);
    if (spec.overhead && !deepEqual(spec.overhead, want))
      throw refuse("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    spec.overhead = want;
  } else if (spec.overhead) {
    throw refuse('pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
  }
  const scheduling = rc?.scheduling as J | undefined;
  if (scheduling?.nodeSelector) {
    const selector: Record<string, string> = { ...(spec.nodeSelector ?? {}) };
    for (const [k, v] of Object.entries(scheduling.nodeSelector as Record<string, string>)) {
      if (k in selector && selector[k] !== v)
        throw refuse(`conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${selector[k]}`);
      selector[k] = v;
    }
    spec.nodeSelector = selector;
  }
  if (Array.isArray(scheduling?.tolerations)) {
    const tolerations: J[] = [...(spec.tolerations ?? [])];
    for (const t of scheduling.tolerations as J[]) if (!tolerations.some((x) => deepEqual(x, t))) tolerations.push(t);
    spec.tolerations = tolerations;
  }
}
