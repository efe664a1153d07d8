// The service proxy's iptables mode on the real host and engine: two netcheck pods (busybox httpd + udp-echo) on the
// pod bridge behind a Service whose EndpointSlice the test writes by hand; the proxy runs through the client seam as
// the node. Reached from the host and from a pod, hairpin, UDP, endpoints following, REJECT, the range guard,
// NodePort on 127.0.0.1 and the node IP, a deleted service's chains gone, and a clean stop leaving nothing behind.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { nodeIdentity } from '../../src/client/identities.js';
import { startServiceProxy, type RunningServiceProxy } from '../../src/proxy/proxy.js';
import { chainPrefix } from '../../src/proxy/chain-names.js';
import { routeDelete } from '../../src/proxy/host.js';
import { normalizeCidr, removeInstanceRules, routeMetric, startIptablesProxier } from '../../src/proxy/iptables-proxier.js';
import { detectNodeIP } from '../../src/reconcilers/node-addresses.js';
import { type PodNetworkConfig, ensurePodNetwork } from '../../src/runtime/pod-network.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { removeContainers, run, waitFor } from './support.js';

jest.setTimeout(120_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docker = new Docker();
const rand = randomBytes(6).toString('hex');
const NS = `proxy-${rand.slice(0, 6)}`;
const LABEL = { 'dockube.io/test': `service-proxy-${rand}` };
const PREFIX = chainPrefix(rand);
const CIDR = '10.96.0.0/16';
// An address high in the default range, unlikely to be any other server's service.
const octet = () => 200 + Math.floor(Math.random() * 50);
const VIP = `10.96.${octet()}.${10 + Math.floor(Math.random() * 200)}`;
const NODE_PORT = 32000 + Math.floor(Math.random() * 700);
const ctxW = systemContext('test');
let h: Harness;
let proxy: RunningServiceProxy;
let nodeIP: string;
const pods: { name: string; ip: string; id: string }[] = [];
// A pod bridge of this run's own in 10.197 (the suites' range): the shared default network's 10.244.0.0/16 is the
// first range a conformance server running beside jest picks for its own pod network.
let POD_NETWORK: PodNetworkConfig;

async function createPodNetwork(): Promise<PodNetworkConfig> {
  for (let i = 0; i < 8; i++) {
    const third = Math.floor(Math.random() * 250) + 1;
    const cfg = {
      name: `dockube-proxytest-${rand}`,
      subnet: `10.197.${third}.0/24`,
      gateway: `10.197.${third}.1`,
      bridge: `dkpx${rand.slice(0, 8)}`,
      labels: LABEL,
    };
    try {
      await ensurePodNetwork(docker, cfg);
      return cfg;
    } catch (e) {
      if (!/overlap/i.test(String(e))) throw e;
    }
  }
  throw new Error('no free subnet for the test pod network');
}

const def = (plural: string) => h.service.registry.defs.find((d) => d.plural === plural && !d.virtualRead)!;
const iptablesSave = () => run('iptables-save', []);

async function startPod(name: string): Promise<{ name: string; ip: string; id: string }> {
  const c = await docker.createContainer({
    name: `${name}-${rand}`,
    Image: 'dockube/netcheck:test',
    Labels: LABEL,
    Cmd: ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && (udp-echo serve 5353 &) && exec httpd -f -p 8080 -h /www`],
    HostConfig: { NetworkMode: POD_NETWORK.name },
  });
  await c.start();
  const info = await c.inspect();
  return { name, ip: info.NetworkSettings.Networks[POD_NETWORK.name]!.IPAddress, id: c.id };
}

async function exec(id: string, cmd: string): Promise<string> {
  const e = await docker.getContainer(id).exec({ Cmd: ['sh', '-c', cmd], AttachStdout: true, AttachStderr: true });
  const s = await e.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', resolve);
  });
  // strip Docker's 8-byte stream headers
  const buf = Buffer.concat(chunks);
  let out = '';
  for (let i = 0; i + 8 <= buf.length;) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString();
    i += 8 + len;
  }
  return out;
}

function get(host: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** How a TCP connect ends: 'open', 'refused' (RST or ICMP unreachable) or 'timeout', and how long it took. */
function connectResult(host: string, port: number, timeoutMs = 2000): Promise<{ result: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (result: string) => {
      s.destroy();
      resolve({ result, ms: Date.now() - t0 });
    };
    s.setTimeout(timeoutMs, () => done('timeout'));
    s.on('connect', () => done('open'));
    s.on('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' ? 'refused' : (e.code ?? 'error')),
    );
  });
}

async function spread(host: string, port: number, n: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const b = await get(host, port);
    seen[b] = (seen[b] ?? 0) + 1;
  }
  return seen;
}

const service = (spec: J): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: NS },
  spec: {
    type: 'NodePort',
    clusterIP: VIP,
    clusterIPs: [VIP],
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: NODE_PORT },
      { name: 'udp', port: 53, targetPort: 5353, protocol: 'UDP' },
    ],
    ...spec,
  },
});
const endpointSlice = (ready: Record<string, boolean>): KObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-manual', namespace: NS, labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'udp', port: 5353, protocol: 'UDP' },
  ],
  endpoints: pods.map((p) => ({ addresses: [p.ip], nodeName: 'node-a', conditions: { ready: ready[p.name] ?? true } })),
});
async function putSlice(ready: Record<string, boolean>) {
  const cur = (await h.service.get(def('endpointslices'), NS, 'web-manual').catch(() => undefined)) as KObject | undefined;
  const next = endpointSlice(ready);
  if (!cur) await h.service.create(def('endpointslices'), NS, next, ctxW);
  else
    await h.service.update(
      def('endpointslices'),
      NS,
      'web-manual',
      { ...next, metadata: { ...next.metadata, resourceVersion: cur.metadata.resourceVersion } },
      ctxW,
    );
}

const startProxy = (mode: 'iptables' | 'userspace', keepRulesOnStop: boolean) =>
  startServiceProxy({
    client: makeContext(h.service, pino({ level: 'silent' })).client(nodeIdentity('node-a')),
    log: pino({ level: process.env.PROXY_TEST_LOG ?? 'silent' }),
    mode,
    localEngine: true,
    instance: rand,
    nodeName: 'node-a',
    nodeIPs: [nodeIP],
    serviceCidr: CIDR,
    podCidr: POD_NETWORK.subnet,
    bridge: POD_NETWORK.bridge!,
    keepRulesOnStop,
    namespace: NS,
  });
async function updateService(spec: J) {
  const cur = (await h.service.get(def('services'), NS, 'web')) as J;
  await h.service.update(def('services'), NS, 'web', { ...cur, spec: { ...cur.spec, ...spec } } as unknown as KObject, ctxW);
}

beforeAll(async () => {
  run('bash', ['scripts/build-netcheck-image.sh']);
  POD_NETWORK = await createPodNetwork();
  h = await startHarness();
  nodeIP = await detectNodeIP(hostname());
  await h.service.create(def('namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, ctxW);
  pods.push(await startPod('alpha'), await startPod('beta'));
  // Kept on its first stop: the restart test below starts a second proxier over the first one's rules.
  proxy = await startProxy('iptables', true);
  await h.service.create(def('services'), NS, service({}), ctxW);
  await putSlice({});
  await proxy.synced();
});

afterAll(async () => {
  await proxy?.stop();
  // Whatever a failed or filtered run left (the first proxier keeps its rules on stop).
  await removeInstanceRules(PREFIX);
  if (POD_NETWORK) await routeDelete(normalizeCidr(CIDR), POD_NETWORK.bridge!, routeMetric(rand));
  await removeContainers(docker, [`dockube.io/test=${LABEL['dockube.io/test']}`]);
  if (POD_NETWORK)
    await docker
      .getNetwork(POD_NETWORK.name)
      .remove()
      .catch(() => undefined);
  await h?.close();
});

test('the host reaches both endpoints through the ClusterIP', async () => {
  await waitFor('service rules', () => get(VIP, 80).then(() => true));
  const seen = await spread(VIP, 80, 30);
  expect(Object.keys(seen).sort()).toEqual(['alpha', 'beta']);
});

test('a pod reaches the ClusterIP, and a backend reaches its own service (hairpin)', async () => {
  const client = pods[0]!;
  const out = await exec(client.id, `for i in $(seq 1 12); do timeout 2 wget -qO- http://${VIP}/ || echo FAIL; done`);
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(12);
  expect(lines.filter((l) => l === 'FAIL')).toEqual([]);
  // alpha is a backend itself: some of those went back to it (hairpin_mode + masquerade)
  expect(new Set(lines)).toEqual(new Set(['alpha', 'beta']));
});

test('UDP through the ClusterIP', async () => {
  const out = await exec(pods[1]!.id, `udp-echo send ${VIP} 53 hello`);
  expect(out.trim()).toBe('echo:hello');
});

test('NodePort on 127.0.0.1 and on the node IP', async () => {
  expect(['alpha', 'beta']).toContain(await get('127.0.0.1', NODE_PORT));
  expect(['alpha', 'beta']).toContain(await get(nodeIP, NODE_PORT));
});

test('endpoints follow: an unready endpoint gets no traffic; none ready → refused at once, never a hang', async () => {
  const t0 = Date.now();
  await putSlice({ alpha: false });
  await proxy.synced();
  const syncMs = Date.now() - t0;
  expect(syncMs).toBeLessThan(1000);
  expect(await spread(VIP, 80, 12)).toEqual({ beta: 12 });
  await putSlice({ alpha: false, beta: false });
  await proxy.synced();
  const c = await connectResult(VIP, 80);
  expect(c.result).toBe('refused');
  expect(c.ms).toBeLessThan(1000);
  expect((await connectResult('127.0.0.1', NODE_PORT)).result).toBe('refused');
  await putSlice({});
  await proxy.synced();
  expect(Object.keys(await spread(VIP, 80, 20)).sort()).toEqual(['alpha', 'beta']);
});

test('a UDP flow pinned to an endpoint that goes is deleted from conntrack, so its next datagram reaches another', async () => {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, () => r()));
  const port = sock.address().port;
  const ask = (msg: string) =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no UDP answer')), 2000);
      sock.once('message', (m) => {
        clearTimeout(t);
        resolve(m.toString());
      });
      sock.send(msg, 53, VIP);
    });
  try {
    expect(await ask('one')).toBe('echo:one');
    const flow = () => run('conntrack', ['-L', '-p', 'udp', '--orig-dst', VIP, '--sport', String(port)]);
    const pinned = pods.find((p) => flow().includes(`src=${p.ip} `))!;
    expect(pinned).toBeDefined();
    await putSlice({ [pinned.name]: false });
    await proxy.synced();
    expect(flow()).not.toContain(`src=${pinned.ip} `);
    expect(await ask('two')).toBe('echo:two');
    expect(flow()).not.toContain(`src=${pinned.ip} `);
  } finally {
    sock.close();
    await putSlice({});
    await proxy.synced();
  }
});

