// metrics.k8s.io against the real engine: a pod the kubelet runs shows up in PodMetrics with its app containers only
// (not the infra container), non-zero memory and, for a busy loop, non-zero CPU; the local node has NodeMetrics.
// If no engine can be started this FAILS (it never skips).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { startKubelet, type Kubelet } from '../../src/reconcilers/kubelet/kubelet.js';
import { nodeName } from '../../src/reconcilers/node-status.js';
import { DockerStatsCollector } from '../../src/metrics/collector.js';
import { DockerNode } from '../../src/node/docker-node.js';
import { dockerClient } from '../../src/node/docker-client.js';
import { nodeLookup } from '../../src/node/types.js';
import { quantityValue } from '../../src/metrics/quantity.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { removeInstanceLeftovers } from './support.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const root = fileURLToPath(new URL('../..', import.meta.url));
const docker = new Docker();
const rand = randomBytes(3).toString('hex');
const instance = `test-metrics-${rand}`;
const NODE = nodeName();
const NS = 'default';
const M = '/apis/metrics.k8s.io/v1beta1';
const networkName = `dockube-test-metrics-${rand}`;
let h: Harness;
let podsDef: ResourceDef;
let dataDir: string;
let kubelet: Kubelet;

function run(cmd: string, args: string[]) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e as { stderr?: string }).stderr || (e as Error).message}`);
  }
}

async function createNetwork(): Promise<{ subnet: string; gateway: string }> {
  for (let i = 0; i < 8; i++) {
    const third = Math.floor(Math.random() * 250) + 1;
    const subnet = `10.196.${third}.0/24`;
    const gateway = `10.196.${third}.1`;
    try {
      await docker.createNetwork({
        Name: networkName,
        Driver: 'bridge',
        Labels: { 'dockube.io/test': 'metrics' },
        IPAM: { Config: [{ Subnet: subnet, Gateway: gateway }] },
      });
      return { subnet, gateway };
    } catch (e) {
      if (!/overlap/i.test(String(e))) throw e;
    }
  }
  throw new Error('no free subnet for the test network');
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  try {
    run('bash', ['scripts/ensure-docker.sh']);
  } catch (e) {
    throw new Error(`A Docker engine is required for test/runtime and could not be started: ${(e as Error).message}`);
  }
  run('bash', ['scripts/build-test-images.sh']);
  const net = await createNetwork();
  dataDir = mkdtempSync(join(tmpdir(), 'dockube-metrics-'));
  h = await startHarness({ nodes: nodeLookup(new DockerNode(NODE, dockerClient())) });
  podsDef = h.service.registry.defs.find((d) => d.plural === 'pods' && d.group === '')!;
  kubelet = startKubelet(makeContext(h.service, pino({ level: 'silent' })), {
    docker: { socketPath: '/var/run/docker.sock' },
    dataDir,
    nodeName: NODE,
    hostIP: '127.0.0.1',
    instance,
    network: { name: networkName, ...net },
    resyncMs: 2000,
  });
  await kubelet.started;
}, 120_000);

afterAll(async () => {
  await kubelet?.stop();
  await removeInstanceLeftovers(docker, instance, networkName);
  await h?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

test('a running pod has PodMetrics for its app containers with non-zero memory and CPU', async () => {
  await h.service.create(
    podsDef,
    NS,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'busy', namespace: NS, labels: { app: 'busy' } },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'spin',
            image: 'dockube/busybox:test',
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'while true; do :; done'],
            resources: { limits: { cpu: '200m' } },
          },
          { name: 'idle', image: 'dockube/busybox:test', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] },
        ],
      },
    } as KObject,
    systemContext('test'),
  );
  const m = await waitFor('PodMetrics of busy', async () => {
    const res = await h.api.get(`${M}/namespaces/${NS}/pods/busy`);
    return res.status === 200 && res.body.containers?.length === 2 && (res.body as J);
  });
  expect(m.metadata).toMatchObject({ name: 'busy', namespace: NS, labels: { app: 'busy' } });
  expect(m.containers.map((c: J) => c.name)).toEqual(['spin', 'idle']);
  for (const c of m.containers) expect(quantityValue(c.usage.memory)).toBeGreaterThan(0);
  // A busy loop under a 200m limit: well above zero, not above the limit (with some slack for the window edges).
  const spin = quantityValue(m.containers[0].usage.cpu);
  expect(spin).toBeGreaterThan(0.05);
  expect(spin).toBeLessThan(0.35);
  expect(m.window).toMatch(/^\d+(\.\d+)?s$/);
  expect(Date.now() - Date.parse(m.timestamp)).toBeLessThan(60_000);

  const list = await h.api.get(`${M}/namespaces/${NS}/pods?labelSelector=app%3Dbusy`).expect(200);
  expect(list.body.items.map((i: J) => i.metadata.name)).toEqual(['busy']);
});

test('the local node has NodeMetrics with the host totals', async () => {
  await h.api
    .post('/api/v1/nodes')
    .send({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } })
    .expect((r) => {
      if (r.status !== 201 && r.status !== 409) throw new Error(`node create: ${r.status} ${JSON.stringify(r.body)}`);
    });
  const res = await waitFor('NodeMetrics', async () => {
    const r = await h.api.get(`${M}/nodes/${NODE}`);
    return r.status === 200 && (r.body as J);
  });
  expect(quantityValue(res.usage.memory)).toBeGreaterThan(1024 * 1024);
  // At least the busy pod's ~0.2 cores is running on this host.
  expect(quantityValue(res.usage.cpu)).toBeGreaterThan(0.05);
});

test('concurrent reads share one snapshot, and infra containers are never sampled', async () => {
  const c = new DockerStatsCollector({ docker: dockerClient(), ttlMs: 60_000 });
  const [a, b] = await Promise.all([c.snapshot(), c.snapshot()]);
  expect(a).toBe(b);
  // Every entry is an app container (the infra "POD" containers are never sampled).
  expect(a.containers.length).toBeGreaterThanOrEqual(2);
  expect(a.containers.some((x) => x.container === 'POD')).toBe(false);
  expect(a.node?.memoryBytes).toBeGreaterThan(0);
});
