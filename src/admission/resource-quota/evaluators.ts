// pkg/quota/v1/evaluator/core and quota/v1/generic: what each kind of object uses of a quota. Pods use compute
// resources (requests.*, limits.*, the legacy cpu/memory names) and count as `pods` while not terminal; Services count
// their load balancers and node ports; claims their storage, per class too; every other kind is an object count
// (`count/<resource>.<group>`, plus the legacy names of a few core kinds). Shared by the ResourceQuota admission and the
// resourcequota controller, so both measure alike.
import type { KObject } from '../../machinery/api/meta.js';
import { computeQOSClass } from '../../registry/strategies/pod/qos.js';
import { addLists, nanosOf, type ResourceList } from './resource-list.js';
import { formatQuantity, parseQuantity } from '../../machinery/api/quantity.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface QuotaTarget {
  group: string;
  resource: string;
}

/** A ScopedResourceSelectorRequirement (spec.scopes become Exists requirements). */
export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

export interface Evaluator {
  /** The resources of `names` this evaluator accounts for. */
  matchingResources(names: string[]): string[];
  /** What the object uses; `now` decides whether a pod past its deletion grace still counts. */
  usage(obj: KObject, now: number): ResourceList;
  /** Requirements a quota puts on the object itself (pods must state cpu/memory): the refusal, or undefined. */
  constraints(required: string[], obj: KObject): string | undefined;
  matchesScope(req: ScopeRequirement, obj: KObject): boolean;
  /** Whether a write of this kind can change usage (upstream's Handles). */
  handles(operation: 'create' | 'update', subresource: string | undefined): boolean;
}

export const objectCountName = (t: QuotaTarget) => `count/${t.resource}${t.group ? `.${t.group}` : ''}`;

// ---- pods ----

const POD_RESOURCES = [
  'count/pods',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
];
/** Resources a quota on cpu or memory makes every container state (a mistake upstream keeps for compatibility). */
const VALIDATION_SET = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);
const NATIVE = (name: string) => !name.includes('/') || name.startsWith('kubernetes.io/');
const isExtendedRequest = (name: string) => name.startsWith('requests.') && !NATIVE(name.slice('requests.'.length));
const isHugePages = (name: string) => name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');

const list = (v: unknown): ResourceList => {
  const out: ResourceList = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as J)) if (parseQuantity(x as string) !== null) out[k] = String(x);
  return out;
};

/** max(a, b) key by key. */
function maxLists(a: ResourceList, b: ResourceList): ResourceList {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) if (!(k in out) || nanosOf(v) > nanosOf(out[k])) out[k] = v;
  return out;
}

/** resourcehelper.PodRequests / PodLimits: the containers' sum, at least each init container's, plus the overhead. */
export function podResources(spec: J, field: 'requests' | 'limits'): ResourceList {
  let sum: ResourceList = {};
  for (const c of spec?.containers ?? []) sum = addLists(sum, list(c?.resources?.[field]));
  // Sidecars (restartable init containers) run beside the containers: they add up; the others run one at a time.
  let sidecars: ResourceList = {};
  let initMax: ResourceList = {};
  for (const c of spec?.initContainers ?? []) {
    const own = list(c?.resources?.[field]);
    if (c?.restartPolicy === 'Always') {
      sidecars = addLists(sidecars, own);
      sum = addLists(sum, own);
    } else initMax = maxLists(initMax, addLists(own, sidecars));
  }
  let out = maxLists(sum, initMax);
  const overhead = list(spec?.overhead);
  // Overhead adds to requests always, to limits only where a limit exists.
  if (field === 'requests') out = addLists(out, overhead);
  else out = addLists(out, Object.fromEntries(Object.entries(overhead).filter(([k]) => k in out)));
  return out;
}

