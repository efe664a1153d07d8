// The cluster DNS server for real: started as the API server starts it (src/server/cluster-dns.ts) over an API with a
// store, on 127.0.0.1 standing in for the pod gateway. It creates the kube-dns Service (tenth address, 53/UDP and
// 53/TCP, selectorless) and points its Endpoints and EndpointSlice at its port; answers services over UDP and TCP as
// they are created; forwards other names to a fake upstream on this host (SERVFAIL when it is silent); keeps its
// port across a restart.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { startClusterDns, type ClusterDns } from '../../src/server/cluster-dns.js';
import { RCODE, rcodeOf } from '../../src/dns/response.js';
import type { KObject } from '../../src/machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const HOST = '127.0.0.1';

function udpQuery(port: number, name: string, type: RecordType, id = 1): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => (s.close(), reject(new Error(`no UDP answer for ${name}`))), 5000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(
      dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }),
      port,
      HOST,
    );
  });
}

function tcpQuery(port: number, name: string, type: RecordType): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: HOST, port });
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', () => s.write(dnsPacket.streamEncode({ id: 9, type: 'query', questions: [{ name, type, class: 'IN' }] })));
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve(dnsPacket.decode(buf.subarray(2)));
      }
    });
  });
}

/** A resolver on this host answering every A question with 192.0.2.1 (or staying silent). */
async function fakeUpstream(silent = false): Promise<{ port: number; seen: string[]; close(): void }> {
  const s = dgram.createSocket('udp4');
  const seen: string[] = [];
  s.on('message', (m, r) => {
    const q = dnsPacket.decode(m);
    seen.push(q.questions![0]!.name);
    if (silent) return;
    const name = q.questions![0]!.name;
    s.send(
      dnsPacket.encode({ id: q.id, type: 'response', questions: q.questions, answers: [{ type: 'A', name, ttl: 60, data: '192.0.2.1' }] }),
      r.port,
      r.address,
    );
  });
  await new Promise<void>((resolve) => s.bind(0, HOST, resolve));
  return { port: s.address().port, seen, close: () => s.close() };
}

const data = (p: DecodedPacket) => (p.answers ?? []).map((a) => (a as { data: unknown }).data);

