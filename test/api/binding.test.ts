// pods/binding over HTTP, and the scheduler reconciler over the real service: binding, Unschedulable with
// FailedScheduling, retry when a node changes, several nodes.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { startScheduler, type RunningScheduler } from '../../src/reconcilers/scheduler/scheduler.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const sys = systemContext('test');
let h: Harness;
let podsDef: ResourceDef;
let nodesDef: ResourceDef;
let eventsDef: ResourceDef;

beforeAll(async () => {
  h = await startHarness();
  podsDef = h.service.registry.find('', 'v1', 'pods')!;
  nodesDef = h.service.registry.find('', 'v1', 'nodes')!;
  eventsDef = h.service.registry.find('', 'v1', 'events')!;
});
afterAll(() => h.close());

const createPod = (ns: string, name: string, requests?: J) =>
  h.service.create(
    podsDef,
    ns,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }] },
    },
    sys,
  );
const createNode = (name: string, cpu: string, extra: J = {}) =>
  h.service.create(
    nodesDef,
    undefined,
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: extra.spec ?? {},
      status: {
        capacity: { cpu, memory: '8Gi', pods: '110' },
        allocatable: { cpu, memory: '8Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      },
    },
    sys,
  );
const getPod = (ns: string, name: string) => h.service.get(podsDef, ns, name);

describe('POST pods/NAME/binding', () => {
  test('binds once (201 Success, nodeName and PodScheduled=True); a second bind is a 409', async () => {
    await createPod('default', 'bind-a');
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'bind-a' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-x' },
    };
    const r = await h.api.post('/api/v1/namespaces/default/pods/bind-a/binding').send(body);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const pod = (await getPod('default', 'bind-a')) as J;
    expect(pod.spec.nodeName).toBe('node-x');
    expect(pod.status.conditions).toEqual([
      expect.objectContaining({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: expect.any(String) }),
    ]);

    const again = await h.api
      .post('/api/v1/namespaces/default/pods/bind-a/binding')
      .send({ ...body, target: { kind: 'Node', name: 'node-y' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on pods/binding "bind-a": pod bind-a is already assigned to node "node-x"',
      details: { name: 'bind-a', kind: 'pods/binding' },
    });
    expect(((await getPod('default', 'bind-a')) as J).spec.nodeName).toBe('node-x');
  });

  test('name mismatch is 400, a missing pod 404, a bad target 422, other verbs 405, viewers 403', async () => {
    await createPod('default', 'bind-b');
    const post = (name: string, body: J) => h.api.post(`/api/v1/namespaces/default/pods/${name}/binding`).send(body);
    expect((await post('bind-b', { metadata: { name: 'other' }, target: { name: 'n' } })).body).toMatchObject({
      code: 400,
      message: 'name in URL does not match name in Binding object',
    });
    expect((await post('nope', { metadata: { name: 'nope' }, target: { name: 'n' } })).body).toMatchObject({
      code: 404,
      message: 'pods "nope" not found',
    });
    expect((await post('bind-b', { metadata: { name: 'bind-b' }, target: { kind: 'Pod', name: 'n' } })).body).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'Binding "bind-b" is invalid: target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
      details: { name: 'bind-b', kind: 'Binding', causes: [{ reason: 'FieldValueNotSupported', field: 'target.kind' }] },
    });
    expect((await h.api.put('/api/v1/namespaces/default/pods/bind-b/binding').send({ metadata: { name: 'bind-b' } })).status).toBe(405);
    expect(
      (
        await h
          .as('viewer')
          .post('/api/v1/namespaces/default/pods/bind-b/binding')
          .send({ metadata: { name: 'bind-b' }, target: { name: 'n' } })
      ).status,
    ).toBe(403);
    expect(((await getPod('default', 'bind-b')) as J).spec.nodeName).toBeUndefined();
  });

  test('a normal update still may not set spec.nodeName; discovery lists pods/binding', async () => {
    const pod = (await createPod('default', 'bind-c')) as J;
    pod.spec.nodeName = 'n';
    expect((await h.api.put('/api/v1/namespaces/default/pods/bind-c').send(pod)).status).toBe(422);
    const d = await h.api.get('/api/v1');
    expect(d.body.resources).toContainEqual(expect.objectContaining({ name: 'pods/binding', kind: 'Binding', verbs: ['create'] }));
  });
});

