// Which bindings apply to a user: pkg/registry/rbac/validation/rule_test.go's TestAppliesTo and TestDefaultRuleResolver
// cases, checked on the plain scan (appliesToUser) and on the subject index, which must agree with it.
import { firstApplyingSubject } from '../../src/authorization/rbac/subjects.js';
import { bindingsFor } from '../../src/authorization/rbac/subject-index.js';
import { createRbacAuthorizer } from '../../src/authorization/rbac/authorizer.js';
import type { BindingObject, PolicyRule, Subject } from '../../src/authorization/rbac/types.js';
import type { UserInfo } from '../../src/machinery/api/user.js';

const G = 'rbac.authorization.k8s.io';
const U = (name: string): Subject => ({ kind: 'User', apiGroup: G, name });
const Gr = (name: string): Subject => ({ kind: 'Group', apiGroup: G, name });
const SA = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });
const user = (name: string, groups: string[] = []): UserInfo => ({ name, groups });

const appliesCases: { name: string; subjects: Subject[]; user: UserInfo; namespace?: string; applies: boolean }[] = [
  { name: 'single subject that matches username', subjects: [U('foobar')], user: user('foobar'), applies: true },
  { name: 'multiple subjects, one that matches username', subjects: [U('barfoo'), U('foobar')], user: user('foobar'), applies: true },
  { name: 'multiple subjects, none that match username', subjects: [U('barfoo'), U('foobar')], user: user('zimzam'), applies: false },
  {
    name: 'multiple subjects, one that match group',
    subjects: [U('barfoo'), Gr('foobar')],
    user: user('zimzam', ['foobar']),
    applies: true,
  },
  {
    name: 'multiple subjects, one that match group, should ignore namespace',
    subjects: [U('barfoo'), Gr('foobar')],
    user: user('zimzam', ['foobar']),
    namespace: 'namespace1',
    applies: true,
  },
  {
    name: 'multiple subjects with a service account that matches',
    subjects: [U('barfoo'), Gr('foobar'), SA('kube-system', 'default')],
    user: user('system:serviceaccount:kube-system:default'),
    namespace: 'default',
    applies: true,
  },
  { name: "* user subject name doesn't match all users", subjects: [U('*')], user: user('foobar'), namespace: 'default', applies: false },
  {
    name: 'binding to all authenticated and unauthenticated subjects matches authenticated user',
    subjects: [Gr('system:authenticated'), Gr('system:unauthenticated')],
    user: user('foobar', ['system:authenticated']),
    namespace: 'default',
    applies: true,
  },
  {
    name: 'binding to all authenticated and unauthenticated subjects matches anonymous user',
    subjects: [Gr('system:authenticated'), Gr('system:unauthenticated')],
    user: user('system:anonymous', ['system:unauthenticated']),
    namespace: 'default',
    applies: true,
  },
  {
    name: 'a service account in a ClusterRoleBinding needs its namespace',
    subjects: [{ kind: 'ServiceAccount', name: 'default' }],
    user: user('system:serviceaccount:default:default'),
    applies: false,
  },
];

test.each(appliesCases)('appliesTo: $name', ({ subjects, user: u, namespace, applies }) => {
  const b: BindingObject = {
    metadata: { name: 'b', ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'r' },
    subjects,
  };
  expect(firstApplyingSubject(u, b, namespace ?? '') >= 0).toBe(applies);
  expect(bindingsFor(u, [b], namespace ?? '').length).toBe(applies ? 1 : 0);
});

test('TestDefaultRuleResolver: the rules that apply by user and namespace', () => {
  const readPods: PolicyRule = { verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['pods'] };
  const readServices: PolicyRule = { verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['services'] };
  const admin: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
  const rb: BindingObject = {
    metadata: { name: 'rb', namespace: 'namespace1' },
    roleRef: { apiGroup: G, kind: 'Role', name: 'readthings' },
    subjects: [U('foobar'), Gr('group1')],
  };
  const crb: BindingObject = {
    metadata: { name: 'crb' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [U('admin'), Gr('admin')],
  };
  const a = createRbacAuthorizer({
    getRole: (ns, n) =>
      ns === 'namespace1' && n === 'readthings' ? { metadata: { name: n, namespace: ns }, rules: [readPods, readServices] } : undefined,
    getClusterRole: (n) => (n === 'cluster-admin' ? { metadata: { name: n }, rules: [admin] } : undefined),
    listRoleBindings: (ns) => (ns === 'namespace1' ? [rb] : []),
    listClusterRoleBindings: () => [crb],
  });
  const rules = (u: UserInfo, ns: string) => a.rulesFor(u, ns).resourceRules;
  expect(rules(user('foobar'), 'namespace1')).toEqual([readPods, readServices]);
  expect(rules(user('foobar'), 'namespace2')).toEqual([]);
  expect(rules(user('foobar', ['admin']), '')).toEqual([admin]);
  expect(rules(user(''), '')).toEqual([]);
});
