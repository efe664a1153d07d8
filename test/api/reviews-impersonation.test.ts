// SubjectAccessReview, LocalSubjectAccessReview and TokenReview through the HTTP API, and impersonation headers on it.
import type { IncomingMessage } from 'node:http';
import { startHarness, authenticate, type Harness } from './harness.js';
import { createTokenReviewer } from '../../src/api/token-review.js';

const SAR = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const LSAR = (ns: string) => `/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`;
const TOKENREVIEW = '/apis/authentication.k8s.io/v1/tokenreviews';
const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const API = ['https://kubernetes.default.svc.cluster.local'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // The harness's bearer tokens stand for the server's authenticators; "jwt.for.other" plays a service account token
  // good for the audience "other" only.
  h.service.reviewToken = createTokenReviewer({
    authenticate: (req: IncomingMessage) => authenticate(req),
    apiAudiences: API,
    verifyServiceAccountToken: async (token, audiences) =>
      token === 'jwt.for.other' && audiences.includes('other')
        ? {
            ok: true,
            user: { name: 'system:serviceaccount:default:x', uid: 'u1', groups: ['system:serviceaccounts', 'system:authenticated'] },
            claims: { aud: ['other'] } as never,
          }
        : { ok: false, reason: 'token audiences do not match' },
  });
});
afterAll(() => h.close());

const sar = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
const lsar = (ns: string, spec: Record<string, unknown>) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'LocalSubjectAccessReview',
  metadata: { namespace: ns },
  spec,
});

describe('SubjectAccessReview', () => {
  test('answers for the user and groups of the spec, not the caller', async () => {
    const viewer = await h.api
      .post(SAR)
      .send(
        sar({
          user: 'v',
          groups: ['dockube:viewers', 'system:authenticated'],
          resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' },
        }),
      )
      .expect(201);
    expect(viewer.body).toMatchObject({ kind: 'SubjectAccessReview', metadata: { creationTimestamp: null }, status: { allowed: true } });
    const denied = await h.api
      .post(SAR)
      .send(sar({ user: 'v', groups: ['dockube:viewers'], resourceAttributes: { verb: 'get', resource: 'secrets', namespace: 'default' } }))
      .expect(201);
    expect(denied.body.status.allowed).toBe(false);
    // The groups are exactly the spec's: a bare user has no system:authenticated.
    const nonResource = await h.api
      .post(SAR)
      .send(sar({ user: 'm', groups: ['system:masters'], nonResourceAttributes: { verb: 'get', path: '/metrics' } }))
      .expect(201);
    expect(nonResource.body.status.allowed).toBe(true);
  });

  test("upstream's validation", async () => {
    const noSubject = await h.api
      .post(SAR)
      .send(sar({ resourceAttributes: { verb: 'get', resource: 'pods' } }))
      .expect(422);
    expect(noSubject.body.message).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    );
    const neither = await h.api
      .post(SAR)
      .send(sar({ user: 'u' }))
      .expect(422);
    expect(neither.body.message).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    const both = await h.api
      .post(SAR)
      .send(sar({ user: 'u', resourceAttributes: { verb: 'get' }, nonResourceAttributes: { verb: 'get', path: '/x' } }))
      .expect(422);
    expect(both.body.message).toMatch(
      /spec\.nonResourceAttributes: Invalid value: .*: cannot be specified in combination with resourceAttributes$/,
    );
  });

  test('the viewer may not create one', async () => {
    const res = await h
      .as('viewer')
      .post(SAR)
      .send(sar({ user: 'u', resourceAttributes: { verb: 'get', resource: 'pods' } }))
      .expect(403);
    expect(res.body.message).toBe(
      'subjectaccessreviews.authorization.k8s.io is forbidden: User "dockube-viewer" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
    );
  });
});

