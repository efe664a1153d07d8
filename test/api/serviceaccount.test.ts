// ServiceAccount admission, serviceaccounts/token and selfsubjectreviews over HTTP, with the plugin enabled as
// server.ts enables it.
import { startHarness, type Harness } from './harness.js';
import { configureServiceAccounts, resetServiceAccounts } from '../../src/serviceaccount/runtime.js';
import { generateSigningKey } from '../../src/serviceaccount/signing-key.js';
import type { ServiceAccountTokens } from '../../src/serviceaccount/tokens.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let tokens: ServiceAccountTokens;
const NS = 'sa-test';
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

beforeAll(async () => {
  h = await startHarness();
  tokens = configureServiceAccounts(h.service, generateSigningKey()).tokens;
  await h.api
    .post('/api/v1/namespaces')
    .send({ metadata: { name: NS } })
    .expect(201);
  for (const sa of [
    { metadata: { name: 'default' } },
    { metadata: { name: 'builder' } },
    { metadata: { name: 'quiet' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] },
  ]) {
    await h.api.post(`/api/v1/namespaces/${NS}/serviceaccounts`).send(sa).expect(201);
  }
});
afterAll(async () => {
  resetServiceAccounts();
  await h.close();
});

const pod = (name: string, spec: J = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'dockube/busybox:test' }], ...spec },
});
const createPod = (body: J) => h.api.post(`/api/v1/namespaces/${NS}/pods`).send(body);

describe('ServiceAccount admission', () => {
  it('adds the kube-api-access projected volume and mounts it read-only in every container', async () => {
    const res = await createPod(
      pod('auto', {
        initContainers: [{ name: 'init', image: 'dockube/busybox:test' }],
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'x' },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const spec = res.body.spec;
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.volumes).toHaveLength(1);
    const vol = spec.volumes[0];
    expect(vol.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(vol.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.volumeMounts).toEqual([{ name: vol.name, readOnly: true, mountPath: MOUNT }]);
    }
    // Stored that way too.
    const got = await h.api.get(`/api/v1/namespaces/${NS}/pods/auto`).expect(200);
    expect(got.body.spec.volumes[0].name).toBe(vol.name);
  });

  it('mounts nothing when the pod or its service account opts out; copies the account imagePullSecrets', async () => {
    const off = await createPod(pod('pod-off', { automountServiceAccountToken: false })).expect(201);
    expect(off.body.spec.volumes).toBeUndefined();
    expect(off.body.spec.containers[0].volumeMounts).toBeUndefined();
    const saOff = await createPod(pod('sa-off', { serviceAccountName: 'quiet' })).expect(201);
    expect(saOff.body.spec.volumes).toBeUndefined();
    expect(saOff.body.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    const podOn = await createPod(pod('pod-on', { serviceAccountName: 'quiet', automountServiceAccountToken: true })).expect(201);
    expect(podOn.body.spec.volumes[0].name).toMatch(/^kube-api-access-/);
  });

  it('refuses a pod naming a missing service account', async () => {
    const res = await createPod(pod('x', { serviceAccountName: 'nope' }));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: `pods "x" is forbidden: error looking up service account ${NS}/nope: serviceaccount "nope" not found`,
      details: { name: 'x', kind: 'pods' },
    });
  });

  it('leaves updates alone', async () => {
    const cur = (await h.api.get(`/api/v1/namespaces/${NS}/pods/pod-off`).expect(200)).body;
    cur.metadata.labels = { a: 'b' };
    const res = await h.api.put(`/api/v1/namespaces/${NS}/pods/pod-off`).send(cur).expect(200);
    expect(res.body.spec.volumes).toBeUndefined();
  });
});

describe('serviceaccounts/token', () => {
  const tokenPath = (sa: string) => `/api/v1/namespaces/${NS}/serviceaccounts/${sa}/token`;

  it('issues a one-hour token for the API audience that authenticates as the service account', async () => {
    const before = Date.now();
    const res = await h.api.post(tokenPath('builder')).send({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'builder', namespace: NS },
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 },
    });
    const exp = Date.parse(res.body.status.expirationTimestamp);
    expect(exp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(exp).toBeLessThanOrEqual(Date.now() + 3600_000);
    const user = await tokens.authenticate(res.body.status.token);
    expect(user).toMatchObject({
      name: `system:serviceaccount:${NS}:builder`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
    });
  });

  it('validates the request and the service account', async () => {
    const short = await h.api.post(tokenPath('builder')).send({ spec: { expirationSeconds: 60 } });
    expect(short.status).toBe(422);
    expect(short.body.message).toBe(
      'TokenRequest.authentication.k8s.io "builder" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
    const missing = await h.api.post(tokenPath('ghost')).send({ spec: {} });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('serviceaccounts "ghost" not found');
    const wrongKind = await h.api
      .post(tokenPath('builder'))
      .send({ spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.message).toBe('cannot bind token to object of type /v1, Kind=ConfigMap');
    expect((await h.api.get(tokenPath('builder'))).status).toBe(405);
  });

  it('binds to a pod: refused for another account, invalid once the pod is deleted', async () => {
    const other = await h.api
      .post(tokenPath('builder'))
      .send({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'auto' } } });
    expect(other.status).toBe(400);
    expect(other.body.message).toBe('cannot bind token for serviceaccount "builder" to pod running with serviceaccount "default"');
    await createPod(pod('bound')).expect(201);
    const res = await h.api
      .post(tokenPath('default'))
      .send({
        spec: {
          audiences: ['https://kubernetes.default.svc.cluster.local'],
          boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound' },
        },
      })
      .expect(201);
    const user = await tokens.authenticate(res.body.status.token);
    expect(user?.extra?.['authentication.kubernetes.io/pod-name']).toEqual(['bound']);
    await h.api.delete(`/api/v1/namespaces/${NS}/pods/bound?gracePeriodSeconds=0`).expect(200);
    expect(await tokens.authenticate(res.body.status.token)).toBeUndefined();
  });

  it('is listed in discovery as authentication.k8s.io/v1 TokenRequest', async () => {
    const res = await h.api.get('/api/v1').expect(200);
    expect(res.body.resources).toContainEqual(
      expect.objectContaining({
        name: 'serviceaccounts/token',
        kind: 'TokenRequest',
        group: 'authentication.k8s.io',
        version: 'v1',
        verbs: ['create'],
      }),
    );
  });
});

describe('selfsubjectreviews', () => {
  it('answers with the caller', async () => {
    const res = await h.api
      .post('/apis/authentication.k8s.io/v1/selfsubjectreviews')
      .send({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      status: { userInfo: { username: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] } },
    });
  });
});
