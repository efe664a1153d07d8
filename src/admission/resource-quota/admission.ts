// The ResourceQuota admission plugin (apiserver's admission/plugin/resourcequota): a write that would take a namespace
// past a quota's status.hard is refused with upstream's 403 (`exceeded quota: q, requested: ..., used: ..., limited:
// ...`); one that passes is charged to the quotas it matches (their status.used written before the object is stored,
// with the quota's resourceVersion as the precondition, so concurrent writes serialize on it); a write that then fails
// gives its charge back.
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

/** Gives back what a write was charged when the write itself failed (best effort: the controller's resync also does). */
export type QuotaRelease = () => Promise<void>;

/**
 * Evaluate: check against the namespace's quotas and charge them, retrying on a quota written meanwhile. Returns how to
 * give the charge back if the object is then not stored (upstream leaves that to the next full recount).
 */
export async function admitResourceQuota(req: QuotaRequest, access: QuotaAccess): Promise<QuotaRelease | undefined> {
  const namespace = req.obj.metadata.namespace;
  if (!namespace || IGNORED.has(`${req.target.group}/${req.target.resource}`)) return undefined;
  if (!evaluatorFor(req.target).handles(req.operation, req.subresource)) return undefined;
  // What each quota was charged; those already charged are not charged again when another one's write conflicts.
  const charges = new Map<string, ResourceList>();
  const release = () => releaseCharges(namespace, charges, access);
  for (let attempt = 1; ; attempt++) {
    const quotas = (await access.quotas(namespace)).filter((q) => !charges.has(q.metadata.name!));
    if (!quotas.length) break;
    const charged = checkRequest(quotas, req);
    if (req.dryRun || !charged.length) break;
    try {
      for (const q of charged) {
        const before = quotas.find((x) => x.metadata.name === q.metadata.name)!;
        await access.writeStatus(q);
        charges.set(q.metadata.name!, subtractNonNegative(usedOf(q), usedOf(before)));
      }
      break;
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409) || attempt >= MAX_ATTEMPTS) {
        await release();
        throw e;
      }
    }
  }
  return charges.size ? release : undefined;
}

async function releaseCharges(namespace: string, charges: Map<string, ResourceList>, access: QuotaAccess): Promise<void> {
  for (let attempt = 1; charges.size && attempt <= MAX_ATTEMPTS; attempt++) {
    const quotas = (await access.quotas(namespace)).filter((q) => charges.has(q.metadata.name!));
    if (!quotas.length) return;
    for (const q of quotas) {
      const used = subtractNonNegative(usedOf(q), charges.get(q.metadata.name!)!);
      try {
        await access.writeStatus({ ...q, status: { ...(q as J).status, used } } as KObject);
        charges.delete(q.metadata.name!);
      } catch (e) {
        // Changed meanwhile: read again; anything else is left to the controller's recount.
        if (!(e instanceof StatusError && e.code === 409)) charges.delete(q.metadata.name!);
      }
    }
  }
}
