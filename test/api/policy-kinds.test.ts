// The policy kinds over HTTP with their admission and the resourcequota controller: a quota's status kept by the
// controller, a create over it refused with upstream's 403, `must specify` for compute quotas, object counts;
// LimitRange defaults and bounds on pods; PriorityClass resolution, a missing class or RuntimeClass refused,
// RuntimeClass overhead; PodTemplate; the tables.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import {
  startResourceQuotaController,
  type RunningResourceQuotaController,
} from '../../src/reconcilers/resourcequota/resourcequota-controller.js';
import { ensureSystemPriorityClasses } from '../../src/server/priority-classes.js';
import { until } from '../support/until.js';
import type { ResourceDef } from '../../src/registry/types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const sys = systemContext('test');
let h: Harness;
let nsDef: ResourceDef;
let quotaController: RunningResourceQuotaController;

beforeAll(async () => {
  h = await startHarness();
  nsDef = h.service.registry.find('', 'v1', 'namespaces')!;
  const ctx = makeContext(h.service, log, { authorize: () => undefined });
  quotaController = await startResourceQuotaController(ctx);
  await ensureSystemPriorityClasses(ctx.client({ name: 'system:apiserver', groups: ['system:masters'] }), log);
});
afterAll(() => {
  quotaController.stop();
  return h.close();
});

let n = 0;
async function namespace(): Promise<string> {
  const name = `policy-${++n}`;
  await h.service.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, sys);
  return name;
}
const api = (ns: string, plural: string) => `/api/v1/namespaces/${ns}/${plural}`;
const pod = (name: string, container: J = {}, spec: J = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'dockube/busybox:test', ...container }], ...spec },
});
const quotaOf = async (ns: string, name: string): Promise<J> => (await h.api.get(`${api(ns, 'resourcequotas')}/${name}`)).body;

describe('ResourceQuota', () => {
  test('the controller fills status; a pod over `pods` is refused with the exceeded-quota message', async () => {
    const ns = await namespace();
    await h.api
      .post(api(ns, 'resourcequotas'))
      .send({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '1', configmaps: '1' } } })
      .expect(201);
    const filled = await until(async () => {
      const q = await quotaOf(ns, 'q');
      return q.status?.used ? q : undefined;
    });
    expect(filled.status).toEqual({ hard: { pods: '1', configmaps: '1' }, used: { pods: '0', configmaps: '0' } });
    await h.api.post(api(ns, 'pods')).send(pod('a')).expect(201);
    expect((await quotaOf(ns, 'q')).status.used.pods).toBe('1'); // charged at admission
    const refused = await h.api.post(api(ns, 'pods')).send(pod('b')).expect(403);
    expect(refused.body.reason).toBe('Forbidden');
    expect(refused.body.message).toBe('pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1');
    await h.api
      .post(api(ns, 'configmaps'))
      .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' } })
      .expect(201);
    const cm = await h.api
      .post(api(ns, 'configmaps'))
      .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c2' } })
      .expect(403);
    expect(cm.body.message).toBe(
      'configmaps "c2" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1',
    );
    // Deleting the pod gives its use back (the controller recounts).
    await h.api.delete(`${api(ns, 'pods')}/a`).expect(200);
    await until(async () => (await quotaOf(ns, 'q')).status.used.pods === '0');
    await h.api.post(api(ns, 'pods')).send(pod('b')).expect(201);
  });

  test('compute quotas: containers must state what is limited; requests and limits are summed', async () => {
    const ns = await namespace();
    await h.api
      .post(api(ns, 'resourcequotas'))
      .send({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute' },
        spec: { hard: { 'requests.cpu': '1', 'limits.memory': '1Gi' } },
      })
      .expect(201);
    await until(async () => (await quotaOf(ns, 'compute')).status?.used);
    const missing = await h.api.post(api(ns, 'pods')).send(pod('bare')).expect(403);
    expect(missing.body.message).toBe(
      'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.cpu for: c',
    );
    const res = { resources: { requests: { cpu: '600m' }, limits: { memory: '512Mi' } } };
    await h.api.post(api(ns, 'pods')).send(pod('one', res)).expect(201);
    // A create that fails after admission (the name exists) gives its charge back.
    await h.api
      .post(api(ns, 'pods'))
      .send(pod('one', { resources: { requests: { cpu: '100m' }, limits: { memory: '1Mi' } } }))
      .expect(409);
    expect((await quotaOf(ns, 'compute')).status.used['requests.cpu']).toBe('600m');
    const over = await h.api.post(api(ns, 'pods')).send(pod('two', res)).expect(403);
    expect(over.body.message).toBe(
      'pods "two" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
    const table = await h.api.get(api(ns, 'resourcequotas')).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
    expect(table.body.columnDefinitions.map((c: J) => c.name)).toEqual(['Name', 'Age', 'Request', 'Limit']);
    let last: unknown;
    await until(async () => {
      const t = await h.api.get(api(ns, 'resourcequotas')).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
      const cells = t.body.rows[0].cells;
      last = cells;
      return cells[2] === 'requests.cpu: 600m/1' && cells[3] === 'limits.memory: 512Mi/1Gi';
    }).catch((e) => {
      throw new Error(`${String(e)}: ${JSON.stringify(last)}`);
    });
  });

  test('a quota whose usage is not known yet refuses what it limits; object counts of other groups', async () => {
    const ns = await namespace();
    quotaController.controller.stop(); // nobody fills the status of the next quota
    try {
      await h.api
        .post(api(ns, 'resourcequotas'))
        .send({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'fresh' }, spec: { hard: { 'count/deployments.apps': '0' } } })
        .expect(201);
      // Limits known, usage not (yet): upstream refuses rather than guess.
      const q = await quotaOf(ns, 'fresh');
      await h.api
        .put(`${api(ns, 'resourcequotas')}/fresh/status`)
        .send({ ...q, status: { hard: { 'count/deployments.apps': '0' } } })
        .expect(200);
      const r = await h.api
        .post(`/apis/apps/v1/namespaces/${ns}/deployments`)
        .send({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'd' },
          spec: {
            selector: { matchLabels: { a: 'b' } },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
          },
        })
        .expect(403);
      expect(r.body.message).toBe('deployments.apps "d" is forbidden: status unknown for quota: fresh, resources: count/deployments.apps');
    } finally {
      const ctx = makeContext(h.service, log, { authorize: () => undefined });
      quotaController = await startResourceQuotaController(ctx);
    }
  });
});

