import type { IncomingMessage } from 'node:http';
import type { Pki } from '../../src/pki/certs.js';
import { ADMIN_USER, ANONYMOUS_USER, MONITORING_USER, VIEWER_USER, bearerToken, createAuthenticator } from '../../src/api/auth.js';
import { forbiddenError, forbiddenMessage, type RequestAttributes } from '../../src/authorization/authorizer.js';
import { staticPolicyAuthorizer } from '../support/static-policy.js';

const { authorize } = staticPolicyAuthorizer(() => []);
import type { UserInfo } from '../../src/machinery/api/user.js';

const authed = (u: UserInfo): UserInfo => ({ ...u, groups: [...u.groups, 'system:authenticated'] });
const admin = authed(ADMIN_USER);
const viewer = authed(VIEWER_USER);
const other = authed({ name: 'bob', groups: [] });
const res = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  resourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource,
  namespace: 'default',
  ...extra,
});
const path = (p: string, verb = 'get'): RequestAttributes => ({ verb, resourceRequest: false, path: p });

test('system:masters may do anything', () => {
  for (const a of [
    res('create', 'pods'),
    res('delete', 'secrets'),
    res('create', 'pods', { subresource: 'exec' }),
    path('/metrics'),
    path('/logs', 'post'),
  ]) {
    expect(authorize(admin, a).allowed).toBe(true);
  }
});

test('viewers read everything but secrets, and change nothing', () => {
  for (const verb of ['get', 'list', 'watch']) expect(authorize(viewer, res(verb, 'deployments', { apiGroup: 'apps' })).allowed).toBe(true);
  expect(authorize(viewer, res('get', 'pods', { subresource: 'log', name: 'p' })).allowed).toBe(true);
  for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection'])
    expect(authorize(viewer, res(verb, 'pods')).allowed).toBe(false);
  expect(authorize(viewer, res('create', 'pods', { subresource: 'exec', name: 'p' })).allowed).toBe(false);
  expect(authorize(viewer, res('get', 'secrets', { name: 's' })).allowed).toBe(false);
  expect(authorize(viewer, res('list', 'secrets')).allowed).toBe(false);
});

test('every authenticated user may discover and review itself; anonymous only health and version', () => {
  for (const u of [viewer, other]) {
    for (const p of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/openapi/v3', '/version', '/readyz'])
      expect(authorize(u, path(p)).allowed).toBe(true);
    expect(authorize(u, path('/metrics')).allowed).toBe(false);
    expect(authorize(u, path('/api', 'post')).allowed).toBe(false);
    expect(
      authorize(u, res('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io', namespace: undefined })).allowed,
    ).toBe(true);
    expect(authorize(u, res('create', 'selfsubjectreviews', { apiGroup: 'authentication.k8s.io', namespace: undefined })).allowed).toBe(
      true,
    );
  }
  expect(authorize(other, res('get', 'pods')).allowed).toBe(false);
  for (const p of ['/healthz', '/livez/ping', '/readyz', '/version']) expect(authorize(ANONYMOUS_USER, path(p)).allowed).toBe(true);
  for (const p of ['/api', '/apis', '/openapi/v2']) expect(authorize(ANONYMOUS_USER, path(p)).allowed).toBe(false);
  expect(authorize(ANONYMOUS_USER, res('get', 'pods')).allowed).toBe(false);
  expect(authorize(ANONYMOUS_USER, res('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' })).allowed).toBe(false);
});

test('only system:masters and the system:monitoring group may GET /metrics; monitoring reads nothing else', () => {
  const monitoring = authed(MONITORING_USER);
  for (const p of ['/metrics', '/metrics/slis', '/livez', '/readyz/ping', '/healthz'])
    expect(authorize(monitoring, path(p)).allowed).toBe(true);
  expect(authorize(monitoring, path('/metrics', 'post')).allowed).toBe(false);
  expect(authorize(monitoring, path('/metricsx')).allowed).toBe(false);
  expect(authorize(monitoring, res('get', 'pods')).allowed).toBe(false);
  const sa = authed({
    name: 'system:serviceaccount:default:default',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default'],
  });
  for (const u of [sa, viewer, ANONYMOUS_USER]) expect(authorize(u, path('/metrics')).allowed).toBe(false);
});