function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = { pods: '1' };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (r in requests) {
      out[r] = requests[r]!;
      out[`requests.${r}`] = requests[r]!;
    }
    if (r in limits) out[`limits.${r}`] = limits[r]!;
  }
  for (const [k, v] of Object.entries(requests)) {
    if (k.startsWith('hugepages-')) {
      out[k] = v;
      out[`requests.${k}`] = v;
    } else if (!NATIVE(k)) out[`requests.${k}`] = v;
  }
  return out;
}

/** QuotaV1Pod: a pod stops using compute quota once terminal, or once its deletion grace has run out. */
export function podCountsForQuota(pod: J, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletion && typeof grace === 'number' && now > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

const isTerminating = (spec: J) => typeof spec?.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0;

function usesCrossNamespaceAffinity(spec: J): boolean {
  const cross = (t: J) => (Array.isArray(t?.namespaces) && t.namespaces.length > 0) || t?.namespaceSelector != null;
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = spec?.affinity?.[kind];
    if ((a?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(cross)) return true;
    if ((a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).some((w: J) => cross(w?.podAffinityTerm))) return true;
  }
  return false;
}

function priorityClassMatches(req: ScopeRequirement, name: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'Exists':
      return !!name;
    case 'DoesNotExist':
      return !name;
    case 'In':
      return !!name && values.includes(name);
    case 'NotIn':
      return !name || !values.includes(name);
    default:
      return false;
  }
}

const podEvaluator: Evaluator = {
  matchingResources: (names) =>
    names.filter((n) => POD_RESOURCES.includes(n) || isHugePages(n) || (isExtendedRequest(n) && !n.startsWith('requests.storage'))),
  usage(pod, now) {
    const p = pod as J;
    const out: ResourceList = { 'count/pods': '1' };
    if (!podCountsForQuota(p, now)) return out;
    return { ...out, ...computeUsage(podResources(p.spec, 'requests'), podResources(p.spec, 'limits')) };
  },
  constraints(required, pod) {
    const need = required.filter((r) => VALIDATION_SET.has(r));
    if (!need.length) return undefined;
    const missing = new Map<string, Set<string>>();
    const spec = (pod as J).spec ?? {};
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      const has = computeUsage(list(c?.resources?.requests), list(c?.resources?.limits));
      for (const r of need) if (!(r in has)) missing.set(r, (missing.get(r) ?? new Set()).add(String(c?.name ?? '')));
    }
    if (!missing.size) return undefined;
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
  matchesScope(req, pod) {
    const spec = (pod as J).spec ?? {};
    switch (req.scopeName) {
      case 'Terminating':
        return isTerminating(spec);
      case 'NotTerminating':
        return !isTerminating(spec);
      case 'BestEffort':
        return computeQOSClass(spec) === 'BestEffort';
      case 'NotBestEffort':
        return computeQOSClass(spec) !== 'BestEffort';
      case 'PriorityClass':
        return priorityClassMatches(req, spec.priorityClassName || undefined);
      case 'CrossNamespacePodAffinity':
        return usesCrossNamespaceAffinity(spec);
      default:
        return false;
    }
  },
  handles: (operation, subresource) => operation === 'create' && !subresource,
};

// ---- services ----

const SERVICE_RESOURCES = ['count/services', 'services', 'services.loadbalancers', 'services.nodeports'];