describe('the cluster DNS server', () => {
  let h: Harness;
  let dns: ClusterDns;
  let port: number;
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
  const def = (group: string, plural: string) => h.service.registry.defs.find((d) => d.group === group && d.plural === plural)!;
  const get = (group: string, plural: string, ns: string, name: string) => h.service.get(def(group, plural), ns, name) as Promise<J>;

  const start = () =>
    startClusterDns(makeContext(h.service, log), {
      cidr: '10.96.0.0/16',
      domain: 'cluster.local',
      nodeName: 'node-a',
      gateway: HOST,
      log,
      upstreams: [{ host: HOST, port: upstream.port }],
      resyncMs: 100,
    });

  beforeAll(async () => {
    h = await startHarness();
    upstream = await fakeUpstream();
    dns = start();
    const server = await dns.serving;
    port = server!.port;
  });
  afterAll(async () => {
    await dns.stop();
    upstream.close();
    await h.close();
  });

  test('kube-dns in kube-system: tenth address, dns 53/UDP and dns-tcp 53/TCP to its port, selectorless', async () => {
    expect(dns.clusterIP).toBe('10.96.0.10');
    const svc = await get('', 'services', 'kube-system', 'kube-dns');
    expect(svc.metadata.labels).toMatchObject({ 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' });
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.selector).toBeUndefined();
    expect(svc.spec.ports.map((p: J) => [p.name, p.port, p.protocol, p.targetPort])).toEqual([
      ['dns', 53, 'UDP', port],
      ['dns-tcp', 53, 'TCP', port],
    ]);
    const ep = await get('', 'endpoints', 'kube-system', 'kube-dns');
    expect(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror']).toBe('true');
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: HOST }],
        ports: [
          { name: 'dns', port, protocol: 'UDP' },
          { name: 'dns-tcp', port, protocol: 'TCP' },
        ],
      },
    ]);
    const slice = await get('discovery.k8s.io', 'endpointslices', 'kube-system', 'kube-dns');
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe('kube-dns');
    expect(slice.endpoints[0].addresses).toEqual([HOST]);
    expect(slice.ports.map((p: J) => p.port)).toEqual([port, port]);
  });

  test('answers services over UDP and TCP, a new one as soon as the informers see it', async () => {
    const kd = await udpQuery(port, 'kube-dns.kube-system.svc.cluster.local', 'A');
    expect([rcodeOf(kd), kd.flag_aa, data(kd)]).toEqual([RCODE.NOERROR, true, ['10.96.0.10']]);
    await h.service.create(
      def('', 'services'),
      'default',
      { metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.77', ports: [{ name: 'http', port: 80 }] } } as KObject,
      systemContext('test'),
    );
    let got: DecodedPacket | undefined;
    for (let i = 0; i < 50; i++) {
      got = await udpQuery(port, 'web.default.svc.cluster.local', 'A', i);
      if (rcodeOf(got) === RCODE.NOERROR) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(data(got!)).toEqual(['10.96.0.77']);
    const overTcp = await tcpQuery(port, '_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(data(overTcp)).toEqual([{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    const nx = await tcpQuery(port, 'nope.default.svc.cluster.local', 'A');
    expect(rcodeOf(nx)).toBe(RCODE.NXDOMAIN);
    expect(nx.authorities!.map((a) => a.type)).toEqual(['SOA']);
    const ptr = await udpQuery(port, '77.0.96.10.in-addr.arpa', 'PTR');
    expect(data(ptr)).toEqual(['web.default.svc.cluster.local']);
  });

  test('other names go to the host resolvers (a fake one here)', async () => {
    const r = await udpQuery(port, 'example.org', 'A', 4242);
    expect([r.id, data(r)]).toEqual([4242, ['192.0.2.1']]);
    expect(upstream.seen).toContain('example.org');
  });

  test('kube-dns objects someone deletes or edits are put back', async () => {
    await h.service.delete(def('', 'endpoints'), 'kube-system', 'kube-dns', {}, systemContext('test'));
    const stored = await get('', 'services', 'kube-system', 'kube-dns');
    const edited = { ...stored, spec: { ...stored.spec, selector: { app: 'x' } } };
    await h.service.update(def('', 'services'), 'kube-system', 'kube-dns', edited as unknown as KObject, systemContext('test'));
    let ep: J | undefined;
    let svc: J | undefined;
    for (let i = 0; i < 50 && !(ep && !svc?.spec.selector); i++) {
      await new Promise((r) => setTimeout(r, 50));
      ep = await get('', 'endpoints', 'kube-system', 'kube-dns').catch(() => undefined);
      svc = await get('', 'services', 'kube-system', 'kube-dns');
    }
    expect(ep?.subsets?.[0]?.ports?.[0]?.port).toBe(port);
    expect(svc?.spec.selector).toBeUndefined();
  });

  test('a restart keeps the port the endpoints name', async () => {
    await dns.stop();
    dns = start();
    const again = await dns.serving;
    expect(again!.port).toBe(port);
    expect(data(await udpQuery(port, 'web.default.svc.cluster.local', 'A'))).toEqual(['10.96.0.77']);
  });
});

test('an upstream that does not answer in time: SERVFAIL', async () => {
  const { Forwarder } = await import('../../src/dns/forwarder.js');
  const { handleQuery } = await import('../../src/dns/handler.js');
  const { clusterDnsData } = await import('../../src/dns/cluster-data.js');
  const silent = await fakeUpstream(true);
  const f = new Forwarder([{ host: HOST, port: silent.port }], 200);
  const q = dnsPacket.encode({ id: 5, type: 'query', questions: [{ name: 'example.net', type: 'A' }] });
  const empty = clusterDnsData({ domain: 'cluster.local', services: [], endpointSlices: [], namespaces: [] });
  const t0 = Date.now();
  const r = dnsPacket.decode(
    (await handleQuery(q, 'udp', { data: () => empty, forward: (x, t) => f.forward(x, t), lookup: (n, t) => f.lookup(n, t) }))!,
  );
  expect(rcodeOf(r)).toBe(RCODE.SERVFAIL);
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(silent.seen).toEqual(['example.net']);
  f.close();
  silent.close();
});

test('queries in flight share one upstream socket, each answer under its own client id', async () => {
  const { Forwarder } = await import('../../src/dns/forwarder.js');
  const up = await fakeUpstream();
  const f = new Forwarder([{ host: HOST, port: up.port }]);
  const names = ['a.example', 'b.example', 'c.example', 'd.example'];
  // the same client id twice: the forwarder's own ids keep them apart
  const answers = await Promise.all(
    names.map((name, i) =>
      f.forward(dnsPacket.encode({ id: i < 2 ? 77 : 100 + i, type: 'query', questions: [{ name, type: 'A' }] }), 'udp'),
    ),
  );
  expect(answers.map((a) => dnsPacket.decode(a!)).map((p) => [p.id, p.questions![0]!.name])).toEqual([
    [77, 'a.example'],
    [77, 'b.example'],
    [102, 'c.example'],
    [103, 'd.example'],
  ]);
  f.close();
  up.close();
});
