// The answer to one question from the cluster's data (CoreDNS's kubernetes plugin: handler.go, kubernetes.go
// findServices/findPods, reverse.go, and the record builders of plugin/backend_lookup.go). Pure: the sockets, the
// forwarding of other names and the chase of an ExternalName's target live elsewhere.
import { isIP } from 'node:net';
import type { Answer, Question, RecordType } from 'dns-packet';
import { endpointHostname, serviceKey, type ClusterDnsData, type DnsPort } from './cluster-data.js';
import { parseRecordRequest, podLabelAddress, reverseAddress, trimZone, type RecordRequest } from './query-name.js';

/** CoreDNS's default TTL for cluster records. */
export const CLUSTER_TTL = 5;
/** The schema version of the Kubernetes DNS specification served at dns-version.<zone> (TXT). */
export const DNS_SCHEMA_VERSION = '1.1.0';

export interface ZoneAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** an ExternalName outside the zone: its target's records (this type) are looked up upstream and appended */
  chase?: { name: string; type: RecordType };
}

/** One thing a name stands for (CoreDNS's msg.Service): an address or a name, a port, and the name it is known by. */
interface Found {
  host: string;
  port: number;
  /** the record's own name: svc.ns.svc.<zone>, or hostname.svc.ns.svc.<zone> for an endpoint */
  key: string;
}

const NO_PORT: DnsPort = { name: '', port: -1, protocol: '' };
const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const portMatches = (r: RecordRequest, p: DnsPort) =>
  (r.port === '' || eq(r.port, p.name)) && (r.protocol === '' || eq(r.protocol, p.protocol));

/** What a name inside the zone stands for; 'nxdomain' when it does not exist. */
function find(data: ClusterDnsData, r: RecordRequest): Found[] | 'nxdomain' {
  if (r.podOrSvc === '') return [];
  if (!data.namespaces.has(r.namespace)) return 'nxdomain';
  if (r.service === '') return [];
  const zone = data.domain;
  if (r.podOrSvc === 'pod') {
    // Pod records without checking that a pod has the address (the `pods insecure` mode kube-dns had).
    const ip = podLabelAddress(r.service);
    return isIP(ip) ? [{ host: ip, port: -1, key: `${r.service}.${r.namespace}.pod.${zone}` }] : 'nxdomain';
  }
  const svc = data.services.get(serviceKey(r.namespace, r.service));
  if (!svc) return 'nxdomain';
  const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
  const out: Found[] = [];
  if (svc.type === 'ExternalName') {
    if (r.endpoint || !svc.externalName) return 'nxdomain';
    return [{ host: svc.externalName, port: -1, key: svcName }];
  }
  if (svc.headless || r.endpoint) {
    for (const e of data.endpoints.get(serviceKey(svc.namespace, svc.name)) ?? []) {
      const hostname = endpointHostname(e);
      if (r.endpoint && !eq(r.endpoint, hostname)) continue;
      for (const p of e.ports.length ? e.ports : [NO_PORT]) {
        if (portMatches(r, p)) out.push({ host: e.ip, port: p.port, key: `${hostname}.${svcName}` });
      }
    }
    return out.length ? out : 'nxdomain';
  }
  for (const p of svc.ports) {
    if (!portMatches(r, p)) continue;
    for (const ip of svc.clusterIPs) out.push({ host: ip, port: p.port, key: svcName });
  }
  return out.length ? out : 'nxdomain';
}

const soa = (data: ClusterDnsData): Answer => ({
  type: 'SOA',
  name: data.domain,
  ttl: CLUSTER_TTL,
  class: 'IN',
  data: {
    mname: `ns.dns.${data.domain}`,
    rname: `hostmaster.${data.domain}`,
    serial: data.serial,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: CLUSTER_TTL,
  },
});

const record = (type: 'A' | 'AAAA' | 'CNAME' | 'PTR', name: string, value: string): Answer => ({
  type,
  name,
  ttl: CLUSTER_TTL,
  class: 'IN',
  data: value,
});

const empty = (data: ClusterDnsData, rcode: ZoneAnswer['rcode']): ZoneAnswer => ({
  rcode,
  answers: [],
  authorities: [soa(data)],
  additionals: [],
});

const withAnswers = (data: ClusterDnsData, answers: Answer[], additionals: Answer[] = []): ZoneAnswer =>
  answers.length ? { rcode: 'NOERROR', answers, authorities: [], additionals } : empty(data, 'NOERROR');

