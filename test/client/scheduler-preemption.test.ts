// Preemption through the client seam: a high-priority pod that fits no node gets status.nominatedNodeName, the
// lower-priority pod on that node gets DisruptionTarget/PreemptionByScheduler, a Preempted event and is deleted, and
// the preemptor is bound once the room is free; a pod with preemptionPolicy Never preempts nothing.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startScheduler, type RunningScheduler } from '../../src/reconcilers/scheduler/scheduler.js';
import { GVR, type Client } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: process.env.DEBUG_LOG ? 'debug' : 'silent' });
const PCS = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' };
let h: Harness;
let api: Client;
let sched: RunningScheduler;

const pod = (name: string, cpu: string, priorityClassName: string, extra: J = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { priorityClassName, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu } } }], ...extra },
});
const get = async (name: string): Promise<J | undefined> => {
  try {
    return (await api.get(GVR.pods, 'default', name)) as J;
  } catch {
    return undefined;
  }
};

beforeAll(async () => {
  h = await startHarness();
  const ctx = makeContext(h.service, log);
  api = ctx.client({ name: 'test', groups: ['system:masters'] });
  await api.create(GVR.nodes, undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'only' },
    spec: {},
    status: { allocatable: { cpu: '2', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  } as KObject);
  for (const [name, value, preemptionPolicy] of [
    ['low', 1, 'PreemptLowerPriority'],
    ['high', 1000, 'PreemptLowerPriority'],
    ['polite', 2000, 'Never'],
  ] as const)
    await api.create(PCS, undefined, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      preemptionPolicy,
    } as KObject);
  sched = await startScheduler(ctx, { initialBackoffMs: 200, maxBackoffMs: 1000 });
});
afterAll(async () => {
  sched.stop();
  await h.close();
});

test('a higher-priority pod preempts the lower one on a full node, then is bound there', async () => {
  await api.create(GVR.pods, 'default', pod('victim', '2', 'low'));
  await until(async () => (await get('victim'))?.spec.nodeName);
  await api.create(GVR.pods, 'default', pod('waiting', '2', 'low'));
  await api.create(GVR.pods, 'default', pod('preemptor', '2', 'high'));
  const nominated = await until(async () => (await get('preemptor'))?.status?.nominatedNodeName).catch(async (e) => {
    throw new Error(`${e}: ${JSON.stringify(await get('preemptor'))} ${JSON.stringify(await get('victim'))}`);
  });
  expect(nominated).toBe('only');
  // The victim is marked, then deleted (no kubelet here: its deletion completes at once for an unstarted pod, or it
  // stays terminating with the condition).
  const gone = await until(async () => {
    const v = await get('victim');
    if (!v) return 'deleted';
    const c = (v.status?.conditions ?? []).find((x: J) => x.type === 'DisruptionTarget');
    return v.metadata.deletionTimestamp && c?.reason === 'PreemptionByScheduler' ? 'terminating' : undefined;
  });
  expect(['deleted', 'terminating']).toContain(gone);
  if (gone === 'terminating') await api.delete(GVR.pods, 'default', 'victim', { gracePeriodSeconds: 0 });
  const node = await until(async () => (await get('preemptor'))?.spec.nodeName, 15_000);
  expect(node).toBe('only');
  const events = (await h.service.list(h.service.registry.find('', 'v1', 'events')!, 'default')).items as J[];
  expect(events.find((e) => e.reason === 'Preempted' && e.involvedObject.name === 'victim')?.message).toMatch(
    /^Preempted by pod \S+ on node only$/,
  );
  // A lower pod that waited meanwhile did not take the room held for the nominated pod.
  expect((await get('waiting'))?.spec.nodeName).toBeUndefined();
  // A pod of a higher priority but preemptionPolicy Never evicts nobody: it waits.
  await api.create(GVR.pods, 'default', pod('polite', '2', 'polite'));
  await until(async () => ((await get('polite'))?.status?.conditions ?? []).some((c: J) => c.reason === 'Unschedulable'));
  expect((await get('preemptor'))?.metadata.deletionTimestamp).toBeUndefined();
  const polite = await get('polite');
  expect(polite?.spec.nodeName).toBeUndefined();
  expect(polite?.status?.nominatedNodeName).toBeUndefined();
});
