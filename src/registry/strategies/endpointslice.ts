// discovery.k8s.io/v1 EndpointSlice: address type, endpoints' addresses, ports.
import type { Strategy } from '../types.js';
import { arr, child, duplicate, index, invalid, isObj, notSupported, required, type Errs, type J } from './common/field.js';
import { ipToBigInt } from './common/ip.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './common/names.js';
import { PROTOCOLS } from './pod/validation.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;

function validateAddress(addr: unknown, type: string, p: string): Errs {
  const s = String(addr ?? '');
  if (type === 'IPv4' || type === 'IPv6') {
    const ip = ipToBigInt(s);
    if (!ip || (type === 'IPv4') !== (ip.family === 4)) return [invalid(p, s, `must be a valid ${type} address`)];
    return [];
  }
  if (type === 'FQDN') return isDNS1123Subdomain(s).map((m) => invalid(p, s, m));
  return [];
}

export function validateEndpointSlice(es: J): Errs {
  const errs: Errs = validateObjectMeta(es.metadata, { namespaced: true });
  const type = es.addressType;
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = arr(es.endpoints);
  if (endpoints.length > MAX_ENDPOINTS)
    errs.push({ type: 'FieldValueTooLong', field: 'endpoints', detail: `must have at most ${MAX_ENDPOINTS} items` });
  endpoints.forEach((ep, i) => {
    const p = index('endpoints', i);
    const addrs = arr(ep?.addresses);
    if (addrs.length === 0) errs.push(required(child(p, 'addresses'), 'must contain at least 1 address'));
    else if (addrs.length > MAX_ADDRESSES)
      errs.push(invalid(child(p, 'addresses'), addrs.length, `must have at most ${MAX_ADDRESSES} items`));
    else addrs.forEach((a, j) => errs.push(...validateAddress(a, type, index(child(p, 'addresses'), j))));
    if (ep?.hostname) errs.push(...isDNS1123Label(String(ep.hostname)).map((m) => invalid(child(p, 'hostname'), ep.hostname, m)));
    if (ep?.nodeName) errs.push(...isDNS1123Subdomain(String(ep.nodeName)).map((m) => invalid(child(p, 'nodeName'), ep.nodeName, m)));
  });
  const ports = arr(es.ports);
  if (ports.length > MAX_PORTS) errs.push(invalid('ports', ports.length, `must have at most ${MAX_PORTS} items`));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = index('ports', i);
    const name = port?.name ?? '';
    if (name) errs.push(...isDNS1123Label(String(name)).map((m) => invalid(child(p, 'name'), name, m)));
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    names.add(name);
    if (port?.port !== undefined && port?.port !== null)
      errs.push(...isValidPortNum(port.port).map((m) => invalid(child(p, 'port'), port.port, m)));
    if (!port?.protocol) errs.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(child(p, 'protocol'), port.protocol, PROTOCOLS));
  });
  return errs;
}

export const endpointSliceStrategy: Strategy = {
  defaults(obj) {
    for (const p of arr(obj.ports))
      if (isObj(p)) {
        p.protocol ||= 'TCP';
        p.name ??= '';
      }
  },
  validate: validateEndpointSlice,
  validateUpdate: (obj, old) => [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...immutable(obj.addressType, old.addressType, 'addressType'),
  ],
  generationFields: [],
};
