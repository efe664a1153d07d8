// CertificateSigningRequests and legacy token Secrets over the HTTP API with the real controllers on the client seam:
// create (requester recorded), approve through /approval, the signer's certificate; a kubelet client request
// auto-approved; a denied one never signed; a token Secret populated, then deleted with its service account.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { generateKeyPairPem } from '../../src/pki/keys.js';
import { issueSelfSigned } from '../../src/pki/x509.js';
import { startCsrSigningController } from '../../src/reconcilers/certificates/signer-controller.js';
import { startCsrApprovingController } from '../../src/reconcilers/certificates/approver-controller.js';
import { startTokensController } from '../../src/reconcilers/serviceaccount-tokens/tokens-controller.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { until } from '../support/until.js';

const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
const dir = mkdtempSync(join(tmpdir(), 'dockube-csr-api-'));
let h: Harness;
let caPem: string;
const controllers: Controller[] = [];

function openssl(subject: string): string {
  const out = join(dir, `${Math.random()}.csr`);
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'k'),
      '-subj',
      subject,
      '-out',
      out,
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(out, 'utf8');
}
const csr = (name: string, subject: string, signerName: string, usages: string[]) => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name },
  spec: { request: Buffer.from(openssl(subject)).toString('base64'), signerName, usages, expirationSeconds: 3600 },
});

beforeAll(async () => {
  h = await startHarness();
  const k = await generateKeyPairPem();
  caPem = await issueSelfSigned({ commonName: 'test-ca', usage: 'ca', validDays: 1 }, k);
  const ctx = makeContext(h.service, pino({ level: 'silent' }));
  const [signer, approver, tokens] = await Promise.all([
    startCsrSigningController(ctx, { ca: { certPem: caPem, keyPem: k.privateKey } }),
    startCsrApprovingController(ctx),
    startTokensController(ctx, { rootCA: caPem, mintToken: async (sa, secret) => `token-of-${sa.metadata.name}-${secret.metadata.name}` }),
  ]);
  controllers.push(signer.controller, approver.controller, tokens.controller);
});
afterAll(async () => {
  controllers.forEach((c) => c.stop());
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a client CSR: requester recorded, Pending until approved, then signed by the CA', async () => {
  const created = await h.api
    .post(CSRS)
    .send(csr('dan', '/O=dev/CN=dan', 'kubernetes.io/kube-apiserver-client', ['client auth']))
    .expect(201);
  expect(created.body.spec).toMatchObject({ username: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] });
  expect(created.body.status).toEqual({});
  await new Promise((r) => setTimeout(r, 200));
  expect((await h.api.get(`${CSRS}/dan`).expect(200)).body.status.certificate).toBeUndefined();
  // The main resource cannot approve; /approval can (as kubectl certificate approve writes it).
  const current = (await h.api.get(`${CSRS}/dan`).expect(200)).body;
  current.status.conditions = [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok' }];
  const viaMain = await h.api.put(`${CSRS}/dan`).send(current).expect(200);
  expect(viaMain.body.status.conditions).toBeUndefined();
  const approved = await h.api.put(`${CSRS}/dan/approval`).send(current).expect(200);
  expect(approved.body.status.conditions[0]).toMatchObject({ type: 'Approved', reason: 'KubectlApprove' });
  const signed = await until(async () => (await h.api.get(`${CSRS}/dan`)).body.status.certificate as string | undefined);
  const x = new X509Certificate(Buffer.from(signed, 'base64'));
  expect(x.subject.split('\n')).toEqual(['O=dev', 'CN=dan']);
  expect(x.checkIssued(new X509Certificate(caPem))).toBe(true);
  // The table kubectl prints.
  const table = await h.api.get(`${CSRS}/dan`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
  expect(table.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
    'Name',
    'Age',
    'SignerName',
    'Requestor',
    'RequestedDuration',
    'Condition',
  ]);
  expect(table.body.rows[0].cells.slice(2)).toEqual(['kubernetes.io/kube-apiserver-client', 'dockube-admin', '60m', 'Approved,Issued']);
});