test('Forbidden messages as the apiserver words them', () => {
  expect(forbiddenError(viewer, res('create', 'pods')).toStatus()).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: 'Forbidden',
    code: 403,
    message: 'pods is forbidden: User "dockube-viewer" cannot create resource "pods" in API group "" in the namespace "default"',
    details: { kind: 'pods' },
  });
  expect(forbiddenError(viewer, res('delete', 'deployments', { apiGroup: 'apps', name: 'web' })).toStatus()).toMatchObject({
    message:
      'deployments.apps "web" is forbidden: User "dockube-viewer" cannot delete resource "deployments" in API group "apps" in the namespace "default"',
    details: { name: 'web', group: 'apps', kind: 'deployments' },
  });
  expect(forbiddenError(viewer, res('create', 'pods', { subresource: 'exec', name: 'p' })).message).toBe(
    'pods "p" is forbidden: User "dockube-viewer" cannot create resource "pods/exec" in API group "" in the namespace "default"',
  );
  expect(forbiddenError(viewer, res('list', 'nodes', { namespace: undefined })).message).toBe(
    'nodes is forbidden: User "dockube-viewer" cannot list resource "nodes" in API group "" at the cluster scope',
  );
  const np = forbiddenError(ANONYMOUS_USER, path('/api'));
  expect(np.message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
  expect(np.toStatus().details).toEqual({});
  expect(forbiddenError(viewer, res('get', 'secrets', { name: 's' }), 'no RBAC policy matched').message).toBe(
    'secrets "s" is forbidden: User "dockube-viewer" cannot get resource "secrets" in API group "" in the namespace "default": no RBAC policy matched',
  );
  expect(forbiddenMessage(viewer, path('/<x>&'))).toBe('User "dockube-viewer" cannot get path "/<x>&"');
  expect(forbiddenError(viewer, path('/<x>&')).message).toBe('forbidden: User "dockube-viewer" cannot get path "/&lt;x&gt;&amp;"');
});

describe('bearer tokens outside TLS details', () => {
  const pki = {
    tokens: { admin: 'admin-token-0123456789abcdef', viewer: 'viewer-token-0123456789abcdef', monitoring: 'monitoring-token-0123456789' },
  } as Pki;
  const authenticator = createAuthenticator(pki);
  // Static tokens are answered synchronously (only service account tokens need a lookup).
  const authenticate = (r: IncomingMessage): UserInfo | undefined => {
    const user = authenticator(r);
    if (user instanceof Promise) throw new Error('a static token was not answered synchronously');
    return user;
  };
  const req = (headers: Record<string, string>) => ({ headers, socket: {} }) as unknown as IncomingMessage;

  test('scheme is case-insensitive, the token exact', () => {
    expect(authenticate(req({ authorization: 'bearer admin-token-0123456789abcdef' }))?.name).toBe('dockube-admin');
    expect(authenticate(req({ authorization: 'Bearer  viewer-token-0123456789abcdef ' }))?.name).toBe('dockube-viewer');
    expect(authenticate(req({ authorization: 'Bearer ADMIN-token-0123456789abcdef' }))).toBeUndefined();
    expect(authenticate(req({ authorization: 'Basic YWRtaW46eA==' }))).toBeUndefined();
    expect(authenticate(req({}))).toBeUndefined();
  });

  test('the WebSocket subprotocol form', () => {
    const proto = `base64url.bearer.authorization.k8s.io.${Buffer.from(pki.tokens.viewer).toString('base64url')}`;
    const r = req({ 'sec-websocket-protocol': `v5.channel.k8s.io, ${proto}` });
    expect(bearerToken(r)).toBe(pki.tokens.viewer);
    expect(authenticate(r)).toEqual({ name: 'dockube-viewer', groups: ['dockube:viewers', 'system:authenticated'] });
  });
});
