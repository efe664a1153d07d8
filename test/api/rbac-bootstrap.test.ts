// The bootstrap RBAC policy reconciled through the API as the apiserver's loopback user, then judged by the RBAC
// authorizer (masters first, as the server chains it): created whole on a fresh store, nothing to do the second
// time, deleted rules put back in autoupdate=true roles, user changes kept in autoupdate=false ones, and the
// aggregation controller filling admin/edit/view (a user ClusterRole labelled aggregate-to-edit shows up in edit).
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { APISERVER_USER, reconcileRbacPolicy } from '../../src/server/rbac-bootstrap.js';
import { startClusterRoleAggregation } from '../../src/reconcilers/clusterrole-aggregation/controller.js';
import { createRbacCache, type RbacCache } from '../../src/server/rbac-source.js';
import { createRbacAuthorizer } from '../../src/authorization/rbac/authorizer.js';
import { authorizationChain } from '../../src/authorization/union.js';
import { controllerIdentity, KUBE_PROXY, KUBE_SCHEDULER } from '../../src/client/identities.js';
import type { Authorizer, RequestAttributes } from '../../src/authorization/types.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import type { Client } from '../../src/client/types.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import { until } from '../support/until.js';

const G = 'rbac.authorization.k8s.io';
const CLUSTER_ROLES = { group: G, version: 'v1', resource: 'clusterroles' };
const log = pino({ level: 'silent' });

let h: Harness;
let cache: RbacCache;
let authz: Authorizer;
let client: Client;
let aggregation: Controller;
beforeAll(async () => {
  h = await startHarness();
  cache = createRbacCache();
  await cache.start(h.service.cache);
  authz = authorizationChain({ rbac: createRbacAuthorizer(cache.source) });
  const ctx = makeContext(h.service, log);
  client = ctx.client(APISERVER_USER);
  const first = await reconcileRbacPolicy(client);
  expect(first.created).toBeGreaterThan(60);
  aggregation = await startClusterRoleAggregation(ctx);
});
afterAll(async () => {
  aggregation.stop();
  cache.stop();
  await h.close();
});

const res = (
  verb: string,
  group: string,
  resource: string,
  namespace?: string,
  extra: Partial<RequestAttributes> = {},
): RequestAttributes => ({
  verb,
  resourceRequest: true,
  apiGroup: group,
  resource,
  ...(namespace ? { namespace } : {}),
  ...extra,
});
const can = (user: UserInfo, a: RequestAttributes) => authz.authorize(user, a).allowed;
const authed = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const has = (rules: unknown[], r: unknown) => rules.some((x) => JSON.stringify(x) === JSON.stringify(r));
const rulesOf = async (name: string) => ((await client.get(CLUSTER_ROLES, undefined, name)) as { rules?: unknown[] }).rules ?? [];

test('a second start has nothing to do', async () => {
  expect(await reconcileRbacPolicy(client)).toEqual({ created: 0, updated: 0, skipped: [] });
});

test('the aggregation controller fills view, edit and admin; the viewer reads pods but not secrets', async () => {
  await until(async () => (await rulesOf('admin')).length > 10);
  const viewer = authed('dockube-viewer', 'dockube:viewers');
  expect(can(viewer, res('list', '', 'pods', 'default'))).toBe(true);
  expect(can(viewer, res('list', 'apps', 'deployments'))).toBe(true);
  expect(can(viewer, res('get', '', 'secrets', 'default'))).toBe(false);
  expect(can(viewer, res('create', '', 'pods', 'default'))).toBe(false);
});