test('a denied CSR is never signed, and may not be approved after', async () => {
  await h.api
    .post(CSRS)
    .send(csr('eve', '/CN=eve', 'kubernetes.io/kube-apiserver-client', ['client auth']))
    .expect(201);
  const current = (await h.api.get(`${CSRS}/eve`).expect(200)).body;
  current.status.conditions = [{ type: 'Denied', status: 'True', reason: 'KubectlDeny' }];
  await h.api.put(`${CSRS}/eve/approval`).send(current).expect(200);
  const again = (await h.api.get(`${CSRS}/eve`).expect(200)).body;
  again.status.conditions.push({ type: 'Approved', status: 'True' });
  const refused = await h.api.put(`${CSRS}/eve/approval`).send(again).expect(422);
  expect(refused.body.message).toContain('Approved and Denied conditions are mutually exclusive');
  await new Promise((r) => setTimeout(r, 300));
  expect((await h.api.get(`${CSRS}/eve`).expect(200)).body.status.certificate).toBeUndefined();
});

test('a kubelet client CSR is auto-approved and signed; one with a non-node subject is left pending', async () => {
  const usages = ['digital signature', 'client auth'];
  await h.api
    .post(CSRS)
    .send(csr('n1', '/O=system:nodes/CN=system:node:n1', 'kubernetes.io/kube-apiserver-client-kubelet', usages))
    .expect(201);
  await h.api
    .post(CSRS)
    .send(csr('n2', '/O=dev/CN=system:node:n2', 'kubernetes.io/kube-apiserver-client-kubelet', usages))
    .expect(201);
  const n1 = await until(async () => {
    const o = (await h.api.get(`${CSRS}/n1`)).body;
    return o.status.certificate ? o : undefined;
  });
  expect(n1.status.conditions[0]).toMatchObject({ type: 'Approved', reason: 'AutoApproved' });
  await new Promise((r) => setTimeout(r, 300));
  expect((await h.api.get(`${CSRS}/n2`).expect(200)).body.status).toEqual({});
});

test('a service-account-token Secret is populated, and goes with its service account', async () => {
  await h.api
    .post('/api/v1/namespaces/default/serviceaccounts')
    .send({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } })
    .expect(201);
  const sa = (await h.api.get('/api/v1/namespaces/default/serviceaccounts/bot').expect(200)).body;
  await h.api
    .post('/api/v1/namespaces/default/secrets')
    .send({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bot-token', annotations: { 'kubernetes.io/service-account.name': 'bot' } },
      type: 'kubernetes.io/service-account-token',
    })
    .expect(201);
  const secret = await until(async () => {
    const s = (await h.api.get('/api/v1/namespaces/default/secrets/bot-token')).body;
    return s.data?.token ? s : undefined;
  });
  const text = (k: string) => Buffer.from(secret.data[k], 'base64').toString('utf8');
  expect(text('token')).toBe('token-of-bot-bot-token');
  expect(text('ca.crt')).toBe(caPem);
  expect(text('namespace')).toBe('default');
  expect(secret.metadata.annotations['kubernetes.io/service-account.uid']).toBe(sa.metadata.uid);
  await h.api.delete('/api/v1/namespaces/default/serviceaccounts/bot').expect(200);
  await until(async () => (await h.api.get('/api/v1/namespaces/default/secrets/bot-token')).status === 404);
});

test('a token Secret naming no service account is deleted', async () => {
  await h.api
    .post('/api/v1/namespaces/default/secrets')
    .send({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orphan-token', annotations: { 'kubernetes.io/service-account.name': 'nobody' } },
      type: 'kubernetes.io/service-account-token',
    })
    .expect(201);
  await until(async () => (await h.api.get('/api/v1/namespaces/default/secrets/orphan-token')).status === 404);
});
