// Mirrors upstream's CSR API conformance test (test/e2e/auth/certificates.go): the main resource, /approval and
// /status, each a get, patch and update; no signer runs for the test's example.com signer, as on a real cluster.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWatch, startHarness, type Harness } from '../harness.js';
import { generateKeyPairPem } from '../../../src/pki/keys.js';
import { issueSelfSigned } from '../../../src/pki/x509.js';
import { MERGE, b64, testNamespace, type J } from './support.js';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'dockube-upstream-csr-'));
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

/** cert.MakeCSR for CN and DNS name e2e.example.com, PEM. */
function makeCsr(): string {
  const out = join(dir, 'e2e.csr');
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
      '/CN=e2e.example.com',
    ].concat(['-addext', 'subjectAltName=DNS:e2e.example.com', '-out', out]),
    { stdio: 'ignore' },
  );
  return readFileSync(out, 'utf8');
}

test('[sig-auth] Certificates API [Privileged:ClusterAdmin] should support CSR API operations [Conformance]', async () => {
  const unique = await testNamespace(h, 'certificates');
  const signerName = `example.com/e2e-${unique}`;
  const bySigner = `fieldSelector=spec.signerName%3D${encodeURIComponent(signerName)}`;
  const certificateData = await issueSelfSigned(
    { commonName: 'e2e.example.com', usage: 'server', validDays: 1, dnsNames: ['e2e.example.com'] },
    await generateKeyPairPem(),
  );
  const template = {
    metadata: { generateName: 'e2e-example-csr-' },
    spec: {
      request: b64(makeCsr()),
      signerName,
      expirationSeconds: 3600,
      usages: ['digital signature', 'key encipherment', 'server auth'],
    },
  };

  const groups = (await h.api.get('/apis').expect(200)).body.groups;
  expect(groups.find((g: J) => g.name === 'certificates.k8s.io')?.versions.map((v: J) => v.version)).toContain('v1');
  expect((await h.api.get('/apis/certificates.k8s.io').expect(200)).body.versions.map((v: J) => v.version)).toContain('v1');
  const resources = (await h.api.get('/apis/certificates.k8s.io/v1').expect(200)).body.resources.map((r: J) => r.name);
  expect(resources).toEqual(
    expect.arrayContaining(['certificatesigningrequests', 'certificatesigningrequests/approval', 'certificatesigningrequests/status']),
  );

  await h.api.post(CSRS).send(template).expect(201);
  await h.api.post(CSRS).send(template).expect(201);
  const created = (await h.api.post(CSRS).send(template).expect(201)).body;
  const path = `${CSRS}/${created.metadata.name}`;

  const gotten = (await h.api.get(path).expect(200)).body;
  expect(gotten.metadata.uid).toBe(created.metadata.uid);
  expect(gotten.spec.expirationSeconds).toBe(3600);

  const list = (await h.api.get(`${CSRS}?${bySigner}`).expect(200)).body;
  expect(list.items).toHaveLength(3);
  const watch = await openWatch(
    h,
    `${CSRS}?watch=1&fieldSelector=metadata.name%3D${created.metadata.name}&resourceVersion=${list.metadata.resourceVersion}`,
  );

  const patched = (
    await h.api
      .patch(path)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations).toMatchObject({ patched: 'true' });
  patched.metadata.annotations.updated = 'true';
  expect((await h.api.put(path).send(patched).expect(200)).body.metadata.annotations).toMatchObject({ updated: 'true' });

  const event = await watch.next();
  watch.close();
  expect(event.type).toBe('MODIFIED');
  expect(event.object.metadata.annotations).toMatchObject({ patched: 'true' });

  const approval = (await h.api.get(`${path}/approval`).expect(200)).body;
  expect([approval.apiVersion, approval.kind]).toEqual(['certificates.k8s.io/v1', 'CertificateSigningRequest']);
  expect(approval.metadata.uid).toBe(created.metadata.uid);

  const patchedApproval = (
    await h.api
      .patch(`${path}/approval`)
      .set('Content-Type', MERGE)
      .send({
        metadata: { annotations: { patchedapproval: 'true' } },
        status: { conditions: [{ type: 'ApprovalPatch', status: 'True', reason: 'e2e' }] },
      })
      .expect(200)
  ).body;
  expect(patchedApproval.status.conditions).toHaveLength(1);
  expect(patchedApproval.status.conditions[0].type).toBe('ApprovalPatch');
  expect(patchedApproval.metadata.annotations).toMatchObject({ patchedapproval: 'true' });

  patchedApproval.status.conditions.push({ type: 'Approved', status: 'True', reason: 'E2E', message: 'Set from an e2e test' });
  const updatedApproval = (await h.api.put(`${path}/approval`).send(patchedApproval).expect(200)).body;
  expect(updatedApproval.status.conditions).toHaveLength(2);
  expect(updatedApproval.status.conditions[1].type).toBe('Approved');

  const status = (await h.api.get(`${path}/status`).expect(200)).body;
  expect([status.apiVersion, status.kind]).toEqual(['certificates.k8s.io/v1', 'CertificateSigningRequest']);
  expect(status.metadata.uid).toBe(created.metadata.uid);

  const patchedStatus = (
    await h.api
      .patch(`${path}/status`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patchedstatus: 'true' } }, status: { certificate: b64(certificateData) } })
      .expect(200)
  ).body;
  expect(Buffer.from(patchedStatus.status.certificate, 'base64').toString('utf8')).toBe(certificateData);
  expect(patchedStatus.metadata.annotations).toMatchObject({ patchedstatus: 'true' });

  patchedStatus.status.conditions.push({ type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from an e2e test' });
  const updatedStatus = (await h.api.put(`${path}/status`).send(patchedStatus).expect(200)).body;
  expect(updatedStatus.status.conditions).toHaveLength(patchedStatus.status.conditions.length);
  expect(updatedStatus.status.conditions.at(-1).type).toBe('StatusUpdate');

  await h.api.delete(path).expect(200);
  await h.api.get(path).expect(404);
  expect((await h.api.get(`${CSRS}?${bySigner}`).expect(200)).body.items).toHaveLength(2);

  await h.api.delete(`${CSRS}?${bySigner}`).expect(200);
  expect((await h.api.get(`${CSRS}?${bySigner}`).expect(200)).body.items).toHaveLength(0);
});