describe('scheduler reconciler', () => {
  let sched: RunningScheduler;
  const ns = 'sched';
  beforeAll(async () => {
    await h.service.create(h.service.registry.find('', 'v1', 'namespaces')!, undefined, { metadata: { name: ns } } as KObject, sys);
    await createNode('sched-node-a', '2');
    await createNode('sched-node-b', '4');
    await createNode('sched-node-c', '8', { spec: { unschedulable: true } });
    sched = await startScheduler(makeContext(h.service, log), { initialBackoffMs: 60_000 });
  });
  afterAll(() => sched.stop());

  const events = async (name: string) => {
    await sched.recorder.flush();
    return (await h.service.list(eventsDef, ns, { fieldSelector: `involvedObject.name=${name}` })).items as J[];
  };

  test('a pending pod is bound to the least allocated schedulable node, with a Scheduled event', async () => {
    await createPod(ns, 'small', { cpu: '1' });
    const pod = await until(async () => {
      const p = (await getPod(ns, 'small')) as J;
      return p.spec.nodeName ? p : undefined;
    });
    expect(pod.spec.nodeName).toBe('sched-node-b');
    expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const evs = await until(async () => {
      const e = await events('small');
      return e.length ? e : undefined;
    });
    expect(evs[0]).toMatchObject({
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${ns}/small to sched-node-b`,
      source: { component: 'default-scheduler' },
    });
  });

  test('an oversized pod gets PodScheduled=False/Unschedulable and FailedScheduling; a bigger node lets it in', async () => {
    await createPod(ns, 'huge', { cpu: '16' });
    const cond = await until(async () =>
      (((await getPod(ns, 'huge')) as J).status.conditions ?? []).find((c: J) => c.type === 'PodScheduled'),
    );
    const message =
      '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    const evs = await until(async () => {
      const e = await events('huge');
      return e.length ? e : undefined;
    });
    expect(evs).toEqual([expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', message })]);
    expect(((await getPod(ns, 'huge')) as J).spec.nodeName).toBeUndefined();

    // Uncordoning the 8-cpu node is not enough; giving it 16 cpus is (a node change retries at once, not after 60 s).
    await h.service.update(nodesDef, undefined, 'sched-node-c', (n) => ({ ...n, spec: {} }), sys);
    await new Promise((r) => setTimeout(r, 200));
    expect(((await getPod(ns, 'huge')) as J).spec.nodeName).toBeUndefined();
    await h.service.update(
      nodesDef,
      undefined,
      'sched-node-c',
      (n) => ({ ...n, status: { ...(n.status as J), allocatable: { cpu: '16', memory: '8Gi', pods: '110' } } }),
      sys,
      'status',
    );
    const bound = await until(async () => {
      const p = (await getPod(ns, 'huge')) as J;
      return p.spec.nodeName ? p : undefined;
    });
    expect(bound.spec.nodeName).toBe('sched-node-c');
    expect(bound.status.conditions.find((c: J) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
    expect(bound.status.conditions.find((c: J) => c.type === 'PodScheduled').reason).toBeUndefined();
  });

  test('a pod waiting for room is retried when a bound pod is deleted; other schedulers are left alone', async () => {
    await createPod(ns, 'fill', { cpu: '3' });
    const filled = await until(async () => ((await getPod(ns, 'fill')) as J).spec.nodeName);
    expect(filled).toBe('sched-node-b');
    // Now a: 2 cpus free, b: 0, c: 0 (huge). A 3-cpu pod fits nowhere until `fill` goes.
    await createPod(ns, 'wait', { cpu: '3' });
    await until(async () => (((await getPod(ns, 'wait')) as J).status.conditions ?? []).find((c: J) => c.reason === 'Unschedulable'));
    await new Promise((r) => setTimeout(r, 100));
    expect(((await getPod(ns, 'wait')) as J).spec.nodeName).toBeUndefined();
    await h.service.delete(podsDef, ns, 'fill', { gracePeriodSeconds: 0 }, sys);
    expect(await until(async () => ((await getPod(ns, 'wait')) as J).spec.nodeName)).toBe('sched-node-b');

    await h.service.create(
      podsDef,
      ns,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'mine' },
        spec: { schedulerName: 'my-scheduler', containers: [{ name: 'c', image: 'x' }] },
      },
      sys,
    );
    await new Promise((r) => setTimeout(r, 200));
    const mine = (await getPod(ns, 'mine')) as J;
    expect(mine.spec.nodeName).toBeUndefined();
    expect(mine.status.conditions).toBeUndefined();
  });
});