const serviceEvaluator: Evaluator = {
  matchingResources: (names) => names.filter((n) => SERVICE_RESOURCES.includes(n)),
  usage(svc) {
    const spec = (svc as J).spec ?? {};
    const ports = Array.isArray(spec.ports) ? spec.ports.length : 0;
    const out: ResourceList = { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' };
    if (spec.type === 'LoadBalancer') {
      out['services.loadbalancers'] = '1';
      if (spec.allocateLoadBalancerNodePorts !== false) out['services.nodeports'] = String(ports);
    } else if (spec.type === 'NodePort') out['services.nodeports'] = String(ports);
    return out;
  },
  constraints: () => undefined,
  matchesScope: () => false,
  handles: (operation, subresource) => !subresource && (operation === 'create' || operation === 'update'),
};

// ---- persistent volume claims ----

const CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

const pvcEvaluator: Evaluator = {
  matchingResources: (names) =>
    names.filter(
      (n) =>
        ['count/persistentvolumeclaims', 'persistentvolumeclaims', 'requests.storage'].includes(n) ||
        n.endsWith(`${CLASS_SUFFIX}persistentvolumeclaims`) ||
        n.endsWith(`${CLASS_SUFFIX}requests.storage`),
    ),
  usage(pvc) {
    const p = pvc as J;
    const out: ResourceList = { 'count/persistentvolumeclaims': '1', persistentvolumeclaims: '1' };
    // The larger of what is asked and what a resize already allocated.
    let storage = p.spec?.resources?.requests?.storage as string | undefined;
    const allocated = p.status?.allocatedResources?.storage as string | undefined;
    if (allocated && (!storage || nanosOf(allocated) > nanosOf(storage))) storage = allocated;
    const cls = p.spec?.storageClassName as string | undefined;
    if (cls) out[`${cls}${CLASS_SUFFIX}persistentvolumeclaims`] = '1';
    if (storage && parseQuantity(storage)) {
      const canonical = formatQuantity(parseQuantity(storage)!);
      out['requests.storage'] = canonical;
      if (cls) out[`${cls}${CLASS_SUFFIX}requests.storage`] = canonical;
    }
    return out;
  },
  constraints: () => undefined,
  matchesScope: () => false,
  handles: (operation, subresource) => !subresource && (operation === 'create' || operation === 'update'),
};

// ---- every other kind: an object count ----

/** Core kinds whose count also has a name without the count/ prefix. */
const LEGACY_COUNTS = new Set(['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas']);

export function objectCountEvaluator(t: QuotaTarget): Evaluator {
  const names = [objectCountName(t), ...(t.group === '' && LEGACY_COUNTS.has(t.resource) ? [t.resource] : [])];
  return {
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    usage: () => Object.fromEntries(names.map((n) => [n, '1'])),
    constraints: () => undefined,
    matchesScope: () => false,
    handles: (operation, subresource) => operation === 'create' && !subresource,
  };
}

export function evaluatorFor(t: QuotaTarget): Evaluator {
  if (t.group === '' && t.resource === 'pods') return podEvaluator;
  if (t.group === '' && t.resource === 'services') return serviceEvaluator;
  if (t.group === '' && t.resource === 'persistentvolumeclaims') return pvcEvaluator;
  return objectCountEvaluator(t);
}

/** Which resource a quota's resource name is measured on: the controller lists that resource to count it. */
export function targetOfResourceName(name: string): QuotaTarget | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  }
  if (podEvaluator.matchingResources([name]).length) return { group: '', resource: 'pods' };
  if (serviceEvaluator.matchingResources([name]).length) return { group: '', resource: 'services' };
  if (pvcEvaluator.matchingResources([name]).length) return { group: '', resource: 'persistentvolumeclaims' };
  if (LEGACY_COUNTS.has(name)) return { group: '', resource: name };
  return undefined;
}

/** spec.scopes (as Exists requirements) and spec.scopeSelector's expressions. */
export function scopeRequirements(quota: KObject): ScopeRequirement[] {
  const spec = (quota as J).spec ?? {};
  const out: ScopeRequirement[] = (spec.scopes ?? []).map((s: string) => ({ scopeName: s, operator: 'Exists' }));
  for (const e of spec.scopeSelector?.matchExpressions ?? []) out.push(e as ScopeRequirement);
  return out;
}

/** generic.Matches: the quota names a resource this evaluator counts, and the object is in every one of its scopes. */
export function quotaMatches(quota: KObject, hard: ResourceList, evaluator: Evaluator, obj: KObject): boolean {
  if (!evaluator.matchingResources(Object.keys(hard)).length) return false;
  return scopeRequirements(quota).every((r) => evaluator.matchesScope(r, obj));
}
