// The horizontal-pod-autoscaler controller over the client seam, in process, against the API harness (no kubelet and
// no node stats, so metrics.k8s.io answers nothing): a target below minReplicas is scaled up through /scale with
// upstream's event and status; a missing target gives AbleToScale False (FailedGetScale); a target within range
// without metrics gives ScalingActive False (FailedGetResourceMetric) and keeps its count. Also /scale through both
// clients: read through the HTTP client, written in process.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { HPAS, startHpaController, type RunningHpaController } from '../../src/reconcilers/hpa/hpa-controller.js';
import type { Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient, inProcessClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const DEPLOY: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
const ADMIN = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

describe('horizontal-pod-autoscaler controller', () => {
  let h: Harness;
  let api: HttpClient;
  let hc: RunningHpaController;
  const ns = 'default';

  const deployment = (name: string, replicas: number) =>
    api.create(DEPLOY, ns, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'dockube/busybox:test', resources: { requests: { cpu: '100m' } } }] },
        },
      },
    });
  const hpa = (name: string, target: string, min: number, max: number) =>
    api.create(HPAS, ns, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: min, maxReplicas: max },
    });
  const condition = (o: J, type: string): J | undefined => ((o as J).status?.conditions ?? []).find((c: J) => c.type === type);
  const eventually = (name: string, ok: (o: KObject) => boolean) =>
    until(async () => {
      const o = await api.get(HPAS, ns, name);
      return ok(o) && o;
    });

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    hc = await startHpaController(makeContext(h.service, log), { syncPeriodMs: 200 });
  });
  afterAll(async () => {
    hc.stop();
    await hc.recorder.flush();
    api.close();
    await h.close();
  });

  test('/scale through the client seam: read through the HTTP client, written in process', async () => {
    await deployment('scaled', 1);
    const scale = await api.get(DEPLOY, ns, 'scaled', { subresource: 'scale' });
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=scaled' } });
    const written = await inProcessClient(h, ADMIN).update(DEPLOY, ns, { ...scale, spec: { replicas: 3 } } as KObject, {
      subresource: 'scale',
    });
    expect(written).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    expect(((await api.get(DEPLOY, ns, 'scaled')) as J).spec.replicas).toBe(3);
    await expect(api.get(HPAS, ns, 'scaled', { subresource: 'scale' })).rejects.toMatchObject({ code: 404 });
  });

  test('below minReplicas: scaled up to the minimum, with the event and status upstream writes', async () => {
    await deployment('small', 1);
    await hpa('small', 'small', 2, 4);
    const o = (await eventually('small', (x) => (x as J).status?.desiredReplicas === 2)) as J;
    expect(o.status).toMatchObject({ currentReplicas: 1, desiredReplicas: 2 });
    expect(o.status.lastScaleTime).toMatch(/Z$/);
    expect(condition(o, 'AbleToScale')).toMatchObject({
      status: 'True',
      reason: 'SucceededRescale',
      message: 'the HPA controller was able to update the target scale to 2',
    });
    expect(((await api.get(DEPLOY, ns, 'small')) as J).spec.replicas).toBe(2);
    const events = await until(async () => {
      const list = await api.list({ group: '', version: 'v1', resource: 'events' }, ns, { fieldSelector: 'reason=SuccessfulRescale' });
      return list.items.length > 0 && list.items;
    });
    expect((events[0] as J).message).toBe('New size: 2; reason: Current number of replicas below Spec.MinReplicas');
    expect((events[0] as J).source?.component).toBe('horizontal-pod-autoscaler');
  });

  test('a missing target: AbleToScale False, FailedGetScale', async () => {
    await hpa('orphan', 'nope', 1, 3);
    const o = await eventually('orphan', (x) => condition(x, 'AbleToScale')?.reason === 'FailedGetScale');
    expect(condition(o, 'AbleToScale')).toMatchObject({ status: 'False' });
    expect(condition(o, 'AbleToScale')!.message).toMatch(
      /^the HPA controller was unable to get the target's current scale: failed to query scale subresource for Deployment\/nope: /,
    );
  });

  test('no metrics: ScalingActive False, FailedGetResourceMetric, the count kept', async () => {
    await deployment('steady', 2);
    await hpa('steady', 'steady', 1, 5);
    const o = (await eventually('steady', (x) => condition(x, 'ScalingActive')?.reason === 'FailedGetResourceMetric')) as J;
    expect(condition(o, 'ScalingActive')).toMatchObject({
      status: 'False',
      message:
        'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    expect(condition(o, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    expect(o.status.currentReplicas).toBe(2);
    expect(((await api.get(DEPLOY, ns, 'steady')) as J).spec.replicas).toBe(2);
  });
});