test('an address of the range with no service is refused at once', async () => {
  const free = `10.96.${octet()}.251`;
  const c = await connectResult(free, 80);
  expect(c.result).toBe('refused');
  expect(c.ms).toBeLessThan(1000);
});

test('the jumps are inserted once, however many syncs', async () => {
  await putSlice({ beta: true });
  await proxy.synced();
  await putSlice({});
  await proxy.synced();
  const save = iptablesSave();
  expect(save.split('\n').filter((l) => l.startsWith('-A PREROUTING') && l.includes(`-j ${PREFIX}-SERVICES`))).toHaveLength(1);
  expect(save.split('\n').filter((l) => l.startsWith('-A FORWARD') && l.includes(`-j ${PREFIX}-FORWARD`))).toHaveLength(1);
});

test('sessionAffinity ClientIP keeps a client on one backend', async () => {
  await updateService({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
  await proxy.synced();
  expect(Object.keys(await spread(VIP, 80, 20))).toHaveLength(1);
  await updateService({ sessionAffinity: 'None', sessionAffinityConfig: undefined });
  await proxy.synced();
  expect(Object.keys(await spread(VIP, 80, 30)).sort()).toEqual(['alpha', 'beta']);
});

test('a restart keeping the rules: traffic never stops, the new proxier takes the rules over without duplicates', async () => {
  const samples: string[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(
        await get(VIP, 80, 1000).then(
          () => 'ok',
          (e: Error) => e.message,
        ),
      );
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  await proxy.stop();
  expect(iptablesSave()).toContain(`${PREFIX}-SERVICES`);
  await new Promise((r) => setTimeout(r, 300));
  proxy = await startProxy('iptables', false);
  await proxy.synced();
  await new Promise((r) => setTimeout(r, 200));
  sampling = false;
  await sampler;
  expect(samples.length).toBeGreaterThan(20);
  expect(samples.filter((x) => x !== 'ok')).toEqual([]);
  const save = iptablesSave();
  expect(save.split('\n').filter((l) => l.startsWith('-A OUTPUT') && l.includes(`-j ${PREFIX}-SERVICES`))).toHaveLength(1);
  expect(save.split('\n').filter((l) => l.includes(`"${NS}/web:http cluster IP"`) && l.startsWith(`-A ${PREFIX}-SERVICES`))).toHaveLength(
    1,
  );
});

test('a deleted service: its chains go on the deletion, not at the 30 s periodic sync, and its address refuses', async () => {
  await h.service.delete(def('services'), NS, 'web', {}, ctxW);
  const t0 = Date.now();
  // Well under a second on a quiet machine; the bound only tells the event-driven sync from the periodic one (30 s),
  // as the suite runs beside conformance servers whose proxiers take the same xtables lock.
  await waitFor('service chains gone', async () => !iptablesSave().includes(`"${NS}/web:http`), 15_000, 20);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(iptablesSave()).not.toMatch(new RegExp(`${PREFIX}-SVC-`));
  expect((await connectResult(VIP, 80)).result).toBe('refused');
});

test('a clean stop removes every chain and jump of the instance', async () => {
  await proxy.stop();
  const save = iptablesSave();
  expect(save).not.toContain(PREFIX);
  expect(run('ip', ['route', 'show', CIDR])).not.toContain(`metric ${routeMetric(rand)}`);
});

test('userspace mode: the ClusterIP on the pod bridge from the host and a pod, UDP, the NodePort, refused without endpoints', async () => {
  // A new address and node port: the deleted service's stay allocated until the allocator's repair releases them.
  const VIP = `10.96.${octet()}.${10 + Math.floor(Math.random() * 200)}`;
  const NODE_PORT = 32700 + Math.floor(Math.random() * 60);
  const ports = [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: NODE_PORT },
    { name: 'udp', port: 53, targetPort: 5353, protocol: 'UDP' },
  ];
  await h.service.create(def('services'), NS, service({ clusterIP: VIP, clusterIPs: [VIP], ports }), ctxW);
  proxy = await startProxy('userspace', false);
  expect(proxy.mode).toBe('userspace');
  await proxy.synced();
  expect(run('ip', ['-o', 'addr', 'show', 'dev', POD_NETWORK.bridge!])).toContain(`${VIP}/32`);
  expect(Object.keys(await spread(VIP, 80, 30)).sort()).toEqual(['alpha', 'beta']);
  const fromPod = await exec(pods[0]!.id, `for i in $(seq 1 6); do timeout 2 wget -qO- http://${VIP}/ || echo FAIL; done`);
  expect(fromPod).not.toContain('FAIL');
  expect((await exec(pods[1]!.id, `udp-echo send ${VIP} 53 hi`)).trim()).toBe('echo:hi');
  expect(['alpha', 'beta']).toContain(await get('127.0.0.1', NODE_PORT));
  await putSlice({ alpha: false, beta: false });
  await proxy.synced();
  const c = await connectResult(VIP, 80);
  expect(c.result).toBe('refused');
  expect(c.ms).toBeLessThan(1000);
  await proxy.stop();
  expect(run('ip', ['-o', 'addr', 'show', 'dev', POD_NETWORK.bridge!])).not.toContain(`${VIP}/32`);
  expect(iptablesSave()).not.toContain(PREFIX);
});

test('a server killed without its clean stop: the next one removes its rules and route once its data dir is gone', async () => {
  const gone = randomBytes(6).toString('hex');
  const opts = {
    serviceCidr: '10.91.0.0/16',
    podCidr: POD_NETWORK.subnet,
    bridge: POD_NETWORK.bridge!,
    nodeIPs: [nodeIP],
    log: pino({ level: 'silent' }),
  };
  const dead = await startIptablesProxier({ ...opts, instance: gone, dataDir: `/nonexistent/dockube-${gone}`, keepRulesOnStop: true });
  await dead.sync({ ports: [] });
  await dead.stop();
  expect(iptablesSave()).toContain(`${chainPrefix(gone)}-SERVICES`);
  expect(run('ip', ['route', 'show', '10.91.0.0/16'])).toContain(`metric ${routeMetric(gone)}`);
  const next = await startIptablesProxier({ ...opts, instance: rand, dataDir: '/tmp', keepRulesOnStop: false });
  expect(iptablesSave()).not.toContain(chainPrefix(gone));
  expect(run('ip', ['route', 'show', '10.91.0.0/16'])).not.toContain(`metric ${routeMetric(gone)}`);
  await next.stop();
  expect(iptablesSave()).not.toContain(PREFIX);
});

test('the periodic full sync puts back a jump someone removed', async () => {
  const p = await startIptablesProxier({
    serviceCidr: '10.91.0.0/16',
    podCidr: POD_NETWORK.subnet,
    bridge: POD_NETWORK.bridge!,
    nodeIPs: [nodeIP],
    log: pino({ level: 'silent' }),
    instance: rand,
    keepRulesOnStop: false,
    housekeepingMs: 300,
  });
  try {
    await p.sync({ ports: [] });
    const jump = (l: string) => l.startsWith('-A OUTPUT') && l.includes(`-j ${PREFIX}-SERVICES`);
    expect(iptablesSave().split('\n').filter(jump)).toHaveLength(1);
    run('iptables', [
      '-w',
      '-t',
      'nat',
      '-D',
      'OUTPUT',
      '-m',
      'comment',
      '--comment',
      `dockube ${PREFIX} service rules`,
      '-j',
      `${PREFIX}-SERVICES`,
    ]);
    expect(iptablesSave().split('\n').filter(jump)).toHaveLength(0);
    // Housekeeping every 300 ms: generous for a loaded machine, where iptables waits for the xtables lock.
    await waitFor('the jump back', async () => iptablesSave().split('\n').filter(jump).length === 1, 10_000, 50);
  } finally {
    await p.stop();
  }
  expect(iptablesSave()).not.toContain(PREFIX);
});
