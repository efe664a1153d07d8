// PodDisruptionBudgets over HTTP and the eviction subresource that spends them: validation, the table columns, the
// 429 refusal with the DisruptionBudget cause, the success path that decrements disruptionsAllowed and notes the
// pod in disruptedPods, unprotected pods, and two budgets on one pod (500).
import { startHarness, type Harness } from './harness.js';
import { systemContext } from '../../src/reconcilers/context.js';
import type { ResourceDef } from '../../src/registry/types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sys = systemContext('test');
const PDBS = (ns: string) => `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`;
let h: Harness;
let podsDef: ResourceDef;
let nsDef: ResourceDef;

beforeAll(async () => {
  h = await startHarness();
  podsDef = h.service.registry.find('', 'v1', 'pods')!;
  nsDef = h.service.registry.find('', 'v1', 'namespaces')!;
});
afterAll(() => h.close());

let n = 0;
async function namespace(): Promise<string> {
  const name = `pdb-${++n}`;
  await h.service.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, sys);
  return name;
}

/** A running pod, ready or not, labelled app=web. */
async function runningPod(ns: string, name: string, ready = true, labels: Record<string, string> = { app: 'web' }): Promise<void> {
  await h.service.create(
    podsDef,
    ns,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'dockube/busybox:test' }] },
    },
    sys,
  );
  await h.service.update(
    podsDef,
    ns,
    name,
    (p) => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }),
    sys,
    'status',
  );
}

/** A budget with the status the disruption controller would have written. */
async function budget(ns: string, name: string, spec: J, status: J): Promise<J> {
  const created = await h.api
    .post(PDBS(ns))
    .send({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    })
    .expect(201);
  const r = await h.api
    .put(`${PDBS(ns)}/${name}/status`)
    .send({ ...created.body, status: { observedGeneration: created.body.metadata.generation, ...status } })
    .expect(200);
  return r.body;
}

const evict = (ns: string, name: string) =>
  h.api.post(`/api/v1/namespaces/${ns}/pods/${name}/eviction`).send({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });

describe('PodDisruptionBudget', () => {
  test('validation: minAvailable and maxUnavailable cannot be both set; percents must be at most 100%', async () => {
    const ns = await namespace();
    const post = (spec: J) =>
      h.api.post(PDBS(ns)).send({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec });
    const both = await post({ minAvailable: 1, maxUnavailable: 1, selector: {} });
    expect(both.status).toBe(422);
    expect(both.body.message).toContain('minAvailable and maxUnavailable cannot be both set');
    const tooMuch = await post({ minAvailable: '101%' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.message).toContain('spec.minAvailable: Invalid value: "101%": must not be greater than 100%');
    const bad = await post({ maxUnavailable: 'half' });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes[0].field).toBe('spec.maxUnavailable');
    const negative = await post({ minAvailable: -1 });
    expect(negative.body.message).toContain('must be greater than or equal to 0');
  });

  test('the table: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE, an unset bound N/A', async () => {
    const ns = await namespace();
    await budget(ns, 'web', { minAvailable: '50%' }, { disruptionsAllowed: 3, currentHealthy: 5, desiredHealthy: 2, expectedPods: 5 });
    const r = await h.api.get(PDBS(ns)).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
    expect(r.body.columnDefinitions.map((c: J) => c.name)).toEqual([
      'Name',
      'Min Available',
      'Max Unavailable',
      'Allowed Disruptions',
      'Age',
    ]);
    expect(r.body.rows[0].cells.slice(0, 4)).toEqual(['web', '50%', 'N/A', 3]);
  });

  test('eviction refused with 429 and the DisruptionBudget cause when no disruption is allowed; the pod stays', async () => {
    const ns = await namespace();
    await runningPod(ns, 'a');
    await budget(ns, 'web', { minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const r = await evict(ns, 'a');
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }] },
    });
    const pod = await h.api.get(`/api/v1/namespaces/${ns}/pods/a`).expect(200);
    expect(pod.body.metadata.deletionTimestamp).toBeUndefined();
  });

  test('a budget whose spec the controller has not seen yet refuses (still being processed)', async () => {
    const ns = await namespace();
    await runningPod(ns, 'a');
    const b = await budget(ns, 'web', { minAvailable: 0 }, { disruptionsAllowed: 5 });
    await h.api
      .put(`${PDBS(ns)}/web`)
      .send({ ...b, spec: { ...b.spec, minAvailable: 1 } })
      .expect(200);
    const r = await evict(ns, 'a');
    expect(r.status).toBe(429);
    expect(r.body.details.causes[0].message).toBe('The disruption budget web is still being processed by the server.');
  });

  test('an allowed eviction spends one disruption (disruptedPods notes the pod, the condition turns False at 0) and deletes the pod', async () => {
    const ns = await namespace();
    await runningPod(ns, 'a');
    await runningPod(ns, 'b');
    await budget(ns, 'web', { maxUnavailable: 1 }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    expect((await evict(ns, 'a')).status).toBe(201);
    const pdb = (await h.api.get(`${PDBS(ns)}/web`).expect(200)).body;
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(['a']);
    expect(pdb.status.conditions).toEqual([
      expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }),
    ]);
    const a = await h.api.get(`/api/v1/namespaces/${ns}/pods/a`);
    expect(a.status === 404 || a.body.metadata.deletionTimestamp).toBeTruthy();
    // The second one is now refused.
    expect((await evict(ns, 'b')).status).toBe(429);
  });

  test('pods the budget does not protect: an unready pod while the budget is met, any pod under AlwaysAllow, unselected pods', async () => {
    const ns = await namespace();
    await runningPod(ns, 'unready', false);
    await runningPod(ns, 'other', true, { app: 'db' });
    await budget(ns, 'web', { minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2 });
    expect((await evict(ns, 'unready')).status).toBe(201);
    expect((await evict(ns, 'other')).status).toBe(201);
    const pdb = (await h.api.get(`${PDBS(ns)}/web`).expect(200)).body;
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(pdb.status.disruptedPods).toBeUndefined();
  });

  test('an unready pod under IfHealthyBudget when the budget is not met is refused; AlwaysAllow lets it go', async () => {
    const ns = await namespace();
    await runningPod(ns, 'u1', false);
    await budget(ns, 'web', { minAvailable: 2 }, { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2, expectedPods: 2 });
    expect((await evict(ns, 'u1')).status).toBe(429);
    const cur = (await h.api.get(`${PDBS(ns)}/web`).expect(200)).body;
    await h.api
      .put(`${PDBS(ns)}/web`)
      .send({ ...cur, spec: { ...cur.spec, unhealthyPodEvictionPolicy: 'AlwaysAllow' } })
      .expect(200);
    expect((await evict(ns, 'u1')).status).toBe(201);
  });

  test('two budgets selecting the pod: 500, as upstream', async () => {
    const ns = await namespace();
    await runningPod(ns, 'a');
    await budget(ns, 'one', { minAvailable: 0 }, { disruptionsAllowed: 1 });
    await budget(ns, 'two', { minAvailable: 0 }, { disruptionsAllowed: 1 });
    const r = await evict(ns, 'a');
    expect(r.status).toBe(500);
    expect(r.body.message).toContain('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });
});