describe('LocalSubjectAccessReview', () => {
  test('in its namespace, with metadata.namespace kept', async () => {
    const res = await h.api
      .post(LSAR('default'))
      .send(
        lsar('default', {
          user: 'v',
          groups: ['dockube:viewers', 'system:authenticated'],
          resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' },
        }),
      )
      .expect(201);
    expect(res.body).toMatchObject({ metadata: { namespace: 'default' }, status: { allowed: true } });
  });

  test('spec.resourceAttributes.namespace must match', async () => {
    const res = await h.api
      .post(LSAR('default'))
      .send(lsar('default', { user: 'v', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'kube-system' } }))
      .expect(400);
    expect(res.body.message).toBe('spec.resourceAttributes.namespace must match namespace: default');
  });
});

describe('TokenReview', () => {
  const review = (token: string, audiences?: string[]) => ({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, ...(audiences ? { audiences } : {}) },
  });

  test("a token the server's authenticators know: authenticated, the user, the API's audiences", async () => {
    const res = await h.api.post(TOKENREVIEW).send(review('viewer')).expect(201);
    expect(res.body.status).toEqual({
      authenticated: true,
      user: { username: 'dockube-viewer', groups: ['dockube:viewers', 'system:authenticated'] },
      audiences: API,
    });
  });

  test('garbage: not authenticated, invalid bearer token', async () => {
    const res = await h.api.post(TOKENREVIEW).send(review('garbage')).expect(201);
    expect(res.body.status).toEqual({ user: {}, error: 'invalid bearer token' });
  });

  test('other audiences: only tokens for them; static tokens do not count', async () => {
    const other = await h.api
      .post(TOKENREVIEW)
      .send(review('jwt.for.other', ['other']))
      .expect(201);
    expect(other.body.status).toMatchObject({
      authenticated: true,
      user: { username: 'system:serviceaccount:default:x', uid: 'u1' },
      audiences: ['other'],
    });
    const staticToken = await h.api
      .post(TOKENREVIEW)
      .send(review('viewer', ['other']))
      .expect(201);
    expect(staticToken.body.status.authenticated).toBeUndefined();
  });

  test('a token is required', async () => {
    const res = await h.api.post(TOKENREVIEW).send(review('')).expect(400);
    expect(res.body.message).toBe('token is required for TokenReview in authentication');
  });
});

describe('impersonation', () => {
  const whoami = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };

  test('the admin acts as bob in dev; whoami says so', async () => {
    const res = await h.api.post(WHOAMI).set('Impersonate-User', 'bob').set('Impersonate-Group', 'dev').send(whoami).expect(201);
    expect(res.body.status.userInfo).toEqual({ username: 'bob', groups: ['dev', 'system:authenticated'] });
  });

  test('a service account, with its groups', async () => {
    const res = await h.api.post(WHOAMI).set('Impersonate-User', 'system:serviceaccount:ns1:sa').send(whoami).expect(201);
    expect(res.body.status.userInfo.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']);
  });

  test('the impersonated user is what authorization sees', async () => {
    const res = await h.api
      .get('/api/v1/namespaces/default/secrets')
      .set('Impersonate-User', 'bob')
      .set('Impersonate-Group', 'dockube:viewers')
      .expect(403);
    expect(res.body.message).toBe(
      'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
    await h.api
      .get('/api/v1/namespaces/default/pods')
      .set('Impersonate-User', 'bob')
      .set('Impersonate-Group', 'dockube:viewers')
      .expect(200);
  });

  test('the viewer may not impersonate', async () => {
    const res = await h.as('viewer').get('/api/v1/namespaces/default/pods').set('Impersonate-User', 'bob').expect(403);
    expect(res.body.message).toBe(
      'users "bob" is forbidden: User "dockube-viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  test('a group without a user', async () => {
    const res = await h.api.get('/api/v1/namespaces/default/pods').set('Impersonate-Group', 'dev').expect(500);
    expect(res.body.message).toMatch(/without impersonating a user$/);
  });
});
