// Reconciliation of the bootstrap policy as pkg/registry/rbac/reconciliation does it with the union options the
// bootstrap hook uses: missing rules, selectors, subjects, labels and annotations are added; what users added stays;
// autoupdate=false protects; a binding whose roleRef changed is recreated.
import { reconcileBinding, reconcileRole } from '../../src/authorization/bootstrap/reconcile.js';
import { clusterBinding, clusterRole, group, rule, user } from '../../src/authorization/bootstrap/objects.js';
import { breakdownRule, covers } from '../../src/authorization/bootstrap/covers.js';

const expected = clusterRole('system:test', [rule('get list', [''], 'pods'), rule('create', ['apps'], 'deployments')]);
const stored = <T extends { metadata: object }>(o: T): T => structuredClone({ ...o, metadata: { ...o.metadata, resourceVersion: '7' } });

test('a missing role is created as expected; an unchanged one needs nothing', () => {
  expect(reconcileRole(undefined, expected)).toMatchObject({ operation: 'create', object: expected });
  expect(reconcileRole(stored(expected), expected).operation).toBe('none');
});

test('a deleted rule comes back as the missing pieces, after the rules a user added', () => {
  const existing = stored(expected);
  existing.rules = [rule('get', [''], 'pods'), rule('get', [''], 'secrets')];
  const r = reconcileRole(existing, expected);
  expect(r.operation).toBe('update');
  expect(r.protectedObject).toBe(false);
  expect(r.object.rules).toEqual([
    rule('get', [''], 'pods'),
    rule('get', [''], 'secrets'),
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['create'], apiGroups: ['apps'], resources: ['deployments'] },
  ]);
  expect(r.object.metadata.resourceVersion).toBe('7');
});

test('autoupdate=false: reported as protected, and the caller leaves it alone', () => {
  const existing = stored(expected);
  existing.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
  existing.rules = [rule('get', [''], 'configmaps')];
  const r = reconcileRole(existing, expected);
  expect(r).toMatchObject({ operation: 'update', protectedObject: true });
  // The user's annotation wins over the expected one.
  expect(r.object.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'false' });
});

test('labels the user added stay and missing ones are added; a wildcard rule already covers its pieces', () => {
  const existing = stored(expected);
  existing.metadata.labels = { team: 'a' };
  existing.rules = [rule('*', ['*'], '*')];
  const r = reconcileRole(existing, expected);
  expect(r.operation).toBe('update');
  expect(r.object.metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults', team: 'a' });
  expect(r.object.rules).toEqual([rule('*', ['*'], '*')]);
});

test('aggregation selectors: missing ones appended, the aggregated rules themselves not compared', () => {
  const agg = clusterRole('edit', [], { aggregateFrom: 'rbac.authorization.k8s.io/aggregate-to-edit' });
  const existing = stored(agg);
  existing.rules = [rule('get', [''], 'pods')];
  expect(reconcileRole(existing, agg).operation).toBe('none');
  existing.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { mine: 'true' } }] };
  const r = reconcileRole(existing, agg);
  expect(r.operation).toBe('update');
  expect(r.object.aggregationRule!.clusterRoleSelectors).toEqual([
    { matchLabels: { mine: 'true' } },
    { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
  ]);
  expect(r.object.rules).toEqual([rule('get', [''], 'pods')]);
});

test('bindings: missing subjects added after the user-added ones; a changed roleRef is recreated', () => {
  const b = clusterBinding('system:basic-user', [group('system:authenticated')]);
  expect(reconcileBinding(stored(b), b).operation).toBe('none');
  const existing = stored(b);
  existing.subjects = [user('alice')];
  const r = reconcileBinding(existing, b);
  expect(r.operation).toBe('update');
  expect(r.object.subjects).toEqual([user('alice'), group('system:authenticated')]);
  const moved = stored(b);
  moved.roleRef = { ...moved.roleRef, name: 'view' };
  expect(reconcileBinding(moved, b)).toMatchObject({ operation: 'recreate', object: b });
});

test('Covers: pieces, resource names, subresource and URL wildcards', () => {
  expect(breakdownRule(rule('get list', ['', 'apps'], 'pods'))).toHaveLength(4);
  expect(covers([rule('get', [''], 'pods/*')], [rule('get', [''], 'pods/log')]).covered).toBe(true);
  expect(covers([rule('get', ['*'], '*/scale')], [rule('get', ['apps'], 'deployments/scale')]).covered).toBe(true);
  expect(covers([rule('get', [''], 'pods', ['a'])], [rule('get', [''], 'pods')]).covered).toBe(false);
  expect(covers([rule('get', [''], 'pods')], [rule('get', [''], 'pods', ['a'])]).covered).toBe(true);
  expect(
    covers([{ verbs: ['get'], nonResourceURLs: ['/healthz/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] }]).covered,
  ).toBe(true);
  expect(
    covers([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] }]).covered,
  ).toBe(false);
});

test('Covers: a rule held as it is (fields in any order) is covered whole; one differing in a name is broken down', () => {
  const held = { resourceNames: ['a'], resources: ['pods'], apiGroups: [''], verbs: ['get', 'list'] };
  expect(covers([held], [rule('get list', [''], 'pods', ['a'])])).toEqual({ covered: true, uncovered: [] });
  // Not held as it is: the pieces the owner lacks come back, the others are covered.
  expect(covers([held], [rule('get', [''], 'pods', ['a', 'b'])]).uncovered).toEqual([
    { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['b'] },
  ]);
});
