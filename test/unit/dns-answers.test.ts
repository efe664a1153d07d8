// The cluster DNS's answers from a snapshot of services and EndpointSlices (src/dns/zone-answer.ts, handler.ts):
// every record type of the Kubernetes DNS specification as CoreDNS's kubernetes plugin serves them, NXDOMAIN with
// the zone's SOA, truncation over UDP, forwarding of other names.
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type RecordType } from 'dns-packet';
import { encodeCompressed } from '../../src/dns/compress.js';
import { clusterDnsData, type ClusterDnsData } from '../../src/dns/cluster-data.js';
import { answerQuestion } from '../../src/dns/zone-answer.js';
import { handleQuery, type QueryDeps } from '../../src/dns/handler.js';
import { parseRecordRequest, reverseAddress } from '../../src/dns/query-name.js';
import { RCODE, rcodeOf } from '../../src/dns/response.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const ns = (name: string): KObject => ({ metadata: { name } });
const svc = (name: string, namespace: string, spec: Record<string, unknown>): KObject => ({ metadata: { name, namespace }, spec });
const slice = (service: string, namespace: string, endpoints: unknown[], ports: unknown[] = []): KObject =>
  ({
    metadata: { name: `${service}-abc`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints,
    ports,
  }) as KObject;

function fixture(): ClusterDnsData {
  return clusterDnsData({
    domain: 'cluster.local',
    serial: 1234,
    namespaces: [ns('default'), ns('kube-system'), ns('ns1')],
    services: [
      svc('web', 'default', {
        type: 'ClusterIP',
        clusterIP: '10.96.0.20',
        clusterIPs: ['10.96.0.20'],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
      }),
      svc('hl', 'ns1', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
      svc('ext', 'default', { type: 'ExternalName', externalName: 'db.example.com' }),
      svc('alias', 'default', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
      svc('empty', 'default', { clusterIP: 'None', clusterIPs: ['None'] }),
    ],
    endpointSlices: [
      slice(
        'hl',
        'ns1',
        [
          { addresses: ['10.244.0.5'], hostname: 'web-0', conditions: { ready: true } },
          { addresses: ['10.244.0.6'], conditions: { ready: true } },
          { addresses: ['10.244.0.7'], conditions: { ready: false } },
        ],
        [{ name: 'http', port: 8080, protocol: 'TCP' }],
      ),
      slice('web', 'default', [{ addresses: ['10.244.0.9'], conditions: { ready: true } }], [{ name: 'http', port: 80, protocol: 'TCP' }]),
    ],
  });
}

const ask = (name: string, type: RecordType) => answerQuestion(fixture(), { name, type, class: 'IN' });
const data = (as: Answer[]) => as.map((a) => (a as { data: unknown }).data);

describe('names', () => {
  test('taken apart as CoreDNS parseRequest', () => {
    expect(parseRecordRequest('web.default.svc')).toMatchObject({ podOrSvc: 'svc', namespace: 'default', service: 'web', endpoint: '' });
    expect(parseRecordRequest('web-0.hl.ns1.svc')).toMatchObject({ service: 'hl', endpoint: 'web-0' });
    expect(parseRecordRequest('_http._tcp.web.default.svc')).toMatchObject({ service: 'web', port: 'http', protocol: 'tcp' });
    expect(parseRecordRequest('a.b.c.d.default.svc')).toBe('invalid');
    expect(parseRecordRequest('google.com')).toBe('invalid');
    expect(parseRecordRequest('')).toMatchObject({ podOrSvc: '' });
    expect(reverseAddress('20.0.96.10.in-addr.arpa')).toBe('10.96.0.20');
    expect(reverseAddress('0.96.10.in-addr.arpa')).toBeUndefined();
  });
});

describe('A and AAAA', () => {
  test('a ClusterIP service answers its ClusterIP with TTL 5, authoritative', () => {
    const a = ask('web.default.svc.cluster.local', 'A')!;
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers).toEqual([{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, class: 'IN', data: '10.96.0.20' }]);
  });

  test('names are matched without regard to case, and answered as asked', () => {
    const a = ask('WEB.Default.SVC.cluster.local.', 'A')!;
    expect(a.answers[0]).toMatchObject({ name: 'WEB.Default.SVC.cluster.local', data: '10.96.0.20' });
  });

  test('AAAA of an IPv4 service: the name exists with no data (NOERROR, SOA in authority)', () => {
    const a = ask('web.default.svc.cluster.local', 'AAAA')!;
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers).toEqual([]);
    expect(a.authorities[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });
  });

  test('a headless service answers its ready endpoints only', () => {
    expect(data(ask('hl.ns1.svc.cluster.local', 'A')!.answers).sort()).toEqual(['10.244.0.5', '10.244.0.6']);
  });

  test("an endpoint's hostname (pod hostname + subdomain) and its dashed IP name", () => {
    expect(data(ask('web-0.hl.ns1.svc.cluster.local', 'A')!.answers)).toEqual(['10.244.0.5']);
    expect(data(ask('10-244-0-6.hl.ns1.svc.cluster.local', 'A')!.answers)).toEqual(['10.244.0.6']);
    expect(ask('web-1.hl.ns1.svc.cluster.local', 'A')!.rcode).toBe('NXDOMAIN');
    // an unready endpoint has no name
    expect(ask('10-244-0-7.hl.ns1.svc.cluster.local', 'A')!.rcode).toBe('NXDOMAIN');
  });

  test('a headless service without ready endpoints is NXDOMAIN (specification 2.4.1)', () => {
    expect(ask('empty.default.svc.cluster.local', 'A')!.rcode).toBe('NXDOMAIN');
  });

  test('pod records a-b-c-d.<ns>.pod.<zone>, in a namespace that exists', () => {
    expect(data(ask('10-244-0-5.ns1.pod.cluster.local', 'A')!.answers)).toEqual(['10.244.0.5']);
    expect(ask('10-244-0-5.nope.pod.cluster.local', 'A')!.rcode).toBe('NXDOMAIN');
    expect(ask('not-an-ip.ns1.pod.cluster.local', 'A')!.rcode).toBe('NXDOMAIN');
  });
});

describe('NXDOMAIN and NODATA', () => {
  test.each([
    'nope.default.svc.cluster.local',
    'web.nope.svc.cluster.local',
    'google.com.default.svc.cluster.local',
    'google.com.svc.cluster.local',
    'google.com.cluster.local',
    'a.b._c.web.default.svc.cluster.local',
  ])('%s does not exist: NXDOMAIN with the zone SOA', (name) => {
    const a = ask(name, 'A')!;
    expect(a.rcode).toBe('NXDOMAIN');
    expect(a.answers).toEqual([]);
    expect(a.authorities).toEqual([
      {
        type: 'SOA',
        name: 'cluster.local',
        ttl: 5,
        class: 'IN',
        data: {
          mname: 'ns.dns.cluster.local',
          rname: 'hostmaster.cluster.local',
          serial: 1234,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 5,
        },
      },
    ]);
  });

  test('the zone apex, svc.<zone> and a namespace exist with no data', () => {
    for (const n of ['cluster.local', 'svc.cluster.local', 'default.svc.cluster.local']) {
      const a = ask(n, 'A')!;
      expect([n, a.rcode, a.answers]).toEqual([n, 'NOERROR', []]);
    }
  });

  test('SOA and the dns-version TXT record', () => {
    expect(ask('cluster.local', 'SOA')!.answers[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });
    expect(ask('dns-version.cluster.local', 'TXT')!.answers[0]).toMatchObject({ type: 'TXT', ttl: 28800, data: '1.1.0' });
  });

  test('other types of an existing name: NODATA', () => {
    expect(ask('web.default.svc.cluster.local', 'MX')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(ask('nope.default.svc.cluster.local', 'MX')!.rcode).toBe('NXDOMAIN');
  });
});

describe('SRV', () => {
  test('a named port of a ClusterIP service points at the service name, its A record in additionals', () => {
    const a = ask('_http._tcp.web.default.svc.cluster.local', 'SRV')!;
    expect(a.answers).toEqual([
      {
        type: 'SRV',
        name: '_http._tcp.web.default.svc.cluster.local',
        ttl: 5,
        class: 'IN',
        data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
      },
    ]);
    expect(a.additionals).toEqual([{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, class: 'IN', data: '10.96.0.20' }]);
    expect(data(ask('_dns._udp.web.default.svc.cluster.local', 'SRV')!.answers)).toEqual([
      { priority: 0, weight: 100, port: 53, target: 'web.default.svc.cluster.local' },
    ]);
  });

  test('a wrong protocol or port name: NXDOMAIN', () => {
    expect(ask('_http._udp.web.default.svc.cluster.local', 'SRV')!.rcode).toBe('NXDOMAIN');
    expect(ask('_nope._tcp.web.default.svc.cluster.local', 'SRV')!.rcode).toBe('NXDOMAIN');
  });

  test('a headless service: one record per ready endpoint, targets its hostnames', () => {
    const a = ask('_http._tcp.hl.ns1.svc.cluster.local', 'SRV')!;
    expect(data(a.answers)).toEqual([
      { priority: 0, weight: 50, port: 8080, target: 'web-0.hl.ns1.svc.cluster.local' },
      { priority: 0, weight: 50, port: 8080, target: '10-244-0-6.hl.ns1.svc.cluster.local' },
    ]);
    expect(a.additionals.map((x) => [x.name, (x as { data: string }).data])).toEqual([
      ['web-0.hl.ns1.svc.cluster.local', '10.244.0.5'],
      ['10-244-0-6.hl.ns1.svc.cluster.local', '10.244.0.6'],
    ]);
  });
});

describe('PTR', () => {
  test('a ClusterIP names its service; an endpoint its hostname under the service', () => {
    expect(ask('20.0.96.10.in-addr.arpa', 'PTR')!.answers).toEqual([
      { type: 'PTR', name: '20.0.96.10.in-addr.arpa', ttl: 5, class: 'IN', data: 'web.default.svc.cluster.local' },
    ]);
    expect(data(ask('5.0.244.10.in-addr.arpa', 'PTR')!.answers)).toEqual(['web-0.hl.ns1.svc.cluster.local']);
    expect(data(ask('6.0.244.10.in-addr.arpa', 'PTR')!.answers)).toEqual(['10-244-0-6.hl.ns1.svc.cluster.local']);
    expect(data(ask('9.0.244.10.in-addr.arpa', 'PTR')!.answers)).toEqual(['10-244-0-9.web.default.svc.cluster.local']);
  });

  test('addresses the cluster does not know, and other names outside the zone, are not ours (forwarded)', () => {
    expect(ask('7.0.244.10.in-addr.arpa', 'PTR')).toBeUndefined();
    expect(ask('1.1.168.192.in-addr.arpa', 'PTR')).toBeUndefined();
    expect(ask('example.com', 'A')).toBeUndefined();
  });
});

describe('ExternalName', () => {
  test('a CNAME to the external name, whose records are looked up upstream', () => {
    const a = ask('ext.default.svc.cluster.local', 'A')!;
    expect(a.answers).toEqual([{ type: 'CNAME', name: 'ext.default.svc.cluster.local', ttl: 5, class: 'IN', data: 'db.example.com' }]);
    expect(a.chase).toEqual({ name: 'db.example.com', type: 'A' });
    expect(data(ask('ext.default.svc.cluster.local', 'CNAME')!.answers)).toEqual(['db.example.com']);
  });

  test('a target inside the zone is followed here', () => {
    const a = ask('alias.default.svc.cluster.local', 'A')!;
    expect(a.answers.map((x) => [x.type, (x as { data: string }).data])).toEqual([
      ['CNAME', 'web.default.svc.cluster.local'],
      ['A', '10.96.0.20'],
    ]);
    expect(a.chase).toBeUndefined();
  });

  test('no SRV and no endpoint names for an ExternalName', () => {
    expect(ask('_http._tcp.ext.default.svc.cluster.local', 'SRV')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(ask('x.ext.default.svc.cluster.local', 'A')!.rcode).toBe('NXDOMAIN');
  });
});

describe('the wire (handleQuery)', () => {
  const query = (name: string, type: RecordType, opts: { id?: number; edns?: number } = {}) =>
    dnsPacket.encode({
      id: opts.id ?? 42,
      type: 'query',
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type, class: 'IN' }],
      ...(opts.edns
        ? {
            additionals: [
              {
                type: 'OPT',
                name: '.',
                udpPayloadSize: opts.edns,
                extendedRcode: 0,
                ednsVersion: 0,
                flags: 0,
                flag_do: false,
                options: [],
              },
            ],
          }
        : {}),
    });
  const deps = (d: ClusterDnsData, over: Partial<QueryDeps> = {}): QueryDeps => ({
    data: () => d,
    forward: async () => undefined,
    lookup: async () => [],
    ...over,
  });
  const decode = (b: Buffer | undefined): DecodedPacket => dnsPacket.decode(b!);

  test('an answer keeps the id and question, sets AA, RA and echoes RD', async () => {
    const r = decode(await handleQuery(query('web.default.svc.cluster.local', 'A', { id: 7 }), 'udp', deps(fixture())));
    expect(r.id).toBe(7);
    expect([r.flag_aa, r.flag_ra, r.flag_rd, r.flag_tc]).toEqual([true, true, true, false]);
    expect(r.questions).toEqual([{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN' }]);
    expect(data(r.answers!)).toEqual(['10.96.0.20']);
  });

  test('NXDOMAIN (never REFUSED) with the SOA in authority', async () => {
    const r = decode(await handleQuery(query('nope.default.svc.cluster.local', 'A'), 'udp', deps(fixture())));
    expect(rcodeOf(r)).toBe(RCODE.NXDOMAIN);
    expect(r.authorities!.map((a) => a.type)).toEqual(['SOA']);
  });

  test('other names go upstream as they came; no answer in time is SERVFAIL', async () => {
    const seen: [Buffer, string][] = [];
    const upstreamAnswer = dnsPacket.encode({
      id: 42,
      type: 'response',
      questions: [{ name: 'example.com', type: 'A' }],
      answers: [{ type: 'A', name: 'example.com', ttl: 60, data: '192.0.2.1' }],
    });
    const raw = query('example.com', 'A');
    const r = await handleQuery(raw, 'tcp', deps(fixture(), { forward: async (q, t) => (seen.push([q, t]), upstreamAnswer) }));
    expect(seen).toEqual([[raw, 'tcp']]);
    expect(r).toEqual(upstreamAnswer);
    const failed = decode(await handleQuery(raw, 'udp', deps(fixture())));
    expect(rcodeOf(failed)).toBe(RCODE.SERVFAIL);
    expect(failed.id).toBe(42);
  });

  test("an ExternalName's upstream records follow its CNAME", async () => {
    const lookups: string[] = [];
    const r = decode(
      await handleQuery(
        query('ext.default.svc.cluster.local', 'A'),
        'udp',
        deps(fixture(), {
          lookup: async (name, type) => (lookups.push(`${name}/${type}`), [{ type: 'A', name, ttl: 30, data: '192.0.2.7' }]),
        }),
      ),
    );
    expect(lookups).toEqual(['db.example.com/A']);
    expect(r.answers!.map((a) => a.type)).toEqual(['CNAME', 'A']);
  });

  test('too large for UDP: truncated with TC set; whole over TCP', async () => {
    const eps = Array.from({ length: 100 }, (_, i) => ({ addresses: [`10.244.1.${i + 1}`], conditions: { ready: true } }));
    const big = clusterDnsData({
      domain: 'cluster.local',
      namespaces: [ns('default')],
      services: [svc('many', 'default', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] })],
      endpointSlices: [slice('many', 'default', eps, [{ name: 'http', port: 80, protocol: 'TCP' }])],
    });
    const q = query('many.default.svc.cluster.local', 'A');
    const udp = await handleQuery(q, 'udp', deps(big));
    expect(udp!.length).toBeLessThanOrEqual(512);
    const u = decode(udp);
    expect(u.flag_tc).toBe(true);
    // compressed owner names: 16 bytes an A record, so some 30 fit in 512 bytes
    expect(u.answers!.length).toBeGreaterThan(25);
    expect(u.answers!.length).toBeLessThan(100);
    const t = decode(await handleQuery(q, 'tcp', deps(big)));
    expect(t.flag_tc).toBe(false);
    expect(t.answers).toHaveLength(100);
    // a client announcing a larger EDNS buffer gets more, with an OPT record back
    const e = decode(await handleQuery(query('many.default.svc.cluster.local', 'A', { edns: 4096 }), 'udp', deps(big)));
    expect(e.answers!.length).toBeGreaterThan(u.answers!.length);
    expect(e.additionals!.map((a) => a.type)).toEqual(['OPT']);
  });

  test('garbage is dropped; a header with a broken body is FORMERR', async () => {
    expect(await handleQuery(Buffer.from('hi'), 'udp', deps(fixture()))).toBeUndefined();
    const broken = Buffer.concat([query('web.default.svc.cluster.local', 'A').subarray(0, 14)]);
    expect(rcodeOf(decode(await handleQuery(broken, 'udp', deps(fixture()))))).toBe(RCODE.FORMERR);
  });
});

describe('name compression (encodeCompressed)', () => {
  const q = { name: 'hl.ns1.svc.cluster.local', type: 'A' as const, class: 'IN' as const };
  const packets: Packet[] = [
    {
      id: 1,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [q],
      answers: Array.from({ length: 5 }, (_, i) => ({
        type: 'A' as const,
        name: q.name,
        ttl: 5,
        class: 'IN' as const,
        data: `10.244.0.${i + 1}`,
      })),
    },
    {
      id: 2,
      type: 'response',
      questions: [{ ...q, name: 'Nope.NS1.svc.cluster.local' }],
      authorities: ask('nope.ns1.svc.cluster.local', 'A')!.authorities,
    },
    (() => {
      const a = ask('_http._tcp.hl.ns1.svc.cluster.local', 'SRV')!;
      return {
        id: 3,
        type: 'response' as const,
        questions: [{ name: '_http._tcp.hl.ns1.svc.cluster.local', type: 'SRV' as const, class: 'IN' as const }],
        answers: a.answers,
        additionals: [
          ...a.additionals,
          { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] },
        ],
      };
    })(),
    {
      id: 4,
      type: 'response',
      questions: [{ name: '20.0.96.10.in-addr.arpa', type: 'PTR' }],
      answers: ask('20.0.96.10.in-addr.arpa', 'PTR')!.answers,
    },
    { id: 5, type: 'response', questions: [] },
  ];

  test.each(packets.map((p) => [p.id, p]))('packet %i decodes as its uncompressed form does, in fewer bytes', (_id, p) => {
    const plain = dnsPacket.encode(p as Packet);
    const small = encodeCompressed(p as Packet);
    expect(dnsPacket.decode(small)).toEqual(dnsPacket.decode(plain));
    expect(small.length).toBeLessThanOrEqual(plain.length);
  });

  test('repeated owner names become 2-byte pointers: A records of 16 bytes', () => {
    const [one, five] = [1, 5].map((n) => encodeCompressed({ ...packets[0]!, answers: packets[0]!.answers!.slice(0, n) }));
    expect(five!.length - one!.length).toBe(4 * 16);
  });
});
