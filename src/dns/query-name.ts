// A name inside the cluster domain, taken apart as CoreDNS's kubernetes plugin does (parse.go parseRequest):
//   _port._proto.service.namespace.svc   endpoint.service.namespace.svc   service.namespace.svc   a-b-c-d.namespace.pod
// Anything longer, or not ending in svc/pod, is a name that cannot exist (NXDOMAIN).

export interface RecordRequest {
  /** 'svc' or 'pod'; '' for the zone apex and the bare `svc`/`pod` names (they exist, with no data) */
  podOrSvc: '' | 'svc' | 'pod';
  namespace: string;
  service: string;
  endpoint: string;
  /** named port and protocol of an SRV name, without their underscores; '' matches any */
  port: string;
  protocol: string;
}

const stripUnderscore = (s: string) => (s.startsWith('_') ? s.slice(1) : s);

/** `base` is the lower-case name with the zone taken off ('' for the apex); 'invalid' for a name that cannot exist. */
export function parseRecordRequest(base: string): RecordRequest | 'invalid' {
  const r: RecordRequest = { podOrSvc: '', namespace: '', service: '', endpoint: '', port: '', protocol: '' };
  if (base === '' || base === 'svc' || base === 'pod') return r;
  const segs = base.split('.');
  let last = segs.length - 1;
  const kind = segs[last]!;
  if (kind !== 'svc' && kind !== 'pod') return 'invalid';
  r.podOrSvc = kind;
  if (--last < 0) return r;
  r.namespace = segs[last]!;
  if (--last < 0) return r;
  r.service = segs[last]!;
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0]!;
  else if (last === 1) {
    r.protocol = stripUnderscore(segs[1]!);
    r.port = stripUnderscore(segs[0]!);
  } else return 'invalid';
  return r;
}

/** The name with `zone` taken off, '' for the zone itself, undefined when it is not inside the zone. */
export function trimZone(name: string, zone: string): string | undefined {
  if (name === zone) return '';
  return name.endsWith(`.${zone}`) ? name.slice(0, -(zone.length + 1)) : undefined;
}

/** The IPv4 address of an `in-addr.arpa` name (d.c.b.a.in-addr.arpa → a.b.c.d), undefined for anything else. */
export function reverseAddress(name: string): string | undefined {
  const base = trimZone(name, 'in-addr.arpa');
  if (!base) return undefined;
  const parts = base.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reverse().map(Number).join('.');
}

/** The IP of a pod record's first label: 1-2-3-4 → 1.2.3.4, IPv6 with dashes for colons (findPods, insecure mode). */
export const podLabelAddress = (label: string) =>
  (label.match(/-/g) ?? []).length === 3 && !label.includes('--') ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