describe('LimitRange', () => {
  test('defaults are applied and noted; min, max and the ratio refuse', async () => {
    const ns = await namespace();
    await h.api
      .post(api(ns, 'limitranges'))
      .send({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'lr' },
        spec: {
          limits: [
            {
              type: 'Container',
              max: { cpu: '1' },
              min: { cpu: '50m' },
              defaultRequest: { cpu: '100m' },
              maxLimitRequestRatio: { cpu: '10' },
            },
          ],
        },
      })
      .expect(201);
    const lr = (await h.api.get(`${api(ns, 'limitranges')}/lr`)).body;
    expect(lr.spec.limits[0].default).toEqual({ cpu: '1' }); // from max
    const created = await h.api.post(api(ns, 'pods')).send(pod('d'));
    expect([created.status, created.body.message]).toEqual([201, undefined]);
    expect(created.body.spec.containers[0].resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '100m' } });
    expect(created.body.metadata.annotations['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu request for container c; cpu limit for container c',
    );
    expect(created.body.status.qosClass).toBe('Burstable');
    const big = await h.api
      .post(api(ns, 'pods'))
      .send(pod('big', { resources: { limits: { cpu: '2' } } }))
      .expect(403);
    expect(big.body.message).toBe('pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
    const small = await h.api
      .post(api(ns, 'pods'))
      .send(pod('small', { resources: { requests: { cpu: '10m' }, limits: { cpu: '20m' } } }))
      .expect(403);
    expect(small.body.message).toBe('pods "small" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
    const ratio = await h.api
      .post(api(ns, 'pods'))
      .send(pod('ratio', { resources: { requests: { cpu: '50m' }, limits: { cpu: '1' } } }))
      .expect(403);
    expect(ratio.body.message).toBe(
      'pods "ratio" is forbidden: cpu max limit to request ratio per Container is 10, but provided ratio is 20.000000',
    );
  });
});

