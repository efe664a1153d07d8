// The namespace controller over the client seam, in process and over HTTP: a terminating namespace is emptied
// (every namespaced kind discovery lists), its `kubernetes` finalizer removed through namespaces/finalize, then gone.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startNamespaceLifecycle } from '../../src/reconcilers/namespace-lifecycle.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { GVR } from '../../src/client/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';

const log = pino({ level: 'silent' });

describe.each(['in-process', 'https'])('namespace lifecycle over the %s client', (kind) => {
  let h: Harness;
  let c: Controller;
  let api: HttpClient;
  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    c = await startNamespaceLifecycle(makeContext(h.service, log, kind === 'https' ? { client: () => api } : {}));
  });
  afterAll(async () => {
    c.stop();
    api.close();
    await h.close();
  });

  test('a deleted namespace is emptied, finalized and removed', async () => {
    const ns = `nl-${kind}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    expect((await api.get(GVR.namespaces, undefined, ns)).spec).toEqual({ finalizers: ['kubernetes'] });
    await api.create(GVR.configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    await api.create(GVR.leases, ns, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' } });
    await api.delete(GVR.namespaces, undefined, ns);
    const end = Date.now() + 8000;
    for (;;) {
      try {
        await api.get(GVR.namespaces, undefined, ns);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) break;
        throw e;
      }
      if (Date.now() > end) throw new Error('namespace still there');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await api.list(GVR.configmaps, ns)).items).toEqual([]);
    expect((await api.list(GVR.leases, ns)).items).toEqual([]);
  });

  test('discovery lists the namespaced kinds the same way in process and over HTTP', async () => {
    const names = (rs: { gvr: { group: string; resource: string }; namespaced: boolean; verbs: string[] }[]) =>
      rs
        .filter((r) => r.namespaced && r.verbs.includes('deletecollection'))
        .map((r) => `${r.gvr.group}/${r.gvr.resource}`)
        .sort();
    const inProcess = await makeContext(h.service, log)
      .client({ name: 'system:kube-controller-manager', groups: ['system:authenticated'] })
      .resources();
    expect(names(await api.resources())).toEqual(names(inProcess));
    expect(names(inProcess)).toEqual(expect.arrayContaining(['/configmaps', '/pods', 'apps/deployments', 'coordination.k8s.io/leases']));
  });
});
