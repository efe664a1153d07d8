// The EndpointSlice controller over the client seam, in process (as system:kube-controller-manager), against the API
// harness (no kubelet: pod IPs and readiness are written through /status as a kubelet would). Slices follow the
// pods: labels and owner, conditions as pods become ready, unready and terminating, named ports per pod, a placeholder
// for a service without endpoints, no write when nothing changed, and a selectorless service left alone.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import {
  startEndpointSliceController,
  ENDPOINTSLICES,
  SERVICES,
  type RunningEndpointSliceController,
} from '../../src/reconcilers/endpointslice/endpointslice-controller.js';
import { GVR } from '../../src/client/types.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const NODE = 'node-a';

describe('endpointslice controller', () => {
  let h: Harness;
  let api: HttpClient;
  let esc: RunningEndpointSliceController;
  let ns = '';
  let n = 0;

  const slicesOf = async (svc: string): Promise<J[]> =>
    (await api.list(ENDPOINTSLICES, ns, { labelSelector: `kubernetes.io/service-name=${svc}` })).items as J[];
  const pod = async (name: string, ip: string, opts: { ready?: boolean; labels?: Record<string, string>; ports?: J[]; spec?: J } = {}) => {
    await api.create(GVR.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: opts.labels ?? { app: 'web' } },
      spec: { nodeName: NODE, containers: [{ name: 'c', image: 'dockube/busybox:test', ports: opts.ports }], ...opts.spec },
    });
    return setStatus(name, ip, opts.ready ?? true);
  };
  const setStatus = async (name: string, ip: string, ready: boolean) => {
    const cur = await api.get(GVR.pods, ns, name);
    return api.updateStatus(GVR.pods, ns, {
      ...cur,
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString() }],
      },
    });
  };
  const service = (name: string, spec: J, labels: Record<string, string> = {}) =>
    api.create(SERVICES, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec });
  const endpointsOf = (slices: J[]) =>
    slices
      .flatMap((s) => s.endpoints ?? [])
      .map((e: J) => `${e.addresses[0]} ${e.conditions.ready}/${e.conditions.serving}/${e.conditions.terminating}`)
      .sort();

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    await api.create(GVR.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    esc = await startEndpointSliceController(makeContext(h.service, log));
  });
  afterAll(async () => {
    esc.stop();
    await esc.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `eps-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test('slices follow pods: labels, owner, conditions, ports, hostname; scale down and unready', async () => {
    const svc = await service(
      'web',
      { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      { tier: 'front' },
    );
    await pod('a', '10.244.1.1', { spec: { hostname: 'a', subdomain: 'web' } });
    await pod('b', '10.244.1.2');
    await pod('c', '10.244.1.3', { ready: false });
    const slices = await until(async () => {
      const s = await slicesOf('web');
      return endpointsOf(s).length === 3 && s;
    });
    expect(slices).toHaveLength(1);
    const s = slices[0]!;
    expect(s.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(s.metadata.generateName).toBe('web-');
    expect(s.metadata.labels).toEqual({
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(s.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(s.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(endpointsOf(slices)).toEqual(['10.244.1.1 true/true/false', '10.244.1.2 true/true/false', '10.244.1.3 false/false/false']);
    const a = s.endpoints.find((e: J) => e.addresses[0] === '10.244.1.1');
    expect(a).toMatchObject({ hostname: 'a', nodeName: NODE, targetRef: { kind: 'Pod', namespace: ns, name: 'a' } });
    expect(s.endpoints.find((e: J) => e.addresses[0] === '10.244.1.2').hostname).toBeUndefined();

    // c becomes ready, b unready, then a is deleted: one slice, updated in place.
    await setStatus('c', '10.244.1.3', true);
    await setStatus('b', '10.244.1.2', false);
    await api.delete(GVR.pods, ns, 'a', { gracePeriodSeconds: 0 });
    const after = await until(async () => {
      const l = await slicesOf('web');
      return JSON.stringify(endpointsOf(l)) === JSON.stringify(['10.244.1.2 false/false/false', '10.244.1.3 true/true/false']) && l;
    });
    expect(after.map((x) => x.metadata.name)).toEqual([s.metadata.name]);
  });

  test('a terminating pod is ready false, serving as its readiness, terminating true; publishNotReadyAddresses makes all ready', async () => {
    await service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await service('all', { selector: { app: 'web' }, ports: [{ port: 80 }], publishNotReadyAddresses: true });
    const p = await pod('a', '10.244.2.1');
    await pod('b', '10.244.2.2', { ready: false });
    // A finalizer keeps the pod terminating (no kubelet here to finish a graceful deletion either).
    await api.patch(GVR.pods, ns, 'a', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await api.delete(GVR.pods, ns, 'a', { gracePeriodSeconds: 30 });
    await until(
      async () =>
        JSON.stringify(endpointsOf(await slicesOf('web'))) ===
        JSON.stringify(['10.244.2.1 false/true/true', '10.244.2.2 false/false/false']),
    );
    await until(
      async () =>
        JSON.stringify(endpointsOf(await slicesOf('all'))) === JSON.stringify(['10.244.2.1 true/true/true', '10.244.2.2 true/false/false']),
    );
    expect(p.metadata.uid).toBeDefined();
    await api.patch(GVR.pods, ns, 'a', 'merge', { metadata: { finalizers: null } });
  });

  test('a named targetPort is resolved per pod; pods without it go to a slice of their own port set', async () => {
    await service('web', {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 'web' },
        { name: 'metrics', port: 9090 },
      ],
    });
    await pod('a', '10.244.3.1', { ports: [{ name: 'web', containerPort: 8080 }] });
    await pod('b', '10.244.3.2', { ports: [{ name: 'web', containerPort: 8081 }] });
    await pod('c', '10.244.3.3');
    const slices = await until(async () => {
      const l = await slicesOf('web');
      return endpointsOf(l).length === 3 && l;
    });
    const byPorts = Object.fromEntries(
      slices.map((s) => [
        JSON.stringify((s.ports ?? []).map((p: J) => `${p.name}:${p.port}`).sort()),
        s.endpoints.map((e: J) => e.addresses[0]).sort(),
      ]),
    );
    expect(byPorts).toEqual({
      '["http:8080","metrics:9090"]': ['10.244.3.1'],
      '["http:8081","metrics:9090"]': ['10.244.3.2'],
      '["metrics:9090"]': ['10.244.3.3'],
    });
  });

  test('no endpoints: one placeholder slice; unchanged pods write nothing; headless label; selectorless left alone', async () => {
    await service('empty', { selector: { app: 'none' }, ports: [{ port: 80 }], clusterIP: 'None' });
    const [placeholder] = await until(async () => {
      const l = await slicesOf('empty');
      return l.length === 1 && l;
    });
    expect(placeholder!.endpoints ?? []).toEqual([]);
    expect(placeholder!.metadata.labels['service.kubernetes.io/headless']).toBe('');

    await service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await pod('a', '10.244.4.1');
    const [s] = await until(async () => {
      const l = await slicesOf('web');
      return endpointsOf(l).length === 1 && l;
    });
    // A change no endpoint depends on (an annotation) writes nothing.
    await api.patch(GVR.pods, ns, 'a', 'merge', { metadata: { annotations: { x: 'y' } } });
    await api.patch(SERVICES, ns, 'web', 'merge', { metadata: { annotations: { x: 'y' } } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await slicesOf('web'))[0]!.metadata.resourceVersion).toBe(s!.metadata.resourceVersion);
    expect((await slicesOf('empty'))[0]!.metadata.resourceVersion).toBe(placeholder!.metadata.resourceVersion);

    await service('manual', { ports: [{ port: 80 }] });
    await new Promise((r) => setTimeout(r, 200));
    expect(await slicesOf('manual')).toEqual([]);
  });

  test('more than 100 endpoints are split into slices of at most 100', async () => {
    await service('big', { selector: { app: 'big' }, ports: [{ port: 80 }] });
    for (let i = 0; i < 130; i++) await pod(`p${i}`, `10.244.5.${i + 1}`, { labels: { app: 'big' } });
    const slices = await until(async () => {
      const l = await slicesOf('big');
      return endpointsOf(l).length === 130 && l;
    }, 20_000);
    expect(slices.map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([30, 100]);
  });
});
