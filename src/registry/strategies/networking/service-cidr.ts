// networking.k8s.io/v1 ServiceCIDR and IPAddress (the ClusterIP allocator's visible state): CIDRs in canonical
// form, at most one per family, immutable; an IPAddress is named by its canonical IP and points at its owner.
import type { Strategy } from '../../types.js';
import { arr, child, index, invalid, isObj, obj, required, tooLong, type Errs, type J } from '../common/field.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../common/names.js';
import { statusStrategy } from '../common/status.js';
import { ipToBigInt, parseCIDR } from '../common/ip.js';
import { isIP } from 'node:net';

const CIDR_EXAMPLE = '(e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** The canonical text of an address (IPv6 shortened, IPv4 as is) or undefined. */
function canonicalIP(ip: string): string | undefined {
  const n = ipToBigInt(ip);
  if (!n) return undefined;
  if (n.family === 4) return ip;
  const groups = Array.from({ length: 8 }, (_, i) => ((n.v >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
  // The longest run of two or more zero groups becomes '::' (RFC 5952).
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

function validateCidrs(cidrs: unknown[], field: string): Errs {
  const errs: Errs = [];
  if (cidrs.length === 0) return [required(field)];
  if (cidrs.length > 2) return [tooLong(field, 2)];
  const families: number[] = [];
  cidrs.forEach((c, i) => {
    const f = index(field, i);
    const parsed = typeof c === 'string' ? parseCIDR(c) : null;
    if (!parsed) return errs.push(invalid(f, c, `must be a valid CIDR value, ${CIDR_EXAMPLE}`));
    const [addr] = (c as string).split('/');
    const max = parsed.family === 4 ? 32 : 128;
    if (ipToBigInt(addr!)!.v !== parsed.base || canonicalIP(addr!) !== addr)
      errs.push(invalid(f, c, `must be in canonical form ("${canonicalCidr(parsed.base, parsed.bits, parsed.family, max)}")`));
    families.push(parsed.family);
  });
  if (families.length === 2 && families[0] === families[1])
    errs.push(invalid(field, cidrs, 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  return errs;
}

function canonicalCidr(base: bigint, bits: number, family: 4 | 6, max: number): string {
  void max;
  if (family === 4) return `${[24n, 16n, 8n, 0n].map((s) => Number((base >> s) & 255n)).join('.')}/${bits}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((base >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(':');
  return `${canonicalIP(groups)}/${bits}`;
}

export const validateServiceCIDR = (sc: J): Errs => [
  ...validateObjectMeta(sc.metadata, { namespaced: false }),
  ...validateCidrs(arr(sc.spec?.cidrs), 'spec.cidrs'),
];

export const serviceCIDRStrategy: Strategy = {
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validateServiceCIDR,
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(o.metadata, old.metadata),
    ...immutable((o as J).spec?.cidrs, (old as J).spec?.cidrs, 'spec.cidrs'),
  ],
  generationFields: [],
};
export const serviceCIDRStatusStrategy: Strategy = statusStrategy();

/** An IPAddress' name: an IP in canonical form. */
function validateIPAddressName(name: unknown): Errs {
  const f = 'metadata.name';
  if (typeof name !== 'string' || !isIP(name) || !ipToBigInt(name)) return [invalid(f, name ?? '', 'must be a valid ip address')];
  const canon = canonicalIP(name);
  if (canon !== name) return [invalid(f, name, `must be a canonical format IP address: ${canon}`)];
  return [];
}

function validateParentRef(ref: J): Errs {
  const f = 'spec.parentRef';
  if (!isObj(ref)) return [required(f)];
  const errs: Errs = [];
  if (ref.group) errs.push(...isDNS1123Subdomain(ref.group).map((m) => invalid(child(f, 'group'), ref.group, m)));
  if (!ref.resource) errs.push(required(child(f, 'resource')));
  else if (/[/%]/.test(ref.resource)) errs.push(invalid(child(f, 'resource'), ref.resource, "may not contain '/' or '%'"));
  if (!ref.name) errs.push(required(child(f, 'name')));
  else if (/[/%]/.test(ref.name)) errs.push(invalid(child(f, 'name'), ref.name, "may not contain '/' or '%'"));
  if (ref.namespace) errs.push(...isDNS1123Label(ref.namespace).map((m) => invalid(child(f, 'namespace'), ref.namespace, m)));
  return errs;
}

export const validateIPAddress = (ip: J): Errs => [
  ...validateObjectMeta({ ...obj(ip.metadata), name: 'x' }, { namespaced: false }),
  ...validateIPAddressName(ip.metadata?.name),
  ...validateParentRef(ip.spec?.parentRef),
];

export const ipAddressStrategy: Strategy = {
  validate: validateIPAddress,
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(o.metadata, old.metadata),
    ...immutable((o as J).spec?.parentRef, (old as J).spec?.parentRef, 'spec.parentRef'),
  ],
  generationFields: [],
};
