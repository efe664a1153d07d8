// networking.k8s.io/v1 NetworkPolicy (ValidateNetworkPolicy): pod selector, ports with endPort, peers, ipBlocks,
// policyTypes defaulted from the rules given (SetDefaults_NetworkPolicy).
import type { Strategy } from '../../types.js';
import { arr, child, forbidden, index, invalid, isObj, isSet, notSupported, obj, required, type Errs, type J } from '../common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isValidPortName, isValidPortNum } from '../common/names.js';
import { validateLabelSelector } from '../common/selector.js';
import { parseCIDR } from '../common/ip.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const POLICY_TYPES = ['Egress', 'Ingress'];

function validatePort(p: J, field: string): Errs {
  const errs: Errs = [];
  if (isSet(p.protocol) && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(child(field, 'protocol'), p.protocol, PROTOCOLS));
  if (!isSet(p.port)) {
    if (isSet(p.endPort)) errs.push(required(child(field, 'port'), 'must specify `port` when `endPort` is specified'));
    return errs;
  }
  if (typeof p.port === 'number') {
    errs.push(...isValidPortNum(p.port).map((m) => invalid(child(field, 'port'), p.port, m)));
    if (isSet(p.endPort)) {
      if (p.endPort < p.port) errs.push(invalid(child(field, 'endPort'), p.endPort, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(p.endPort).map((m) => invalid(child(field, 'endPort'), p.endPort, m)));
    }
  } else {
    if (isSet(p.endPort)) errs.push(invalid(child(field, 'endPort'), p.endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(String(p.port)).map((m) => invalid(child(field, 'port'), p.port, m)));
  }
  return errs;
}

function validateIPBlock(b: J, field: string): Errs {
  if (!b.cidr) return [required(child(field, 'cidr'))];
  const cidr = parseCIDR(String(b.cidr));
  if (!cidr) return [invalid(child(field, 'cidr'), b.cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  const errs: Errs = [];
  arr(b.except).forEach((e: unknown, i) => {
    const f = index(child(field, 'except'), i);
    const ex = parseCIDR(String(e));
    if (!ex) errs.push(invalid(f, e, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    else {
      const max = cidr.family === 4 ? 32 : 128;
      const inside =
        ex.family === cidr.family && ex.bits > cidr.bits && ex.base >> BigInt(max - cidr.bits) === cidr.base >> BigInt(max - cidr.bits);
      if (!inside) errs.push(invalid(f, e, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

function validatePeer(peer: J, field: string): Errs {
  const errs: Errs = [];
  let n = 0;
  if (isObj(peer.podSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, child(field, 'podSelector')));
  }
  if (isObj(peer.namespaceSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(field, 'namespaceSelector')));
  }
  if (isObj(peer.ipBlock)) {
    if (n > 0) return [forbidden(field, 'may not specify both ipBlock and another peer')];
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, child(field, 'ipBlock')));
  }
  if (n === 0) errs.push(required(field, 'must specify a peer'));
  return errs;
}

export function validateNetworkPolicy(np: J): Errs {
  const errs = validateObjectMeta(np.metadata, { namespaced: true });
  const spec = obj(np.spec);
  errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    arr(spec[dir]).forEach((rule: J, i) => {
      const rp = index(`spec.${dir}`, i);
      arr(rule.ports).forEach((p: J, j) => errs.push(...validatePort(obj(p), index(child(rp, 'ports'), j))));
      arr(rule[peers]).forEach((p: J, j) => errs.push(...validatePeer(obj(p), index(child(rp, peers), j))));
    });
  }
  const types = arr(spec.policyTypes);
  types.forEach((t: unknown, i) => {
    if (!POLICY_TYPES.includes(String(t))) errs.push(notSupported(index('spec.policyTypes', i), t, POLICY_TYPES));
  });
  if (types.length > POLICY_TYPES.length) errs.push(forbidden('spec.policyTypes', 'may not specify more than two policyTypes'));
  return errs;
}

export const networkPolicyStrategy: Strategy = {
  defaults(o) {
    const spec = (o as J).spec;
    if (!isObj(spec)) return;
    for (const dir of ['ingress', 'egress'])
      for (const rule of arr(spec[dir])) for (const p of arr(rule?.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
    if (arr(spec.policyTypes).length === 0) spec.policyTypes = arr(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  validate: validateNetworkPolicy,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
