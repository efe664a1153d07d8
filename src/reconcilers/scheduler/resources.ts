// Resource accounting as kube-scheduler does it: a pod's effective requests (component-helpers' PodRequests) and
// what a node offers (status.allocatable), in integer units: millicores, bytes, pod count.
import { parseQuantity } from '../../machinery/api/quantity.js';
import type { KObject } from '../../machinery/api/meta.js';

/** Requests by resource name: cpu in millicores, everything else in whole units (bytes, count). */
export type ResourceAmounts = Record<string, number>;

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Default requests the scoring plugins assume for a container that names none (schedutil.DefaultMilliCPURequest...). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Quantity.MilliValue() for cpu, Quantity.Value() otherwise: both round up. */
export function amountOf(resource: string, q: unknown): number {
  if (typeof q !== 'string' && typeof q !== 'number') return 0;
  const parsed = parseQuantity(q);
  if (!parsed) return 0;
  const unit = resource === 'cpu' ? 1_000_000n : 1_000_000_000n;
  const n = parsed.nanos;
  const v = n / unit + (n % unit > 0n ? 1n : 0n);
  return Number(v);
}

export function toAmounts(list: unknown): ResourceAmounts {
  const out: ResourceAmounts = {};
  if (list && typeof list === 'object') for (const [k, v] of Object.entries(list)) out[k] = amountOf(k, v);
  return out;
}

const add = (into: ResourceAmounts, more: ResourceAmounts) => {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
};
const max = (into: ResourceAmounts, other: ResourceAmounts) => {
  for (const [k, v] of Object.entries(other)) if (v > (into[k] ?? 0)) into[k] = v;
};

/**
 * The pod's effective requests: the sum over containers and sidecars (restartable init containers), or the largest
 * single init container (plus the sidecars started before it) if that is more, plus spec.overhead.
 * With `nonZero`, containers without a cpu/memory request count as 100m / 200Mi (for scoring only).
 */
export function podRequests(pod: KObject, opts: { nonZero?: boolean } = {}): ResourceAmounts {
  const spec: J = (pod as J).spec ?? {};
  const requestsOf = (c: J): ResourceAmounts => {
    const r = toAmounts(c?.resources?.requests);
    if (opts.nonZero) {
      if (!r.cpu) r.cpu = DEFAULT_MILLI_CPU_REQUEST;
      if (!r.memory) r.memory = DEFAULT_MEMORY_REQUEST;
    }
    return r;
  };
  const reqs: ResourceAmounts = {};
  for (const c of (spec.containers ?? []) as J[]) add(reqs, requestsOf(c));
  const sidecars: ResourceAmounts = {};
  const initMax: ResourceAmounts = {};
  for (const c of (spec.initContainers ?? []) as J[]) {
    const own = requestsOf(c);
    if (c?.restartPolicy === 'Always') {
      add(reqs, own);
      add(sidecars, own);
      max(initMax, sidecars);
    } else {
      const during: ResourceAmounts = { ...own };
      add(during, sidecars);
      max(initMax, during);
    }
  }
  max(reqs, initMax);
  add(reqs, toAmounts(spec.overhead));
  return reqs;
}

/** A pod that no longer holds node resources (Succeeded or Failed). */
export const isTerminated = (pod: KObject) => ['Succeeded', 'Failed'].includes(String((pod as J).status?.phase ?? ''));

/** What the node can give pods, from status.allocatable (falling back to capacity, as defaulting does). */
export function nodeAllocatable(node: KObject): ResourceAmounts {
  const st: J = (node as J).status ?? {};
  return toAmounts(st.allocatable ?? st.capacity);
}
