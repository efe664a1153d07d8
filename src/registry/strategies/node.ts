// core/v1 Node: cluster-scoped, DNS-1123 subdomain names; spec.unschedulable and taints; status via /status.
import type { Strategy } from '../types.js';
import { arr, child, index, invalid, isObj, notSupported, required, type Errs, type J } from './common/field.js';
import { validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isValidLabelValue } from './common/names.js';
import { parseCIDR } from './common/ip.js';

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function validateTaints(taints: J[]): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    const p = index('spec.taints', i);
    if (!t?.key) errs.push(required(child(p, 'key')));
    else errs.push(...validateLabelName(String(t.key), child(p, 'key')));
    if (t?.value) errs.push(...isValidLabelValue(String(t.value)).map((m) => invalid(child(p, 'value'), t.value, m)));
    if (!t?.effect) errs.push(required(child(p, 'effect')));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(child(p, 'effect'), t.effect, TAINT_EFFECTS));
    const k = `${t?.key}:${t?.effect}`;
    if (seen.has(k)) errs.push(invalid(p, t, 'taints must be unique by key and effect pair'));
    seen.add(k);
  });
  return errs;
}

export function validateNode(n: J): Errs {
  const errs: Errs = validateObjectMeta(n.metadata, { namespaced: false });
  const spec: J = isObj(n.spec) ? n.spec : {};
  errs.push(...validateTaints(arr(spec.taints)));
  arr(spec.podCIDRs).forEach((c, i) => {
    if (!parseCIDR(String(c)))
      errs.push(invalid(index('spec.podCIDRs', i), c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  return errs;
}

export const nodeStrategy: Strategy = {
  defaults(obj) {
    // Allocatable defaults to capacity (SetDefaults_NodeStatus).
    const st: J = obj.status;
    if (isObj(st) && isObj(st.capacity) && !isObj(st.allocatable)) st.allocatable = { ...st.capacity };
  },
  // Nodes may set status on create (the kubelet registers itself with it).
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateNode,
  validateUpdate(obj, old) {
    const errs: Errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const s: J = obj.spec ?? {};
    const o: J = old.spec ?? {};
    // podCIDR(s) may be set once, never changed.
    if (o.podCIDR && s.podCIDR !== o.podCIDR)
      errs.push(invalid('spec.podCIDR', s.podCIDR ?? '', 'node updates may not change podCIDR except from "" to valid'));
    if (o.providerID && s.providerID !== o.providerID)
      errs.push(invalid('spec.providerID', s.providerID ?? '', 'node updates may not change providerID except from "" to valid'));
    return errs;
  },
  generationFields: [],
};
