// core/v1 Endpoints: subsets of addresses and ports.
import type { Strategy } from '../types.js';
import { arr, child, duplicate, index, invalid, isObj, notSupported, required, type Errs, type J } from './common/field.js';
import { validateIP } from './common/ip.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isDNS1123Label, isValidPortNum } from './common/names.js';
import { PROTOCOLS } from './pod/validation.js';

function validateAddress(a: J, p: string): Errs {
  const errs = validateIP(a?.ip, child(p, 'ip'));
  if (a?.hostname) errs.push(...isDNS1123Label(String(a.hostname)).map((m) => invalid(child(p, 'hostname'), a.hostname, m)));
  if (a?.nodeName !== undefined && !a.nodeName) errs.push(required(child(p, 'nodeName')));
  return errs;
}

export function validateEndpoints(ep: J): Errs {
  const errs: Errs = validateObjectMeta(ep.metadata, { namespaced: true });
  arr(ep.subsets).forEach((s, i) => {
    const sp = index('subsets', i);
    const addrs = arr(s?.addresses);
    const notReady = arr(s?.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(sp, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateAddress(a, index(child(sp, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, index(child(sp, 'notReadyAddresses'), j))));
    const ports = arr(s?.ports);
    const names = new Set<string>();
    ports.forEach((port, j) => {
      const pp = index(child(sp, 'ports'), j);
      if (ports.length > 1 && !port?.name) errs.push(required(child(pp, 'name')));
      else if (port?.name) {
        errs.push(...isDNS1123Label(String(port.name)).map((m) => invalid(child(pp, 'name'), port.name, m)));
        if (names.has(port.name)) errs.push(duplicate(child(pp, 'name'), port.name));
        names.add(port.name);
      }
      errs.push(...isValidPortNum(port?.port).map((m) => invalid(child(pp, 'port'), port?.port ?? 0, m)));
      if (!port?.protocol) errs.push(required(child(pp, 'protocol')));
      else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(child(pp, 'protocol'), port.protocol, PROTOCOLS));
    });
  });
  return errs;
}

export const endpointsStrategy: Strategy = {
  defaults(obj) {
    for (const s of arr(obj.subsets)) for (const p of arr(s?.ports)) if (isObj(p)) p.protocol ||= 'TCP';
  },
  validate: validateEndpoints,
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: [],
};
