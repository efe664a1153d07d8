// The resource metrics client of pkg/controller/podautoscaler/metrics (GetResourceMetric): PodMetrics from
// metrics.k8s.io through the client seam, each pod's usage of one resource summed over its containers (or one named
// container) in milli-units. A pod that lacks the resource in a container's usage is left out, as upstream does.
import type { Client, Gvr } from '../../client/types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { parseQuantity } from '../../machinery/api/quantity.js';
import { parseGoDurationMs } from './duration.js';
import type { PodMetricsInfo } from './replica-calculator.js';

export const POD_METRICS: Gvr = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };
const NANOS_PER_MILLI = 1_000_000n;

/** resource.Quantity's MilliValue (rounded up); undefined when absent or not a quantity. */
export function milliValue(q: unknown): number | undefined {
  if (typeof q !== 'string' && typeof q !== 'number') return undefined;
  const parsed = parseQuantity(q);
  if (!parsed) return undefined;
  const n = parsed.nanos;
  const milli = n >= 0n ? (n + NANOS_PER_MILLI - 1n) / NANOS_PER_MILLI : n / NANOS_PER_MILLI;
  return Number(milli);
}

interface PodMetricsObject {
  metadata: { name: string };
  timestamp: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

/** Usage per pod from PodMetrics objects. */
export function podMetricsInfo(items: KObject[], resource: string, container: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items as unknown as PodMetricsObject[]) {
    let sum = 0;
    let missing = false;
    for (const c of m.containers ?? []) {
      if (container && c.name !== container) continue;
      const v = milliValue(c.usage?.[resource]);
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += v;
    }
    if (missing) continue;
    out.set(m.metadata.name, {
      value: sum,
      timestampMs: Date.parse(m.timestamp),
      windowMs: parseGoDurationMs(String(m.window ?? '0s')) ?? 0,
    });
  }
  return out;
}

/** GetResourceMetric: the samples of the pods the selector matches; an empty answer is an error as upstream. */
export async function getResourceMetric(
  client: Client,
  resource: string,
  namespace: string,
  selector: string,
  container: string,
): Promise<{ metrics: PodMetricsInfo; timestampMs: number }> {
  let items: KObject[];
  try {
    ({ items } = await client.list(POD_METRICS, namespace, { labelSelector: selector }));
  } catch (e) {
    throw new Error(`unable to fetch metrics from resource metrics API: ${(e as Error).message}`);
  }
  if (!items.length) throw new Error('no metrics returned from resource metrics API');
  const metrics = podMetricsInfo(items, resource, container);
  const first = metrics.values().next().value;
  return { metrics, timestampMs: first?.timestampMs ?? 0 };
}
