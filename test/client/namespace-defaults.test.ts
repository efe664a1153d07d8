// The namespace-defaults controller over the client seam, once in process (as system:kube-controller-manager) and
// once over HTTP(S) against the real API: each namespace gets its default ServiceAccount and root CA ConfigMap back.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startNamespaceDefaults, ROOT_CA_CONFIGMAP } from '../../src/reconcilers/namespace-defaults.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { GVR, type Client } from '../../src/client/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { metricsRegistry } from '../../src/machinery/metrics/registry.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';

const log = pino({ level: 'silent' });
const CA = '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n';

const eventually = async <T>(f: () => Promise<T>, ms = 5000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(['in-process', 'https'])('namespace-defaults over the %s client', (kind) => {
  let h: Harness;
  let c: Controller;
  let admin: HttpClient;
  beforeAll(async () => {
    h = await startHarness();
    admin = httpClient(h, 'admin');
    const ctx = makeContext(h.service, log, kind === 'https' ? { client: () => admin } : {});
    c = await startNamespaceDefaults(ctx, CA);
  });
  afterAll(async () => {
    c.stop();
    admin.close();
    await h.close();
  });

  const api = (): Client => admin;
  const ns = `nd-${kind}`;

  test('a new namespace gets both; deleted or changed, they come back', async () => {
    await api().create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const sa = await eventually(() => api().get(GVR.serviceaccounts, ns, 'default'));
    const cm = await eventually(() => api().get(GVR.configmaps, ns, ROOT_CA_CONFIGMAP));
    expect(cm.data).toEqual({ 'ca.crt': CA });

    await api().delete(GVR.serviceaccounts, ns, 'default');
    await eventually(async () => {
      const again = await api().get(GVR.serviceaccounts, ns, 'default');
      expect(again.metadata.uid).not.toBe(sa.metadata.uid);
    });
    await api().patch(GVR.configmaps, ns, ROOT_CA_CONFIGMAP, 'merge', { data: { 'ca.crt': 'tampered' } });
    await eventually(async () => expect((await api().get(GVR.configmaps, ns, ROOT_CA_CONFIGMAP)).data).toEqual({ 'ca.crt': CA }));
  });

  test('a terminating namespace is left alone', async () => {
    const gone = `${ns}-gone`;
    await api().create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: gone } });
    await eventually(() => api().get(GVR.serviceaccounts, gone, 'default'));
    await api().delete(GVR.namespaces, undefined, gone); // no namespace controller here: it stays Terminating
    await api().delete(GVR.serviceaccounts, gone, 'default');
    await new Promise((r) => setTimeout(r, 200));
    await expect(api().get(GVR.serviceaccounts, gone, 'default')).rejects.toBeInstanceOf(StatusError);
  });

  test('the workqueue reports its depth and adds on /metrics', async () => {
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/workqueue_adds_total\{name="namespace-defaults"\} [1-9]/);
    expect(text).toMatch(/workqueue_depth\{name="namespace-defaults"\} \d/);
    expect(text).toMatch(/controller_runtime_reconcile_time_seconds_count\{controller="namespace-defaults"\} [1-9]/);
  });
});