test('a new service account can do nothing but discovery and self reviews', () => {
  const sa = authed('system:serviceaccount:default:x', 'system:serviceaccounts', 'system:serviceaccounts:default');
  expect(can(sa, res('list', '', 'pods', 'default'))).toBe(false);
  expect(can(sa, res('create', 'authorization.k8s.io', 'selfsubjectaccessreviews'))).toBe(true);
  expect(can(sa, { verb: 'get', resourceRequest: false, path: '/apis' })).toBe(true);
  expect(can(sa, { verb: 'get', resourceRequest: false, path: '/metrics' })).toBe(false);
  expect(can(authed('dockube-monitoring', 'system:monitoring'), { verb: 'get', resourceRequest: false, path: '/metrics' })).toBe(true);
});

test('each component may do what its upstream role gives it, and no more', () => {
  const rs = controllerIdentity('replicaset-controller');
  expect(can(rs, res('create', '', 'pods', 'default'))).toBe(true);
  expect(can(rs, res('update', 'apps', 'replicasets', 'default', { subresource: 'status' }))).toBe(true);
  expect(can(rs, res('get', '', 'secrets', 'default'))).toBe(false);
  expect(can(rs, res('create', 'apps', 'deployments', 'default'))).toBe(false);
  expect(can(controllerIdentity('deployment-controller'), res('update', 'apps', 'deployments', 'default'))).toBe(true);
  expect(can(controllerIdentity('deployment-controller'), res('patch', 'apps', 'deployments', 'default'))).toBe(false);
  expect(can(controllerIdentity('generic-garbage-collector'), res('delete', 'apps', 'replicasets', 'default'))).toBe(true);
  expect(can(KUBE_SCHEDULER, res('create', '', 'pods', 'default', { subresource: 'binding' }))).toBe(true);
  expect(can(KUBE_SCHEDULER, res('get', '', 'secrets', 'default'))).toBe(false);
  expect(can(KUBE_PROXY, res('watch', 'discovery.k8s.io', 'endpointslices'))).toBe(true);
  expect(can(KUBE_PROXY, res('list', '', 'pods'))).toBe(false);
  expect(can(controllerIdentity('coredns'), res('patch', '', 'services', 'kube-system', { name: 'kube-dns' }))).toBe(true);
  expect(can(controllerIdentity('coredns'), res('patch', '', 'services', 'kube-system', { name: 'other' }))).toBe(false);
});

test('a ClusterRole labelled aggregate-to-edit shows up in edit and admin, and leaves them when unlabelled', async () => {
  const crontabs = { apiGroups: ['stable.example.com'], resources: ['crontabs'], verbs: ['get', 'list', 'create'] };
  const created = await client.create(CLUSTER_ROLES, undefined, {
    apiVersion: `${G}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'crontab-editor', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
    rules: [crontabs],
  });
  await until(async () => has(await rulesOf('edit'), crontabs));
  await until(async () => has(await rulesOf('admin'), crontabs));
  expect(has(await rulesOf('view'), crontabs)).toBe(false);
  await client.update(CLUSTER_ROLES, undefined, { ...created, metadata: { ...created.metadata, labels: {} } });
  await until(async () => !has(await rulesOf('edit'), crontabs));
});

test('restart: a deleted rule of an autoupdate=true role comes back; an autoupdate=false role keeps its user rule', async () => {
  const basic = await client.get(CLUSTER_ROLES, undefined, 'system:basic-user');
  await client.update(CLUSTER_ROLES, undefined, { ...basic, rules: [] });
  const disc = await client.get(CLUSTER_ROLES, undefined, 'system:discovery');
  const extra = { nonResourceURLs: ['/extra'], verbs: ['get'] };
  await client.update(CLUSTER_ROLES, undefined, {
    ...disc,
    metadata: { ...disc.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } },
    rules: [extra],
  });
  const again = await reconcileRbacPolicy(client);
  expect(again.skipped).toEqual(['clusterroles/system:discovery']);
  expect(again.updated).toBe(1);
  expect(await rulesOf('system:basic-user')).toEqual(
    expect.arrayContaining([expect.objectContaining({ resources: ['selfsubjectaccessreviews'], verbs: ['create'] })]),
  );
  expect(await rulesOf('system:discovery')).toEqual([extra]);
});