/** A/AAAA (plugin.A): the addresses of the family asked for, once each; a name (ExternalName) as its CNAME. */
function addresses(data: ClusterDnsData, qname: string, type: 'A' | 'AAAA', found: Found[], depth: number): ZoneAnswer {
  const family = type === 'A' ? 4 : 6;
  const answers: Answer[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    const fam = isIP(f.host);
    if (fam === family && !seen.has(f.host)) {
      seen.add(f.host);
      answers.push(record(type, qname, f.host));
    }
    if (fam !== 0 || eq(f.host, qname)) continue;
    answers.push(record('CNAME', qname, f.host));
    // A target inside the zone is answered here (the client sees us as its recursor); outside, upstream.
    const inside = trimZone(f.host.toLowerCase(), data.domain);
    if (inside === undefined) return { rcode: 'NOERROR', answers, authorities: [], additionals: [], chase: { name: f.host, type } };
    if (depth < 8) {
      const next = answerInZone(data, { name: f.host, type }, inside, depth + 1);
      answers.push(...next.answers);
    }
    return { rcode: 'NOERROR', answers, authorities: [], additionals: [] };
  }
  return withAnswers(data, answers);
}

/** SRV (plugin.SRV): one record per (target, port), weights sharing 100 within a priority, targets' A as additionals. */
function srv(data: ClusterDnsData, qname: string, found: Found[]): ZoneAnswer {
  const internal = found.filter((f) => isIP(f.host) !== 0 && f.port !== -1);
  const weight = internal.length ? Math.floor((100 / (internal.length * 100)) * 100) : 0;
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const seenSrv = new Set<string>();
  const seenAddr = new Set<string>();
  for (const f of internal) {
    if (!seenSrv.has(`${f.key}:${f.port}`)) {
      seenSrv.add(`${f.key}:${f.port}`);
      answers.push({ type: 'SRV', name: qname, ttl: CLUSTER_TTL, class: 'IN', data: { priority: 0, weight, port: f.port, target: f.key } });
    }
    if (!seenAddr.has(`${f.key}/${f.host}`)) {
      seenAddr.add(`${f.key}/${f.host}`);
      additionals.push(record(isIP(f.host) === 4 ? 'A' : 'AAAA', f.key, f.host));
    }
  }
  return withAnswers(data, answers, additionals);
}

function answerInZone(data: ClusterDnsData, q: Question, base: string, depth = 0): ZoneAnswer {
  const qname = q.name;
  if (q.type === 'SOA') return { rcode: 'NOERROR', answers: [soa(data)], authorities: [], additionals: [] };
  if (q.type === 'TXT' && base === 'dns-version')
    return withAnswers(data, [{ type: 'TXT', name: qname, ttl: 28800, class: 'IN', data: DNS_SCHEMA_VERSION }]);
  const r = parseRecordRequest(base);
  const found = r === 'invalid' ? 'nxdomain' : find(data, r);
  if (found === 'nxdomain') return empty(data, 'NXDOMAIN');
  switch (q.type) {
    case 'A':
    case 'AAAA':
      return addresses(data, qname, q.type, found, depth);
    case 'SRV':
      return srv(data, qname, found);
    case 'CNAME': {
      const name = found.find((f) => isIP(f.host) === 0);
      return withAnswers(data, name ? [record('CNAME', qname, name.host)] : []);
    }
    default:
      // Every other type: the name exists (it was found), with no data of that type.
      return empty(data, 'NOERROR');
  }
}

/**
 * The cluster's answer to `q`, or undefined when the name is not the cluster's: names outside the cluster domain,
 * and reverse names of addresses that are neither a ClusterIP nor an endpoint (forwarded, as CoreDNS's
 * `fallthrough in-addr.arpa ip6.arpa`).
 */
export function answerQuestion(data: ClusterDnsData, q: Question): ZoneAnswer | undefined {
  const name = q.name.toLowerCase().replace(/\.$/, '');
  const base = trimZone(name, data.domain);
  if (base !== undefined) return answerInZone(data, { ...q, name: q.name.replace(/\.$/, '') }, base);
  const ip = reverseAddress(name);
  const names = ip ? data.reverse.get(ip) : undefined;
  if (!names) return undefined;
  if (q.type !== 'PTR') return { rcode: 'NOERROR', answers: [], authorities: [], additionals: [] };
  return { rcode: 'NOERROR', answers: names.map((n) => record('PTR', q.name.replace(/\.$/, ''), n)), authorities: [], additionals: [] };
}
