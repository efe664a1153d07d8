// The matching rules behind kube-scheduler's filters: tolerations against taints (v1helper.TolerationsTolerateTaint),
// node selectors and required node affinity (nodeaffinity.NodeSelector), and host port conflicts (NodePorts).
import type { KObject } from '../../machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** Toleration.ToleratesTaint: an empty effect matches every effect; an empty key with Exists matches every key. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

export const toleratedBy = (tolerations: Toleration[], taint: Taint) => tolerations.some((t) => tolerates(t, taint));

export const podTolerations = (pod: KObject): Toleration[] => ((pod as J).spec?.tolerations ?? []) as Toleration[];

/** A node selector requirement on labels (In, NotIn, Exists, DoesNotExist, Gt, Lt). */
function matchesLabelRequirement(labels: Record<string, string>, req: J): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  const values: string[] = Array.isArray(req.values) ? req.values.map(String) : [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const l = parseIntStrict(value);
      const r = parseIntStrict(values[0]);
      if (l === undefined || r === undefined) return false;
      return req.operator === 'Gt' ? l > r : l < r;
    }
    default:
      return false;
  }
}

const parseIntStrict = (s: string): number | undefined => (/^[+-]?\d+$/.test(s) ? Number(s) : undefined);

/** matchFields: only metadata.name, with In / NotIn. */
function matchesFieldRequirement(node: KObject, req: J): boolean {
  if (req.key !== 'metadata.name') return false;
  const values: string[] = Array.isArray(req.values) ? req.values.map(String) : [];
  const name = node.metadata.name ?? '';
  if (req.operator === 'In') return values.includes(name);
  if (req.operator === 'NotIn') return !values.includes(name);
  return false;
}

/** A NodeSelectorTerm: all its requirements hold; a term with none matches no node. */
function matchesTerm(node: KObject, term: J): boolean {
  const exprs: J[] = term?.matchExpressions ?? [];
  const fields: J[] = term?.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => matchesLabelRequirement(labels, r)) && fields.every((r) => matchesFieldRequirement(node, r));
}

/** A NodeSelector's terms (ORed) against a node: a PersistentVolume's node affinity. */
export function matchesNodeSelectorTerms(node: KObject, terms: J[]): boolean {
  return terms.some((t) => matchesTerm(node, t));
}

/** spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (the terms are ORed). */
export function matchesNodeAffinity(pod: KObject, node: KObject): boolean {
  const spec: J = (pod as J).spec ?? {};
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  const terms: J[] = required.nodeSelectorTerms ?? [];
  return terms.some((t) => matchesTerm(node, t));
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  hostPort: number;
}

/** The host ports a pod asks for (containers, plus sidecars, which run alongside them). */
export function hostPortsOf(pod: KObject): HostPort[] {
  const spec: J = (pod as J).spec ?? {};
  const containers: J[] = [
    ...(spec.containers ?? []),
    ...((spec.initContainers ?? []) as J[]).filter((c) => c?.restartPolicy === 'Always'),
  ];
  const out: HostPort[] = [];
  for (const c of containers) {
    for (const p of (c?.ports ?? []) as J[]) {
      if (!p?.hostPort || p.hostPort <= 0) continue;
      out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', hostPort: Number(p.hostPort) });
    }
  }
  return out;
}

/** HostPortInfo.CheckConflict: same protocol and port, and the same address or either one the wildcard. */
export function portsConflict(wanted: HostPort[], used: HostPort[]): boolean {
  return wanted.some((w) =>
    used.some(
      (u) =>
        u.protocol === w.protocol &&
        u.hostPort === w.hostPort &&
        (u.hostIP === w.hostIP || u.hostIP === '0.0.0.0' || w.hostIP === '0.0.0.0' || u.hostIP === '::' || w.hostIP === '::'),
    ),
  );
}
