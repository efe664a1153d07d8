// The PodSecurity admission plugin: enforce on pods, warn on pods and on workload pod templates.
import { forbidden, invalid, type FieldError } from '../../machinery/api/errors.js';
import type { AdmitContext } from '../../registry/types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { LATEST_MINOR, evaluatePod, forbiddenDetail, type AggregateResult } from './evaluate.js';
import { obj, str } from './helpers.js';
import { EXEMPT_NAMESPACES, levelVersionString, policyFromLabels, type LevelVersion, type Policy } from './policy.js';
import type { Json, PodShape } from './types.js';

async function namespaceLabels(namespace: string, ctx: AdmitContext): Promise<Record<string, string> | undefined> {
  const ns = ctx.getNamespace
    ? await ctx.getNamespace(namespace)
    : (await ctx.list('', 'namespaces')).find((n) => n.metadata.name === namespace);
  return ns?.metadata.labels;
}

const evaluate = (lv: LevelVersion, pod: PodShape) => evaluatePod(lv.level, lv.minor ?? LATEST_MINOR, pod);
const sameLevelVersion = (a: LevelVersion, b: LevelVersion) => a.level === b.level && a.minor === b.minor;

/** The policy for a namespace, or undefined when PodSecurity does not look at it. */
async function policyFor(namespace: string | undefined, ctx: AdmitContext): Promise<Policy | undefined> {
  if (!namespace || EXEMPT_NAMESPACES.has(namespace)) return undefined;
  return policyFromLabels(await namespaceLabels(namespace, ctx)).policy;
}

const warning = (lv: LevelVersion, r: AggregateResult) => `would violate PodSecurity "${levelVersionString(lv)}": ${forbiddenDetail(r)}`;

/**
 * Pods: refuse what violates the enforce level (403 Forbidden, worded as the apiserver words it), and warn about what
 * violates the warn level. Updates are evaluated only when they change something a check looks at.
 */
export async function admitPodSecurity(pod: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (ctx.subresource && ctx.subresource !== 'ephemeralcontainers') return;
  if (old && !isSignificantPodUpdate(pod, old)) return;
  const policy = await policyFor(pod.metadata.namespace, ctx);
  if (!policy) return;
  if (policy.enforce.level === 'privileged' && policy.warn.level === 'privileged') return;
  const shape: PodShape = { metadata: pod.metadata as Json, spec: obj(pod.spec) };
  const enforced = evaluate(policy.enforce, shape);
  if (!enforced.allowed) {
    const name = pod.metadata.name ?? '';
    throw forbidden(
      `pods "${name}" is forbidden: violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(enforced)}`,
      { name, kind: 'pods' },
    );
  }
  const warned = sameLevelVersion(policy.warn, policy.enforce) ? enforced : evaluate(policy.warn, shape);
  if (!warned.allowed) ctx.warnings?.push(warning(policy.warn, warned));
}

/** Deployments, ReplicaSets...: never refused, but their pod template is checked against the warn level. */
export async function warnPodTemplateSecurity(workload: KObject, _old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (ctx.subresource) return;
  const template = obj(obj(workload.spec).template);
  if (!('metadata' in template) && !('spec' in template)) return;
  const policy = await policyFor(workload.metadata.namespace, ctx);
  if (!policy) return;
  // Pod controllers are never refused: what enforce would refuse, and what warn would flag, come back as warnings.
  const pod = { metadata: obj(template.metadata), spec: obj(template.spec) };
  const seen = new Set<string>();
  for (const level of [policy.enforce, policy.warn]) {
    if (level.level === 'privileged') continue;
    const result = evaluate(level, pod);
    if (result.allowed) continue;
    const text = warning(level, result);
    if (!seen.has(text)) {
      seen.add(text);
      ctx.warnings?.push(text);
    }
  }
}

/**
 * Namespaces: PodSecurity labels must be valid; tightening enforce warns about existing pods that would now be refused
 * (grouped by their violations, as `kubectl label ns` shows them).
 */
export async function admitNamespacePodSecurity(ns: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  if (ctx.subresource) return;
  const next = policyFromLabels(ns.metadata.labels);
  if (next.errors.length) {
    const prev = old ? policyFromLabels(old.metadata.labels) : undefined;
    if (!prev || JSON.stringify(prev.errors) !== JSON.stringify(next.errors)) {
      const errs: FieldError[] = next.errors.map((e) => ({
        type: 'FieldValueInvalid',
        field: `metadata.labels[${e.label}]`,
        value: e.value,
        detail: e.message,
      }));
      throw invalid('Namespace', '', ns.metadata.name ?? '', errs);
    }
  }
  if (!old) return;
  const name = ns.metadata.name ?? '';
  const before = policyFromLabels(old.metadata.labels).policy.enforce;
  const after = next.policy.enforce;
  if (sameLevelVersion(before, after) || after.level === 'privileged' || EXEMPT_NAMESPACES.has(name)) return;
  if (before.minor === after.minor && rank(after.level) <= rank(before.level)) return;
  const pods = (await ctx.list('', 'pods')).filter((p) => p.metadata.namespace === name);
  const groups = new Map<string, { first: string; count: number }>();
  for (const p of pods) {
    const r = evaluate(after, { metadata: p.metadata as Json, spec: obj(p.spec) });
    if (r.allowed) continue;
    const key = r.reasons.join(', ');
    const podName = str(p.metadata.name);
    const g = groups.get(key);
    if (!g) groups.set(key, { first: podName, count: 1 });
    else {
      g.count++;
      if (podName < g.first) g.first = podName;
    }
  }
  if (!groups.size) return;
  ctx.warnings?.push(`existing pods in namespace "${name}" violate the new PodSecurity enforce level "${levelVersionString(after)}"`);
  const lines = [...groups].map(([reasons, g]) => {
    const others = g.count === 1 ? '' : g.count === 2 ? ' (and 1 other pod)' : ` (and ${g.count - 1} other pods)`;
    return `${g.first}${others}: ${reasons}`;
  });
  ctx.warnings?.push(...lines.sort());
}

const rank = (l: string) => ['privileged', 'baseline', 'restricted'].indexOf(l);

/** Pod fields an update may change that a check looks at: images (and so containers) and seccomp annotations. */
export function isSignificantPodUpdate(pod: KObject, old: KObject): boolean {
  const ann = obj(pod.metadata.annotations);
  const oldAnn = obj(old.metadata.annotations);
  const seccompPod = 'seccomp.security.alpha.kubernetes.io/pod';
  if (ann[seccompPod] !== oldAnn[seccompPod]) return true;
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const list = (s: Json, f: string) => (Array.isArray(s[f]) ? (s[f] as unknown[]).map(obj) : []);
  const changed = (c: Json, o: Json) => {
    const key = `container.seccomp.security.alpha.kubernetes.io/${str(c.name)}`;
    return c.image !== o.image || ann[key] !== oldAnn[key];
  };
  for (const f of ['containers', 'initContainers']) {
    const now = list(spec, f);
    const before = list(oldSpec, f);
    if (now.length !== before.length) return true;
    if (now.some((c, i) => changed(c, before[i]))) return true;
  }
  const oldEphemeral = list(oldSpec, 'ephemeralContainers');
  return list(spec, 'ephemeralContainers').some((c) => {
    const o = oldEphemeral.find((x) => x.name === c.name);
    return !o || changed(c, o);
  });
}
