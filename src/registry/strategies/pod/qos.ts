// Pod QoS class (pkg/apis/core/helper/qos): only cpu and memory count.
import { arr, isObj, type J } from '../common/field.js';
import { compareQuantity, parseQuantity } from '../../../machinery/api/quantity.js';

const QOS_RESOURCES = ['cpu', 'memory'];
const nonZero = (v: unknown) => (typeof v === 'string' || typeof v === 'number') && (parseQuantity(v)?.nanos ?? 0n) !== 0n;

export function computeQOSClass(spec: J): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests: Record<string, string | number> = {};
  const limits: Record<string, string | number> = {};
  let guaranteed = true;
  const containers = [...arr(spec?.initContainers), ...arr(spec?.containers)];
  for (const c of containers) {
    const lim = isObj(c?.resources?.limits) ? c.resources.limits : {};
    // Requests default to limits, so a limit alone counts as a request too.
    const req = { ...lim, ...(isObj(c?.resources?.requests) ? c.resources.requests : {}) };
    const limitedHere = new Set<string>();
    for (const r of QOS_RESOURCES) {
      if (nonZero(req[r])) requests[r] = req[r];
      if (nonZero(lim[r])) {
        limits[r] = lim[r];
        limitedHere.add(r);
      }
    }
    if (QOS_RESOURCES.some((r) => !limitedHere.has(r))) guaranteed = false;
    if (QOS_RESOURCES.some((r) => nonZero(req[r]) && nonZero(lim[r]) && compareQuantity(req[r], lim[r]) !== 0)) guaranteed = false;
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
