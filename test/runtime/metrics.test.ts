// metrics.k8s.io against the real engine: a pod the kubelet runs shows up in PodMetrics with its app containers only
// (not the infra container), non-zero memory and, for a busy loop, non-zero CPU; the local node has NodeMetrics.
// If no engine can be started this FAILS (it never skips).
import { jest } from '@jest/globals';
import { nodeName } from '../../src/reconcilers/node-status.js';
import { DockerStatsCollector } from '../../src/metrics/collector.js';
import { DockerNode } from '../../src/node/docker-node.js';
import { dockerClient } from '../../src/node/docker-client.js';
import { nodeLookup } from '../../src/node/types.js';
import { quantityValue } from '../../src/metrics/quantity.js';
import { TestNode } from './node-fixture.js';
import { waitFor as waitForShared } from './support.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NODE = nodeName();
const M = '/apis/metrics.k8s.io/v1beta1';
const node = new TestNode({
  name: 'metrics',
  label: 'metrics',
  subnetOctet: 196,
  nodeName: NODE,
  resyncMs: 2000,
  harness: { nodes: nodeLookup(new DockerNode(NODE, dockerClient())) },
});
const { NS, podObj, createPod } = node;
const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 45_000) => waitForShared(what, fn, timeoutMs, 500);

beforeAll(() => node.start(), 120_000);

afterAll(() => node.stop(), 60_000);

test('a running pod has PodMetrics for its app containers with non-zero memory and CPU', async () => {
  await createPod(
    podObj(
      'busy',
      {
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
      { app: 'busy' },
    ),
  );
  const m = await waitFor('PodMetrics of busy', async () => {
    const res = await node.h.api.get(`${M}/namespaces/${NS}/pods/busy`);
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

  const list = await node.h.api.get(`${M}/namespaces/${NS}/pods?labelSelector=app%3Dbusy`).expect(200);
  expect(list.body.items.map((i: J) => i.metadata.name)).toEqual(['busy']);
});

test('the local node has NodeMetrics with the host totals', async () => {
  await node.h.api
    .post('/api/v1/nodes')
    .send({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } })
    .expect((r) => {
      if (r.status !== 201 && r.status !== 409) throw new Error(`node create: ${r.status} ${JSON.stringify(r.body)}`);
    });
  const res = await waitFor('NodeMetrics', async () => {
    const r = await node.h.api.get(`${M}/nodes/${NODE}`);
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