describe('PriorityClass and RuntimeClass', () => {
  test('the system classes exist; pods get the class value, the global default, or are refused', async () => {
    const ns = await namespace();
    const pcs = (await h.api.get('/apis/scheduling.k8s.io/v1/priorityclasses').expect(200)).body.items.map((p: J) => [
      p.metadata.name,
      p.value,
    ]);
    expect(pcs).toEqual(
      expect.arrayContaining([
        ['system-cluster-critical', 2000000000],
        ['system-node-critical', 2000001000],
      ]),
    );
    const critical = await h.api
      .post(api(ns, 'pods'))
      .send(pod('crit', {}, { priorityClassName: 'system-node-critical' }))
      .expect(201);
    expect(critical.body.spec.priority).toBe(2000001000);
    const missing = await h.api
      .post(api(ns, 'pods'))
      .send(pod('nope', {}, { priorityClassName: 'nope' }))
      .expect(403);
    expect(missing.body.message).toBe('pods "nope" is forbidden: no PriorityClass with name nope was found');
    const reserved = await h.api
      .post('/apis/scheduling.k8s.io/v1/priorityclasses')
      .send({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'too-high' }, value: 2000000000 })
      .expect(422);
    expect(reserved.body.message).toContain('maximum allowed value of a user defined priority is 1000000000');
    await h.api
      .post('/apis/scheduling.k8s.io/v1/priorityclasses')
      .send({
        apiVersion: 'scheduling.k8s.io/v1',
        kind: 'PriorityClass',
        metadata: { name: 'low' },
        value: 10,
        globalDefault: true,
        preemptionPolicy: 'Never',
      })
      .expect(201);
    try {
      const second = await h.api
        .post('/apis/scheduling.k8s.io/v1/priorityclasses')
        .send({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low2' }, value: 11, globalDefault: true })
        .expect(403);
      expect(second.body.message).toContain('PriorityClass low is already marked as default. Only one default can exist');
      const dflt = await h.api.post(api(ns, 'pods')).send(pod('plain')).expect(201);
      expect(dflt.body.spec).toMatchObject({ priorityClassName: 'low', priority: 10, preemptionPolicy: 'Never' });
      const table = await h.api
        .get('/apis/scheduling.k8s.io/v1/priorityclasses/low')
        .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
      expect(table.body.rows[0].cells).toEqual(['low', 10, true, expect.any(String), 'Never']);
    } finally {
      await h.api.delete('/apis/scheduling.k8s.io/v1/priorityclasses/low').expect(200);
    }
  });

  test('a missing RuntimeClass is refused; an existing one sets the overhead', async () => {
    const ns = await namespace();
    const missing = await h.api
      .post(api(ns, 'pods'))
      .send(pod('rc', {}, { runtimeClassName: 'gvisor' }))
      .expect(403);
    expect(missing.body.message).toBe('pods "rc" is forbidden: pod rejected: RuntimeClass "gvisor" not found');
    await h.api
      .post('/apis/node.k8s.io/v1/runtimeclasses')
      .send({
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'gvisor' },
        handler: 'runsc',
        overhead: { podFixed: { memory: '64Mi' } },
      })
      .expect(201);
    const ok = await h.api
      .post(api(ns, 'pods'))
      .send(pod('rc', {}, { runtimeClassName: 'gvisor' }))
      .expect(201);
    expect(ok.body.spec.overhead).toEqual({ memory: '64Mi' });
    const table = await h.api
      .get('/apis/node.k8s.io/v1/runtimeclasses/gvisor')
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(table.body.rows[0].cells.slice(0, 2)).toEqual(['gvisor', 'runsc']);
  });
});

test('PodTemplate: stored with a defaulted spec, validated, printed', async () => {
  const ns = await namespace();
  const tpl = {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 't' },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'img' }] } },
  };
  const created = await h.api.post(api(ns, 'podtemplates')).send(tpl).expect(201);
  expect(created.body.template.spec.restartPolicy).toBe('Always');
  await h.api
    .post(api(ns, 'podtemplates'))
    .send({ ...tpl, metadata: { name: 'bad' }, template: { spec: { containers: [] } } })
    .expect(422);
  const table = await h.api.get(`${api(ns, 'podtemplates')}/t`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
  expect(table.body.rows[0].cells).toEqual(['t', 'c', 'img', 'app=x']);
});
