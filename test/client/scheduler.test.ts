// The scheduler over the client seam, in process (as system:kube-scheduler) and over HTTP: informers bring pending
// pods and node changes, the binding goes through pods/binding, an unschedulable pod gets its condition via /status.
// (test/api/binding.test.ts covers the scheduler's decisions in depth, in process.)
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startScheduler, type RunningScheduler } from '../../src/reconcilers/scheduler/scheduler.js';
import { GVR } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });

describe.each(['in-process', 'https'])('scheduler over the %s client', (kind) => {
  let h: Harness;
  let api: HttpClient;
  let sched: RunningScheduler;
  const node = (name: string, cpu: string): KObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: {},
    status: {
      capacity: { cpu, memory: '8Gi', pods: '110' },
      allocatable: { cpu, memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  });
  const pod = (name: string, cpu: string): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu } } }] },
  });
  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    await api.create(GVR.nodes, undefined, node('n-small', '2'));
    sched = await startScheduler(makeContext(h.service, log, kind === 'https' ? { client: () => api } : {}), { initialBackoffMs: 60_000 });
  });
  afterAll(async () => {
    sched.stop();
    api.close();
    await h.close();
  });

  test('binds a pending pod; an oversized one waits Unschedulable until a node with room appears', async () => {
    await api.create(GVR.pods, 'default', pod('fits', '1'));
    const bound = await until(async () => {
      const p = (await api.get(GVR.pods, 'default', 'fits')) as J;
      return p.spec.nodeName ? p : undefined;
    });
    expect(bound.spec.nodeName).toBe('n-small');
    await api.create(GVR.pods, 'default', pod('big', '6'));
    const waiting = await until(async () => {
      const p = (await api.get(GVR.pods, 'default', 'big')) as J;
      return (p.status?.conditions ?? []).find((c: J) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
    });
    expect(waiting).toMatchObject({ status: 'False' });
    await api.create(GVR.nodes, undefined, node('n-big', '8'));
    const moved = await until(async () => {
      const p = (await api.get(GVR.pods, 'default', 'big')) as J;
      return p.spec.nodeName;
    });
    expect(moved).toBe('n-big');
  });
});
