// Escalation prevention (pkg/registry/rbac/validation: Covers, CompactRules, ConfirmNoEscalation's message;
// escalation_check.go: escalate and bind), against cases from policy_comparator_test.go and the RBAC docs.
import { covers, escalationRefusal, compactRules, compactString } from '../../src/authorization/rbac/covers.js';
import {
  bindingAuthorized,
  confirmNoEscalation,
  escalationAllowed,
  roleEscalationAuthorized,
} from '../../src/authorization/rbac/escalation.js';
import { createRbacAuthorizer } from '../../src/authorization/rbac/authorizer.js';
import type { PolicyRule, RbacSource } from '../../src/authorization/rbac/types.js';

const coverCases: { name: string; owner: PolicyRule[]; servant: PolicyRule[]; covered: boolean; missing?: PolicyRule[] }[] = [
  {
    name: 'exact match',
    owner: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
    servant: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    covered: true,
  },
  {
    name: 'star verb, group and resource cover anything',
    owner: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    servant: [{ verbs: ['delete', 'escalate'], apiGroups: ['apps', ''], resources: ['deployments', 'pods/exec'] }],
    covered: true,
  },
  {
    name: 'missing verb is reported broken down',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    servant: [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }],
    covered: false,
    missing: [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }],
  },
  {
    name: 'star-slash subresource covers that subresource of every resource',
    owner: [{ verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }],
    servant: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale', 'deployments'] }],
    covered: false,
    missing: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }],
  },
  {
    name: 'resourceNames: an owner limited to names does not cover the unlimited rule',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }],
    servant: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
    covered: false,
  },
  {
    name: 'resourceNames: an unlimited owner covers named rules; named owner covers its names',
    owner: [
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'] },
      { verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] },
    ],
    servant: [
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['x'] },
      { verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['b'] },
    ],
    covered: true,
  },
  {
    name: 'non-resource URLs with a trailing star',
    owner: [{ verbs: ['get'], nonResourceURLs: ['/healthz/*', '/version'] }],
    servant: [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd', '/version', '/metrics'] }],
    covered: false,
    missing: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }],
  },
];

test.each(coverCases)('covers: $name', ({ owner, servant, covered, missing }) => {
  const got = covers(owner, servant);
  expect(got.covered).toBe(covered);
  if (missing) expect(got.missing).toEqual(missing);
});

test('compact rules and their strings are written as Go prints them', () => {
  const missing = [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], nonResourceURLs: ['/metrics'] },
  ];
  expect(compactRules(missing).map(compactString)).toEqual([
    '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
  ]);
  expect(compactString({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] })).toBe(
    '{APIGroups:[""], Resources:["secrets"], ResourceNames:["a"], Verbs:["get"]}',
  );
});

test('the refusal reads as ConfirmNoEscalation words it, missing rules sorted', () => {
  expect(
    escalationRefusal(
      { name: 'bob', groups: ['dev', 'system:authenticated'] },
      [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      [{ verbs: ['get', 'create'], apiGroups: ['', 'apps'], resources: ['pods'] }],
    ),
  ).toBe(
    'user "bob" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["create"]}\n' +
      '{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "create"]}',
  );
  expect(
    escalationRefusal(
      { name: 'bob', groups: [] },
      [],
      [{ verbs: ['get'], nonResourceURLs: ['/x'] }],
      'role.rbac.authorization.k8s.io "m" not found',
    ),
  ).toMatch(/\n\{NonResourceURLs:\["\/x"\], Verbs:\["get"\]\}; resolution errors: \[role.rbac.authorization.k8s.io "m" not found\]$/);
});

describe('escalate and bind', () => {
  const G = 'rbac.authorization.k8s.io';
  const src: RbacSource = {
    getRole: () => undefined,
    getClusterRole: (n) =>
      ({
        'role-admin': { metadata: { name: n }, rules: [{ verbs: ['escalate', 'create', 'update'], apiGroups: [G], resources: ['roles'] }] },
        binder: {
          metadata: { name: n },
          rules: [{ verbs: ['bind'], apiGroups: [G], resources: ['clusterroles'], resourceNames: ['view'] }],
        },
        reader: { metadata: { name: n }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] },
      })[n],
    listRoleBindings: (ns) =>
      ns === 'dev'
        ? [
            {
              metadata: { name: 'rb', namespace: 'dev' },
              roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'role-admin' },
              subjects: [{ kind: 'User', name: 'esc' }],
            },
          ]
        : [],
    listClusterRoleBindings: () => [
      {
        metadata: { name: 'b' },
        roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'binder' },
        subjects: [{ kind: 'User', name: 'binder' }],
      },
      {
        metadata: { name: 'r' },
        roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'reader' },
        subjects: [{ kind: 'User', name: 'reader' }],
      },
    ],
  };
  const a = createRbacAuthorizer(src);
  const user = (name: string, ...groups: string[]) => ({ name, groups });

  test('system:masters may always escalate', () => {
    expect(escalationAllowed(user('x', 'system:masters'))).toBe(true);
    expect(escalationAllowed(user('x', 'system:authenticated'))).toBe(false);
  });
  test('escalate on roles in a namespace', () => {
    expect(roleEscalationAuthorized(a, user('esc'), { resource: 'roles', namespace: 'dev', name: '' })).toBe(true);
    expect(roleEscalationAuthorized(a, user('esc'), { resource: 'roles', namespace: 'prod', name: '' })).toBe(false);
    expect(roleEscalationAuthorized(a, user('esc'), { resource: 'clusterroles' })).toBe(false);
  });
  test('bind on one named ClusterRole, in any namespace of a RoleBinding and for a ClusterRoleBinding', () => {
    expect(bindingAuthorized(a, user('binder'), { apiGroup: G, kind: 'ClusterRole', name: 'view' }, 'dev')).toBe(true);
    expect(bindingAuthorized(a, user('binder'), { apiGroup: G, kind: 'ClusterRole', name: 'view' }, '')).toBe(true);
    expect(bindingAuthorized(a, user('binder'), { apiGroup: G, kind: 'ClusterRole', name: 'edit' }, 'dev')).toBe(false);
    expect(bindingAuthorized(a, user('binder'), { apiGroup: G, kind: 'Role', name: 'view' }, 'dev')).toBe(false);
  });
  test('confirmNoEscalation: held rules cover, or the refusal', () => {
    expect(confirmNoEscalation(a, user('reader'), 'any', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])).toBeUndefined();
    expect(confirmNoEscalation(a, user('reader'), 'any', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])).toBe(
      'user "reader" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    );
  });
});
