// The endpoints controller over the client seam, in process (as system:kube-controller-manager), against the API
// harness (no kubelet: pod IPs and readiness are written through /status). Endpoints follow the pods: addresses and
// notReadyAddresses, labels from the service with the headless label, the trigger-time annotation, terminating pods
// out, no write when nothing changed, deleted Endpoints written again, Endpoints deleted with their service, and the
// Endpoints of a selectorless service left as the user wrote them.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import {
  startEndpointsController,
  ENDPOINTS,
  type RunningEndpointsController,
} from '../../src/reconcilers/endpoints/endpoints-controller.js';
import { SERVICES } from '../../src/reconcilers/endpointslice/endpointslice-controller.js';
import { GVR } from '../../src/client/types.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });

describe('endpoints controller', () => {
  let h: Harness;
  let api: HttpClient;
  let ec: RunningEndpointsController;
  let ns = '';
  let n = 0;

  const endpoints = async (name: string): Promise<J | undefined> => {
    try {
      return (await api.get(ENDPOINTS, ns, name)) as J;
    } catch {
      return undefined;
    }
  };
  const setStatus = async (name: string, ip: string, ready: boolean) => {
    const cur = await api.get(GVR.pods, ns, name);
    return api.updateStatus(GVR.pods, ns, {
      ...cur,
      status: {
        phase: 'Running',
        podIP: ip,
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString() }],
      },
    });
  };
  const pod = async (name: string, ip: string, ready = true) => {
    await api.create(GVR.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: 'web' } },
      spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'dockube/busybox:test' }] },
    });
    return setStatus(name, ip, ready);
  };
  const service = (name: string, spec: J, labels?: Record<string, string>) =>
    api.create(SERVICES, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec });
  const view = (ep: J | undefined) =>
    (ep?.subsets ?? []).map((s: J) => ({
      ready: (s.addresses ?? []).map((a: J) => a.ip),
      notReady: (s.notReadyAddresses ?? []).map((a: J) => a.ip),
      ports: (s.ports ?? []).map((p: J) => p.port),
    }));

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    ec = await startEndpointsController(makeContext(h.service, log));
  });
  afterAll(async () => {
    ec.stop();
    await ec.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `ep-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test('addresses and notReadyAddresses follow the pods; labels, trigger time; no-op; recreated; deleted with the service', async () => {
    await service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, { tier: 'front' });
    await pod('a', '10.244.1.1');
    await pod('b', '10.244.1.2', false);
    const ep = await until(async () => {
      const e = await endpoints('web');
      return JSON.stringify(view(e)) === JSON.stringify([{ ready: ['10.244.1.1'], notReady: ['10.244.1.2'], ports: [8080] }]) && e;
    });
    expect(ep.metadata.labels).toEqual({ tier: 'front' });
    expect(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/Z$/);
    expect(ep.subsets[0].addresses[0]).toEqual({
      ip: '10.244.1.1',
      nodeName: 'node-a',
      targetRef: expect.objectContaining({ kind: 'Pod', name: 'a', namespace: ns }),
    });
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);

    // An annotation on a pod changes nothing: no write.
    await api.patch(GVR.pods, ns, 'a', 'merge', { metadata: { annotations: { x: 'y' } } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await endpoints('web'))!.metadata.resourceVersion).toBe(ep.metadata.resourceVersion);

    // b becomes ready, a terminates (held by a finalizer): a leaves, b is an address.
    await setStatus('b', '10.244.1.2', true);
    await api.patch(GVR.pods, ns, 'a', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await api.delete(GVR.pods, ns, 'a', { gracePeriodSeconds: 30 });
    await until(
      async () => JSON.stringify(view(await endpoints('web'))) === JSON.stringify([{ ready: ['10.244.1.2'], notReady: [], ports: [8080] }]),
    );
    await api.patch(GVR.pods, ns, 'a', 'merge', { metadata: { finalizers: null } });

    // Deleted under its service: written again.
    await api.delete(ENDPOINTS, ns, 'web');
    await until(async () => (await endpoints('web'))?.subsets?.length === 1);
    // The service goes: so do its Endpoints.
    await api.delete(SERVICES, ns, 'web');
    await until(async () => !(await endpoints('web')));
  });

  test('headless label, publishNotReadyAddresses, no pods: no subsets', async () => {
    await service('db', {
      selector: { app: 'web' },
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      ports: [{ name: 'pg', port: 5432 }],
    });
    const empty = await until(() => endpoints('db'));
    expect(empty.subsets ?? []).toEqual([]);
    expect(empty.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    await pod('a', '10.244.2.1', false);
    await until(
      async () => JSON.stringify(view(await endpoints('db'))) === JSON.stringify([{ ready: ['10.244.2.1'], notReady: [], ports: [5432] }]),
    );
  });

  test("a selectorless service keeps the user's Endpoints, until it is deleted", async () => {
    await service('ext', { ports: [{ port: 80 }] });
    await api.create(ENDPOINTS, ns, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext' },
      subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }],
    });
    await api.patch(SERVICES, ns, 'ext', 'merge', { metadata: { labels: { x: 'y' } } });
    await new Promise((r) => setTimeout(r, 300));
    const ep = (await endpoints('ext'))!;
    expect(view(ep)).toEqual([{ ready: ['192.0.2.1'], notReady: [], ports: [80] }]);
    expect(ep.metadata.labels).toBeUndefined();
    await api.delete(SERVICES, ns, 'ext');
    await until(async () => !(await endpoints('ext')));
  });
});
