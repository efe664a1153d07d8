// Mirrors upstream's SubjectReview conformance test (test/e2e/auth/subjectreviews.go; conformance since v1.27, beyond
// the v1.26 list): a SubjectAccessReview and a LocalSubjectAccessReview for a ServiceAccount must answer what the
// same request, made impersonating the account, gets.
import { startHarness, type Harness } from '../harness.js';
import { testNamespace } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test('[sig-auth] SubjectReview should support SubjectReview API operations [Conformance]', async () => {
  const ns = await testNamespace(h, 'subjectreview');
  const sa = (
    await h.api
      .post(`/api/v1/namespaces/${ns}/serviceaccounts`)
      .send({ metadata: { name: 'e2e' } })
      .expect(201)
  ).body;
  const saUsername = `system:serviceaccount:${ns}:e2e`;
  const saGroups = ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${ns}`];
  const saUID = sa.metadata.uid as string;
  const resourceAttributes = { verb: 'list', resource: 'configmaps', namespace: ns, version: 'v1' };

  const sar = (
    await h.api
      .post('/apis/authorization.k8s.io/v1/subjectaccessreviews')
      .send({ spec: { resourceAttributes, user: saUsername, groups: saGroups, uid: saUID } })
      .expect(201)
  ).body;
  expect(typeof sar.status.allowed).toBe('boolean');

  // One Impersonate-Group header per group, as client-go sends them.
  const res = await h.api
    .get(`/api/v1/namespaces/${ns}/configmaps`)
    .set('Impersonate-User', saUsername)
    .set('Impersonate-Uid', saUID)
    .set('Impersonate-Group', saGroups as unknown as string);
  expect([200, 403]).toContain(res.status);
  const actuallyAllowed = res.status === 200;
  expect(actuallyAllowed).toBe(sar.status.allowed);

  // Upstream names the account by its short name here; the answer must still agree with the request's.
  const lsar = (
    await h.api
      .post(`/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`)
      .send({ metadata: { namespace: ns }, spec: { resourceAttributes, user: 'e2e', groups: saGroups, uid: saUID } })
      .expect(201)
  ).body;
  expect(lsar.status.allowed).toBe(actuallyAllowed);
});
