// The node heartbeat: the Node status is written when it changes or every report period, not every check; the
// Lease in kube-node-lease is created owned by the Node and renewed.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { syncNodeStatus, nodeStatusChanged, computeNodeStatus } from '../../src/reconcilers/node-status.js';
import { renewNodeLease, microTime } from '../../src/reconcilers/node-lease.js';
import type { EngineInfo } from '../../src/runtime/docker.js';
import { httpClient } from '../client/clients.js';
import type { HttpClient } from '../../src/client/http-client.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const info: EngineInfo = {
  ncpu: 4,
  memTotal: 8 * 1024 ** 3,
  kernelVersion: '6.1',
  operatingSystem: 'Debian',
  serverVersion: '27.0.1',
  architecture: 'x86_64',
};
let h: Harness;
let http: HttpClient;
beforeAll(async () => {
  h = await startHarness();
  http = httpClient(h, 'admin');
});
afterAll(async () => {
  http.close();
  await h.close();
});
/** The node's writes go through the client seam: in process as system:node:<name>, or over HTTP. */
const contextFor = (kind: string) => makeContext(h.service, log, kind === 'https' ? { client: () => http } : {});

const at = (s: string) => new Date(`2024-05-01T10:${s}Z`);
const ready = (n: J) => n.status.conditions.find((c: J) => c.type === 'Ready');

describe.each(['in-process', 'https'])('over the %s client', (kind) => {
  test('status writes only on change or when the report period has passed', async () => {
    const ctx = contextFor(kind);
    const opts = (t: string) => ({ name: `hb-node-${kind}`, now: at(t), reportMs: 5 * 60_000 });
    const n1 = (await syncNodeStatus(ctx, info, '10.0.0.5', 'unix:///run/docker.sock', opts('00:00'))) as J;
    expect(n1.status.capacity).toMatchObject({ cpu: '4', memory: `${8 * 1024 * 1024}Ki`, pods: '110' });
    expect(n1.status.conditions.map((c: J) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(ready(n1)).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastHeartbeatTime: '2024-05-01T10:00:00Z',
    });

    const n2 = (await syncNodeStatus(ctx, info, '10.0.0.5', 'unix:///run/docker.sock', opts('00:10'))) as J;
    expect(n2.metadata.resourceVersion).toBe(n1.metadata.resourceVersion); // nothing changed: no write

    const n3 = (await syncNodeStatus(ctx, undefined, '10.0.0.5', 'unix:///run/docker.sock', opts('00:20'))) as J;
    expect(ready(n3)).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      lastHeartbeatTime: '2024-05-01T10:00:20Z',
      lastTransitionTime: '2024-05-01T10:00:20Z',
    });
    expect(ready(n3).message).toMatch(/^container runtime is down/);
    expect(n3.status.capacity.cpu).toBe('4'); // the capacity last seen stays

    const n4 = (await syncNodeStatus(ctx, undefined, '10.0.0.5', 'unix:///run/docker.sock', opts('05:21'))) as J;
    expect(Number(n4.metadata.resourceVersion)).toBeGreaterThan(Number(n3.metadata.resourceVersion)); // report period passed
    expect(ready(n4)).toMatchObject({ lastHeartbeatTime: '2024-05-01T10:05:21Z', lastTransitionTime: '2024-05-01T10:00:20Z' });
  });

  test('the lease is created owned by the node, then renewed', async () => {
    const ctx = contextFor(kind);
    const node = `hb-node-${kind}`;
    const leases = h.service.registry.find('coordination.k8s.io', 'v1', 'leases')!;
    const owner = await h.service.get(h.service.registry.find('', 'v1', 'nodes')!, undefined, node);
    const l1 = (await renewNodeLease(ctx, node, new Date('2024-05-01T10:00:00.123Z'))) as J;
    expect(l1.metadata).toMatchObject({
      namespace: 'kube-node-lease',
      name: node,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: owner.metadata.uid }],
    });
    expect(l1.spec).toEqual({ holderIdentity: node, leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123000Z' });
    await renewNodeLease(ctx, node, new Date('2024-05-01T10:00:10Z'));
    const l2 = (await h.service.get(leases, 'kube-node-lease', node)) as J;
    expect(l2.spec.renewTime).toBe(microTime(new Date('2024-05-01T10:00:10Z')));
    expect(l2.spec.renewTime).toBe('2024-05-01T10:00:10.000000Z');
  });
});

test('nodeStatusChanged ignores heartbeat times only', () => {
  const a = computeNodeStatus(info, '1.2.3.4', 'e', undefined, '2024-05-01T10:00:00Z');
  const b = computeNodeStatus(info, '1.2.3.4', 'e', a, '2024-05-01T10:00:10Z');
  expect(nodeStatusChanged(a, b)).toBe(false);
  expect(nodeStatusChanged(a, computeNodeStatus(undefined, '1.2.3.4', 'e', a, '2024-05-01T10:00:10Z'))).toBe(true);
});
