// The LimitRanger admission plugin (plugin/pkg/admission/limitranger) for pods: a new pod's containers get the
// namespace's LimitRange defaults (`default` as limits, `defaultRequest` as requests) where they state none, noted in
// the `kubernetes.io/limit-ranger` annotation, and are refused (403, upstream's messages) below `min`, above `max` or
// past `maxLimitRequestRatio`, per Container and per Pod.
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import { formatQuantity, parseQuantity } from '../machinery/api/quantity.js';
import { compareStrings } from '../machinery/compare.js';
import { admissionForbidden } from './forbidden.js';
import { podResources } from './resource-quota/evaluators.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type List = Record<string, string>;

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

const nanos = (v: string | undefined) => parseQuantity(v ?? '0')?.nanos ?? 0n;
const show = (v: string | undefined) => formatQuantity(parseQuantity(v ?? '0') ?? { nanos: 0n, format: 'DecimalSI' });
const sortedEntries = (l: unknown): [string, string][] =>
  Object.entries((l ?? {}) as List)
    .map(([k, v]) => [k, String(v)] as [string, string])
    .sort((a, b) => compareStrings(a[0], b[0]));

const itemsOf = (ranges: KObject[]): J[] => ranges.flatMap((r) => ((r as J).spec?.limits ?? []) as J[]);

/** Applies the Container defaults of every range; returns the annotation's parts ("cpu request for container a"). */
export function applyDefaults(pod: J, ranges: KObject[]): string[] {
  const notes: string[] = [];
  const items = itemsOf(ranges).filter((i) => i.type === 'Container');
  if (!items.length) return notes;
  const merge = (c: J, kind: string) => {
    c.resources ??= {};
    const setReq: string[] = [];
    const setLim: string[] = [];
    for (const item of items) {
      for (const [k, v] of Object.entries((item.default ?? {}) as List)) {
        c.resources.limits ??= {};
        if (!(k in c.resources.limits) && !setLim.includes(k)) {
          c.resources.limits[k] = show(v);
          setLim.push(k);
        }
      }
      for (const [k, v] of Object.entries((item.defaultRequest ?? {}) as List)) {
        c.resources.requests ??= {};
        if (!(k in c.resources.requests) && !setReq.includes(k)) {
          c.resources.requests[k] = show(v);
          setReq.push(k);
        }
      }
    }
    if (setReq.length) notes.push(`${setReq.sort(compareStrings).join(', ')} request for ${kind} ${c.name}`);
    if (setLim.length) notes.push(`${setLim.sort(compareStrings).join(', ')} limit for ${kind} ${c.name}`);
  };
  for (const c of pod.spec?.containers ?? []) merge(c, 'container');
  for (const c of pod.spec?.initContainers ?? []) merge(c, 'init container');
  return notes;
}

function minConstraint(type: string, r: string, enforced: string, req: List, lim: List): string | undefined {
  if (!(r in req)) return `minimum ${r} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (nanos(req[r]) < nanos(enforced)) return `minimum ${r} usage per ${type} is ${show(enforced)}, but request is ${show(req[r])}`;
  if (r in lim && nanos(lim[r]) < nanos(enforced))
    return `minimum ${r} usage per ${type} is ${show(enforced)}, but limit is ${show(lim[r])}`;
  return undefined;
}

function maxConstraint(type: string, r: string, enforced: string, req: List, lim: List): string | undefined {
  if (!(r in lim)) return `maximum ${r} usage per ${type} is ${show(enforced)}.  No limit is specified`;
  if (nanos(lim[r]) > nanos(enforced)) return `maximum ${r} usage per ${type} is ${show(enforced)}, but limit is ${show(lim[r])}`;
  if (r in req && nanos(req[r]) > nanos(enforced))
    return `maximum ${r} usage per ${type} is ${show(enforced)}, but request is ${show(req[r])}`;
  return undefined;
}

function ratioConstraint(type: string, r: string, enforced: string, req: List, lim: List): string | undefined {
  const rq = nanos(req[r]);
  const lm = nanos(lim[r]);
  if (!(r in req) || rq === 0n)
    return `${r} max limit to request ratio per ${type} is ${show(enforced)}, but no request is specified or request is 0`;
  if (!(r in lim) || lm === 0n)
    return `${r} max limit to request ratio per ${type} is ${show(enforced)}, but no limit is specified or limit is 0`;
  const ratio = Number(lm) / Number(rq);
  if (ratio * 1e9 > Number(nanos(enforced)))
    return `${r} max limit to request ratio per ${type} is ${show(enforced)}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

function checkItem(item: J, type: string, req: List, lim: List, errs: string[]): void {
  const push = (e: string | undefined) => e && errs.push(e);
  for (const [k, v] of sortedEntries(item.min)) push(minConstraint(type, k, v, req, lim));
  for (const [k, v] of sortedEntries(item.max)) push(maxConstraint(type, k, v, req, lim));
  for (const [k, v] of sortedEntries(item.maxLimitRequestRatio)) push(ratioConstraint(type, k, v, req, lim));
}

/** PodValidateLimitFunc: every violation, in upstream's order (containers, init containers, then the pod's sums). */
export function limitViolations(pod: J, ranges: KObject[]): string[] {
  const errs: string[] = [];
  for (const item of itemsOf(ranges)) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])])
        checkItem(item, 'Container', (c.resources?.requests ?? {}) as List, (c.resources?.limits ?? {}) as List, errs);
    } else if (item.type === 'Pod') {
      checkItem(item, 'Pod', podResources(pod.spec, 'requests'), podResources(pod.spec, 'limits'), errs);
    }
  }
  return errs;
}

/** Mutates (defaults) then validates a new pod; throws the 403 utilerrors.NewAggregate makes of the violations. */
export async function admitLimitRanger(pod: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<boolean> {
  if (old || ctx.subresource) return false;
  const ns = pod.metadata.namespace;
  const ranges = (await ctx.list('', 'limitranges')).filter((r) => r.metadata.namespace === ns);
  if (!ranges.length) return false;
  const notes = applyDefaults(pod as J, ranges);
  if (notes.length)
    pod.metadata.annotations = { ...pod.metadata.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
  const errs = limitViolations(pod as J, ranges);
  if (errs.length) throw admissionForbidden('', 'pods', pod.metadata.name ?? '', errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
  return notes.length > 0;
}

/** PVCValidateLimitFunc: a new claim's storage request within the PersistentVolumeClaim items' min and max. */
export function claimViolations(pvc: J, ranges: KObject[]): string[] {
  const errs: string[] = [];
  const req = (pvc.spec?.resources?.requests ?? {}) as List;
  for (const item of itemsOf(ranges)) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of sortedEntries(item.min)) {
      const e = minConstraint('PersistentVolumeClaim', k, v, req, {});
      if (e) errs.push(e);
    }
    for (const [k, v] of sortedEntries(item.max)) {
      if (!(k in req)) errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${show(v)}.  No request is specified`);
      else if (nanos(req[k]) > nanos(v))
        errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${show(v)}, but request is ${show(req[k])}`);
    }
  }
  return errs;
}

export async function admitLimitRangerClaim(pvc: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (old || ctx.subresource) return;
  const ns = pvc.metadata.namespace;
  const ranges = (await ctx.list('', 'limitranges')).filter((r) => r.metadata.namespace === ns);
  const errs = ranges.length ? claimViolations(pvc as J, ranges) : [];
  if (errs.length)
    throw admissionForbidden('', 'persistentvolumeclaims', pvc.metadata.name ?? '', errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
}
