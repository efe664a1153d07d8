// The ResourceQuota admission plugin (apiserver's admission/plugin/resourcequota): a write that would take a namespace
// past a quota's status.hard is refused with upstream's 403 (`exceeded quota: q, requested: ..., used: ..., limited:
// ...`); one that passes is charged to the quotas it matches (their status.used written before the object is stored,
// with the quota's resourceVersion as the precondition, so concurrent writes serialize on it). The resourcequota
// controller later recounts what was charged for objects that were never stored.
import type { KObject } from '../../machinery/api/meta.js';
import { StatusError } from '../../machinery/api/errors.js';
import { admissionForbidden } from '../forbidden.js';
import { evaluatorFor, quotaMatches, type QuotaTarget } from './evaluators.js';
import {
  addLists,
  isNegative,
  lessThanOrEqual,
  mask,
  prettyPrint,
  prettyPrintNames,
  removeZeros,
  subtractNonNegative,
  type ResourceList,
} from './resource-list.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Upstream's default ignoredResources: events are never charged. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export interface QuotaAccess {
  /** The namespace's quotas as stored now. */
  quotas(namespace: string): Promise<KObject[]>;
  /** Writes a quota's status; rejects with a 409 when its resourceVersion is no longer current. */
  writeStatus(quota: KObject): Promise<void>;
}

export interface QuotaRequest {
  target: QuotaTarget;
  operation: 'create' | 'update';
  subresource?: string;
  obj: KObject;
  old?: KObject;
  dryRun: boolean;
  now?: number;
}

const hardOf = (q: KObject): ResourceList => ((q as J).status?.hard ?? {}) as ResourceList;
const usedOf = (q: KObject): ResourceList => ((q as J).status?.used ?? {}) as ResourceList;

/**
 * CheckRequest: the quotas whose usage this write changes, each with its new status.used; throws the 403 when one
 * would be exceeded, when a quota asks what the object does not state, or when a quota's usage is not known yet.
 */
export function checkRequest(quotas: KObject[], req: QuotaRequest): KObject[] {
  const { target, obj } = req;
  const evaluator = evaluatorFor(target);
  if (!evaluator.handles(req.operation, req.subresource)) return [];
  const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
  const refuse = (why: string) => admissionForbidden(target.group, target.resource, name, why);
  const now = req.now ?? Date.now();
  const interesting: KObject[] = [];
  for (const quota of quotas) {
    const hard = hardOf(quota);
    if (!quotaMatches(quota, hard, evaluator, obj)) continue;
    const restricted = evaluator.matchingResources(Object.keys(hard));
    const why = evaluator.constraints(restricted, obj);
    if (why) throw refuse(`failed quota: ${quota.metadata.name}: ${why}`);
    const used = usedOf(quota);
    if (restricted.some((r) => !(r in used))) {
      throw refuse(`status unknown for quota: ${quota.metadata.name}, resources: ${prettyPrintNames(restricted)}`);
    }
    interesting.push(quota);
  }
  if (!interesting.length) return [];
  const input = evaluator.usage(obj, now);
  const negative = isNegative(input);
  if (negative.length) throw refuse(`quota usage is negative for resource(s): ${prettyPrintNames(negative)}`);
  const out: KObject[] = [];
  for (const quota of interesting) {
    let delta = input;
    // An update is charged the difference from what the stored object already used (when the quota counted it).
    if (req.operation === 'update' && req.old?.metadata.resourceVersion && quotaMatches(quota, hardOf(quota), evaluator, req.old)) {
      delta = subtractNonNegative(input, evaluator.usage(req.old, now));
    }
    delta = removeZeros(delta);
    if (!Object.keys(delta).length) continue;
    const hard = hardOf(quota);
    const requested = mask(delta, Object.keys(hard));
    const newUsage = addLists(usedOf(quota), requested);
    if (req.subresource !== 'status') {
      const { allowed, exceeded } = lessThanOrEqual(mask(newUsage, Object.keys(requested)), hard);
      if (!allowed) {
        throw refuse(
          `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, ` +
            `used: ${prettyPrint(mask(usedOf(quota), exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
        );
      }
    }
    if (Object.keys(requested).length) out.push({ ...quota, status: { ...(quota as J).status, used: newUsage } } as KObject);
  }
  return out;
}

const MAX_ATTEMPTS = 5;

/** Evaluate: check against the namespace's quotas and charge them, retrying on a quota written meanwhile. */
export async function admitResourceQuota(req: QuotaRequest, access: QuotaAccess): Promise<void> {
  const namespace = req.obj.metadata.namespace;
  if (!namespace || IGNORED.has(`${req.target.group}/${req.target.resource}`)) return;
  if (!evaluatorFor(req.target).handles(req.operation, req.subresource)) return;
  // Quotas already charged are not charged again when another one's write conflicts.
  const written = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const quotas = (await access.quotas(namespace)).filter((q) => !written.has(q.metadata.name!));
    if (!quotas.length) return;
    const charged = checkRequest(quotas, req);
    if (req.dryRun || !charged.length) return;
    try {
      for (const q of charged) {
        await access.writeStatus(q);
        written.add(q.metadata.name!);
      }
      return;
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409) || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}
