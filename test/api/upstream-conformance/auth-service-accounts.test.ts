// Mirrors upstream's ServiceAccount conformance tests that need no running pod (test/e2e/auth/service_accounts.go),
// with dockube's namespace defaults (the serviceaccount controller's default account and the root-ca-cert-publisher's
// kube-root-ca.crt) running in process; the automount test checks the pods the ServiceAccount admission mutates.
import pino from 'pino';
import { openWatch, startHarness, type Harness, type WatchEvent, type WatchStream } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import type { Controller } from '../../../src/reconcilers/controller.js';
import { startNamespaceDefaults } from '../../../src/reconcilers/namespace-defaults.js';
import { generateKeyPairPem } from '../../../src/pki/keys.js';
import { issueSelfSigned } from '../../../src/pki/x509.js';
import { configureServiceAccounts, resetServiceAccounts } from '../../../src/serviceaccount/runtime.js';
import { generateSigningKey } from '../../../src/serviceaccount/signing-key.js';
import { until } from '../../support/until.js';
import { STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
let publisher: Controller;
let caPem: string;
beforeAll(async () => {
  h = await startHarness();
  caPem = await issueSelfSigned({ commonName: 'kubernetes', usage: 'ca', validDays: 1 }, await generateKeyPairPem());
  publisher = await startNamespaceDefaults(makeContext(h.service, pino({ level: 'silent' })), caPem);
  // The ServiceAccount admission plugin (it mounts the token volume), as the server configures it.
  configureServiceAccounts(h.service, generateSigningKey());
});
afterAll(async () => {
  resetServiceAccounts();
  publisher?.stop();
  await h?.close();
});

const sas = (ns: string) => `/api/v1/namespaces/${ns}/serviceaccounts`;
async function next(w: WatchStream, type: string): Promise<WatchEvent> {
  for (;;) {
    const e = await w.next(5000);
    if (e.type === type) return e;
  }
}

test('[sig-auth] ServiceAccounts should run through the lifecycle of a ServiceAccount [Conformance]', async () => {
  const ns = await testNamespace(h, 'svcaccounts');
  const name = 'testserviceaccount';
  const created = (
    await h.api
      .post(sas(ns))
      .send({ metadata: { name, labels: { 'test-serviceaccount-static': 'true' } } })
      .expect(201)
  ).body;
  expect((await h.api.get(`${sas(ns)}/${name}`).expect(200)).body.metadata.uid).toBe(created.metadata.uid);

  // Upstream's watch starts without a resourceVersion: the existing account arrives as ADDED.
  const watch = await openWatch(h, `${sas(ns)}?watch=1&labelSelector=test-serviceaccount-static%3Dtrue&timeoutSeconds=180`);
  try {
    await next(watch, 'ADDED');
    await h.api
      .patch(`${sas(ns)}/${name}`)
      .set('Content-Type', STRATEGIC)
      .send({ automountServiceAccountToken: false })
      .expect(200);
    await next(watch, 'MODIFIED');

    const all = (await h.api.get('/api/v1/serviceaccounts?labelSelector=test-serviceaccount-static%3Dtrue').expect(200)).body.items;
    expect(all.some((s: J) => s.metadata.name === name && s.metadata.namespace === ns && s.automountServiceAccountToken === false)).toBe(
      true,
    );

    await h.api.delete(sas(ns)).expect(200);
    await next(watch, 'DELETED');
  } finally {
    watch.close();
  }
});

test('[sig-auth] ServiceAccounts should guarantee kube-root-ca.crt exist in any namespace [Conformance]', async () => {
  const ns = await testNamespace(h, 'svcaccounts');
  const path = `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`;
  await until(async () => (await h.api.get(path)).status === 200);

  await h.api.delete(`${path}?gracePeriodSeconds=0`).expect(200);
  await until(async () => (await h.api.get(path)).status === 200);

  await h.api
    .put(path)
    .send({ metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': '' } })
    .expect(200);
  const reconciled: J = await until(async () => {
    const cm = (await h.api.get(path)).body;
    return cm.data?.['ca.crt'] ? cm : undefined;
  });
  expect(reconciled.data['ca.crt']).toBe(caPem);
});

test('[sig-auth] ServiceAccounts should update a ServiceAccount [Conformance]', async () => {
  const ns = await testNamespace(h, 'svcaccounts');
  const name = 'e2e-sa-a1b2c';
  const created = (await h.api.post(sas(ns)).send({ metadata: { name }, automountServiceAccountToken: false }).expect(201)).body;
  expect(created.automountServiceAccountToken).toBe(false);

  const current = (await h.api.get(`${sas(ns)}/${name}`).expect(200)).body;
  current.automountServiceAccountToken = true;
  expect(
    (
      await h.api
        .put(`${sas(ns)}/${name}`)
        .send(current)
        .expect(200)
    ).body.automountServiceAccountToken,
  ).toBe(true);
});

test('[sig-auth] ServiceAccounts should allow opting out of API token automount [Conformance]', async () => {
  const ns = await testNamespace(h, 'svcaccounts');
  // The e2e framework waits for the namespace's default ServiceAccount (made by the controller) before a test.
  await until(async () => (await h.api.get(`${sas(ns)}/default`)).status === 200);
  await h.api
    .post(sas(ns))
    .send({ metadata: { name: 'mount' }, automountServiceAccountToken: true })
    .expect(201);
  await h.api
    .post(sas(ns))
    .send({ metadata: { name: 'nomount' }, automountServiceAccountToken: false })
    .expect(201);

  const cases: [string, string, boolean | undefined, boolean][] = [
    ['pod-service-account-defaultsa', 'default', undefined, true],
    ['pod-service-account-mountsa', 'mount', undefined, true],
    ['pod-service-account-nomountsa', 'nomount', undefined, false],
    ['pod-service-account-defaultsa-mountspec', 'default', true, true],
    ['pod-service-account-mountsa-mountspec', 'mount', true, true],
    ['pod-service-account-nomountsa-mountspec', 'nomount', true, true],
    ['pod-service-account-defaultsa-nomountspec', 'default', false, false],
    ['pod-service-account-mountsa-nomountspec', 'mount', false, false],
    ['pod-service-account-nomountsa-nomountspec', 'nomount', false, false],
  ];
  for (const [podName, saName, automount, expectTokenVolume] of cases) {
    const created = (
      await h.api
        .post(`/api/v1/namespaces/${ns}/pods`)
        .send({
          metadata: { name: podName },
          spec: {
            containers: [{ name: 'token-test', image: 'registry.k8s.io/e2e-test-images/agnhost:2.43' }],
            restartPolicy: 'Never',
            serviceAccountName: saName,
            ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
          },
        })
        .expect(201)
    ).body;
    const hasTokenVolume = created.spec.containers.some((c: J) =>
      (c.volumeMounts ?? []).some((m: J) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount'),
    );
    expect([podName, hasTokenVolume]).toEqual([podName, expectTokenVolume]);
  }
});
