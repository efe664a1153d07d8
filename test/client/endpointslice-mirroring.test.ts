// The EndpointSlice mirroring controller over the client seam, in process, against the API harness: the Endpoints a
// user writes for a selectorless Service are mirrored into a slice (labels, owner, ready from the subset, ports) that
// follows their changes; skip-mirror, a selector, or the Endpoints' deletion remove the mirrored slices.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import {
  startMirroringController,
  type RunningMirroringController,
} from '../../src/reconcilers/endpointslicemirroring/mirroring-controller.js';
import { ENDPOINTS } from '../../src/reconcilers/endpoints/endpoints-controller.js';
import { ENDPOINTSLICES, SERVICES } from '../../src/reconcilers/endpointslice/endpointslice-controller.js';
import { GVR } from '../../src/client/types.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });

describe('endpointslice mirroring controller', () => {
  let h: Harness;
  let api: HttpClient;
  let mc: RunningMirroringController;
  let ns = '';
  let n = 0;

  const mirrored = async (name: string): Promise<J[]> =>
    (
      await api.list(ENDPOINTSLICES, ns, {
        labelSelector: `kubernetes.io/service-name=${name},endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io`,
      })
    ).items as J[];
  const view = (slices: J[]) =>
    slices
      .flatMap((s) =>
        (s.endpoints ?? []).map(
          (e: J) => `${e.addresses[0]} ${e.conditions.ready} ${s.ports.map((p: J) => `${p.name}:${p.port}`).join(',')}`,
        ),
      )
      .sort();

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    mc = await startMirroringController(makeContext(h.service, log));
  });
  afterAll(async () => {
    mc.stop();
    await mc.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `mirror-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test("a selectorless service's Endpoints are mirrored and followed; skip-mirror removes the slice", async () => {
    await api.create(SERVICES, ns, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext' },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    const ep = await api.create(ENDPOINTS, ns, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'ext',
        labels: { team: 'a' },
        annotations: { note: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' },
      },
      subsets: [{ addresses: [{ ip: '192.0.2.1' }], notReadyAddresses: [{ ip: '192.0.2.2' }], ports: [{ name: 'http', port: 8080 }] }],
    });
    const [slice] = await until(async () => {
      const l = await mirrored('ext');
      return view(l).length === 2 && l;
    });
    expect(view([slice])).toEqual(['192.0.2.1 true http:8080', '192.0.2.2 false http:8080']);
    expect(slice!.metadata.name).toMatch(/^ext-/);
    expect(slice!.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'ext',
      'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
    expect(slice!.metadata.annotations).toEqual({ note: 'x' });
    expect(slice!.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Endpoints', name: 'ext', uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);

    await api.patch(ENDPOINTS, ns, 'ext', 'merge', {
      subsets: [{ addresses: [{ ip: '192.0.2.3' }], ports: [{ name: 'http', port: 8080 }] }],
    });
    const after = await until(async () => {
      const l = await mirrored('ext');
      return JSON.stringify(view(l)) === JSON.stringify(['192.0.2.3 true http:8080']) && l;
    });
    expect(after.map((s) => s.metadata.name)).toEqual([slice!.metadata.name]);

    // skip-mirror: the mirrored slice goes.
    await api.patch(ENDPOINTS, ns, 'ext', 'merge', { metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
    await until(async () => (await mirrored('ext')).length === 0);
  });

  test('no service, or a service with a selector: nothing mirrored; Endpoints deleted: their slice goes', async () => {
    await api.create(ENDPOINTS, ns, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'lonely' },
      subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }],
    });
    await api.create(SERVICES, ns, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'sel' },
      spec: { selector: { a: 'b' }, ports: [{ port: 80 }] },
    });
    await api.create(ENDPOINTS, ns, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'sel' },
      subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await mirrored('lonely')).toEqual([]);
    expect(await mirrored('sel')).toEqual([]);
    // The service appears without a selector: now mirrored.
    await api.create(SERVICES, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely' }, spec: { ports: [{ port: 80 }] } });
    await until(async () => (await mirrored('lonely')).length === 1);
    // The Endpoints go: so does the mirrored slice.
    await api.delete(ENDPOINTS, ns, 'lonely');
    await until(async () => (await mirrored('lonely')).length === 0);
  });
});
