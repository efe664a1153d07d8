// The RBAC authorizer's source kept from the watch cache (src/server/rbac-source.ts): what is stored shows up, changes
// and deletions follow, a namespace's bindings are one array until they change (the subject index is built per array),
// and the authorizer over it allows once a binding is written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { WatchCache } from '../../src/storage/cacher/watch-cache.js';
import { createRbacCache } from '../../src/server/rbac-source.js';
import { createRbacAuthorizer } from '../../src/authorization/rbac/authorizer.js';
import { until } from '../support/until.js';

const G = 'rbac.authorization.k8s.io';
/** Until the expectations in `check` hold (the source follows the store asynchronously). */
const eventually = (check: () => void) =>
  until(async () => {
    check();
    return true;
  });
const key = (plural: string, ns: string | undefined, name: string) => `/registry/${G}/${plural}/${ns ? `${ns}/` : ''}${name}`;
const binding = (name: string, ns: string | undefined, role: [string, string], user: string) => ({
  apiVersion: `${G}/v1`,
  kind: ns ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  roleRef: { apiGroup: G, kind: role[0], name: role[1] },
  subjects: [{ kind: 'User', apiGroup: G, name: user }],
});

let dir: string;
let store: SqliteStore;
let cache: WatchCache;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rbac-source-'));
  store = new SqliteStore(join(dir, 'state.db'));
  cache = new WatchCache(store);
});
afterEach(async () => {
  cache.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the first list, then every change, reaches the source', async () => {
  await store.create(key('roles', 'dev', 'reader'), {
    apiVersion: `${G}/v1`,
    kind: 'Role',
    metadata: { name: 'reader', namespace: 'dev' },
    rules: [],
  });
  await store.create(key('rolebindings', 'dev', 'a'), binding('a', 'dev', ['Role', 'reader'], 'ann'));
  const rbac = createRbacCache();
  await rbac.start(cache);
  const src = rbac.source;
  expect(src.getRole('dev', 'reader')?.metadata.name).toBe('reader');
  expect(src.getClusterRole('reader')).toBeUndefined();
  const first = src.listRoleBindings('dev');
  expect(first.map((b) => b.metadata.name)).toEqual(['a']);
  expect(src.listRoleBindings('dev')).toBe(first);
  expect(src.listRoleBindings('other')).toEqual([]);

  await store.create(key('clusterroles', undefined, 'viewer'), {
    apiVersion: `${G}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'viewer' },
    rules: [],
  });
  await store.create(key('clusterrolebindings', undefined, 'v'), binding('v', undefined, ['ClusterRole', 'viewer'], 'bob'));
  await store.create(key('rolebindings', 'dev', 'b'), binding('b', 'dev', ['Role', 'reader'], 'bob'));
  await eventually(() => expect(src.listRoleBindings('dev').map((b) => b.metadata.name)).toEqual(['a', 'b']));
  expect(src.listRoleBindings('dev')).not.toBe(first);
  expect(src.getClusterRole('viewer')?.metadata.name).toBe('viewer');
  expect(src.listClusterRoleBindings().map((b) => b.metadata.name)).toEqual(['v']);

  await store.delete(key('rolebindings', 'dev', 'a'));
  await eventually(() => expect(src.listRoleBindings('dev').map((b) => b.metadata.name)).toEqual(['b']));
  // Asking about namespaces that hold nothing keeps nothing (requests may name any namespace).
  expect(src.listRoleBindings('nowhere-1')).toBe(src.listRoleBindings('nowhere-2'));
  rbac.stop();
});

test('the authorizer over it allows once a binding is written, and stops once it is deleted', async () => {
  const rbac = createRbacCache();
  await rbac.start(cache);
  const authz = createRbacAuthorizer(rbac.source);
  const ann = { name: 'ann', groups: ['system:authenticated'] };
  const attrs = { verb: 'get', resourceRequest: true, apiGroup: '', resource: 'pods', namespace: 'dev' };
  expect(authz.authorize(ann, attrs).allowed).toBe(false);
  await store.create(key('roles', 'dev', 'reader'), {
    apiVersion: `${G}/v1`,
    kind: 'Role',
    metadata: { name: 'reader', namespace: 'dev' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  });
  await store.create(key('rolebindings', 'dev', 'a'), binding('a', 'dev', ['Role', 'reader'], 'ann'));
  await eventually(() => expect(authz.authorize(ann, attrs).allowed).toBe(true));
  await store.delete(key('roles', 'dev', 'reader'));
  await eventually(() =>
    expect(authz.authorize(ann, attrs)).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "reader" not found' }),
  );
  rbac.stop();
});
