// The RBAC authorizer over an in-memory RbacSource: subjects (User, Group, ServiceAccount with upstream's namespace
// defaulting), RoleBindings to Roles and ClusterRoles, the allow reason's words, rulesFor with unresolved roles, the
// subject index (same answers with thousands of unrelated bindings), and the union with system:masters.
import { createRbacAuthorizer } from '../../src/authorization/rbac/authorizer.js';
import { privilegedGroupAuthorizer, unionAuthorizer } from '../../src/authorization/union.js';
import type { Authorizer, RequestAttributes } from '../../src/authorization/types.js';
import type { BindingObject, RbacSource, RoleObject, Subject } from '../../src/authorization/rbac/types.js';
import type { UserInfo } from '../../src/machinery/api/user.js';

const G = 'rbac.authorization.k8s.io';
const role = (name: string, namespace: string | undefined, rules: RoleObject['rules']): RoleObject => ({
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules,
});
const binding = (name: string, namespace: string | undefined, ref: [string, string], subjects: Subject[]): BindingObject => ({
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: G, kind: ref[0], name: ref[1] },
  subjects,
});
const user = (name: string): Subject => ({ kind: 'User', apiGroup: G, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: G, name });
const sa = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

function source(objs: {
  roles?: RoleObject[];
  clusterRoles?: RoleObject[];
  bindings?: BindingObject[];
  clusterBindings?: BindingObject[];
}): RbacSource {
  const byNs = new Map<string, BindingObject[]>();
  for (const b of objs.bindings ?? []) byNs.set(b.metadata.namespace!, [...(byNs.get(b.metadata.namespace!) ?? []), b]);
  const crbs = objs.clusterBindings ?? [];
  return {
    getRole: (ns, n) => objs.roles?.find((r) => r.metadata.namespace === ns && r.metadata.name === n),
    getClusterRole: (n) => objs.clusterRoles?.find((r) => r.metadata.name === n),
    listRoleBindings: (ns) => byNs.get(ns) ?? [],
    listClusterRoleBindings: () => crbs,
  };
}

const u = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const saUser = (ns: string, name: string) =>
  u(`system:serviceaccount:${ns}:${name}`, 'system:serviceaccounts', `system:serviceaccounts:${ns}`);
const res = (verb: string, resource: string, namespace?: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource,
  namespace,
  ...extra,
});

describe('upstream TestAuthorizer cases', () => {
  test('a ClusterRole bound by a RoleBinding grants in that namespace only, to its users and groups', () => {
    const a = createRbacAuthorizer(
      source({
        clusterRoles: [role('admin', undefined, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])],
        bindings: [binding('b', 'ns1', ['ClusterRole', 'admin'], [user('admin'), group('admins')])],
      }),
    );
    for (const [who, verb, r] of [
      [u('admin'), 'get', 'Pods'],
      [u('admin'), 'watch', 'Pods'],
      [u('admin', 'group1'), 'watch', 'Foobar'],
      [u('joe', 'admins'), 'watch', 'Foobar'],
      [u('joe', 'group1', 'admins'), 'watch', 'Foobar'],
    ] as const)
      expect(a.authorize(who, res(verb, r, 'ns1')).allowed).toBe(true);
    for (const [who, ns, r] of [
      [u('admin'), 'ns2', 'Pods'],
      [u('admin'), undefined, 'Nodes'],
      [u('admin', 'admins'), 'ns2', 'Pods'],
      [u('admin', 'admins'), undefined, 'Nodes'],
    ] as const)
      expect(a.authorize(who, res('get', r, ns)).allowed).toBe(false);
  });

  test('non-resource URLs through ClusterRoleBindings', () => {
    const a = createRbacAuthorizer(
      source({
        clusterRoles: [
          role('getter', undefined, [{ verbs: ['get'], nonResourceURLs: ['/apis'] }]),
          role('prefix', undefined, [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }]),
        ],
        clusterBindings: [
          binding('g', undefined, ['ClusterRole', 'getter'], [user('foo')]),
          binding('p', undefined, ['ClusterRole', 'prefix'], [group('prefixed')]),
        ],
      }),
    );
    const url = (verb: string, path: string): RequestAttributes => ({ verb, resourceRequest: false, path });
    expect(a.authorize(u('foo'), url('get', '/apis')).allowed).toBe(true);
    expect(a.authorize(u('foo'), url('watch', '/apis')).allowed).toBe(false);
    expect(a.authorize(u('foo'), url('get', '/api/v1')).allowed).toBe(false);
    expect(a.authorize(u('x', 'prefixed'), url('get', '/apis/v1/foobar')).allowed).toBe(true);
    expect(a.authorize(u('x', 'prefixed'), url('get', '/api/v1')).allowed).toBe(false);
  });
});

describe('subjects', () => {
  const reader = role('pod-reader', 'dev', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
  test('a ServiceAccount subject without a namespace is the RoleBinding namespace’s', () => {
    const a = createRbacAuthorizer(source({ roles: [reader], bindings: [binding('rb', 'dev', ['Role', 'pod-reader'], [sa('ci')])] }));
    expect(a.authorize(saUser('dev', 'ci'), res('list', 'pods', 'dev')).allowed).toBe(true);
    expect(a.authorize(saUser('other', 'ci'), res('list', 'pods', 'dev')).allowed).toBe(false);
    expect(a.authorize(u('ci'), res('list', 'pods', 'dev')).allowed).toBe(false);
  });
  test('a ServiceAccount of another namespace can be bound by naming it; in a ClusterRoleBinding it needs its namespace', () => {
    const a = createRbacAuthorizer(
      source({
        roles: [reader],
        clusterRoles: [role('nodes', undefined, [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }])],
        bindings: [binding('rb', 'dev', ['Role', 'pod-reader'], [sa('ci', 'tools')])],
        clusterBindings: [binding('crb', undefined, ['ClusterRole', 'nodes'], [sa('ci')])],
      }),
    );
    expect(a.authorize(saUser('tools', 'ci'), res('list', 'pods', 'dev')).allowed).toBe(true);
    expect(a.authorize(saUser('dev', 'ci'), res('list', 'pods', 'dev')).allowed).toBe(false);
    expect(a.authorize(saUser('tools', 'ci'), res('list', 'nodes')).allowed).toBe(false);
  });
  test('the service-account groups are plain groups', () => {
    const a = createRbacAuthorizer(
      source({ roles: [reader], bindings: [binding('rb', 'dev', ['Role', 'pod-reader'], [group('system:serviceaccounts:dev')])] }),
    );
    expect(a.authorize(saUser('dev', 'anyone'), res('get', 'pods', 'dev', { name: 'p' })).allowed).toBe(true);
    expect(a.authorize(saUser('prod', 'anyone'), res('get', 'pods', 'dev', { name: 'p' })).allowed).toBe(false);
  });
  test('unknown subject kinds match nobody', () => {
    const a = createRbacAuthorizer(
      source({ roles: [reader], bindings: [binding('rb', 'dev', ['Role', 'pod-reader'], [{ kind: 'Robot', name: 'bob' }])] }),
    );
    expect(a.authorize(u('bob'), res('get', 'pods', 'dev')).allowed).toBe(false);
  });
});

describe('reasons and rulesFor', () => {
  const objs = {
    roles: [role('pod-reader', 'dev', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }])],
    clusterRoles: [
      role('nodes', undefined, [
        { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ]),
    ],
    bindings: [
      binding('read-pods', 'dev', ['Role', 'pod-reader'], [user('jane'), sa('ci')]),
      binding('broken', 'dev', ['Role', 'missing'], [user('jane')]),
    ],
    clusterBindings: [
      binding('see-nodes', undefined, ['ClusterRole', 'nodes'], [group('ops')]),
      binding('gone', undefined, ['ClusterRole', 'gone'], [group('ops')]),
    ],
  };
  const a = createRbacAuthorizer(source(objs));

  test('an allow names the binding, the role and the subject as upstream words it', () => {
    expect(a.authorize(u('jane'), res('get', 'pods', 'dev')).reason).toBe(
      'RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"',
    );
    expect(a.authorize(saUser('dev', 'ci'), res('get', 'pods', 'dev')).reason).toBe(
      'RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to ServiceAccount "ci/dev"',
    );
    expect(a.authorize(u('x', 'ops'), res('list', 'nodes')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "see-nodes" of ClusterRole "nodes" to Group "ops"',
    );
  });

  test('a denial names the roles that could not be found', () => {
    expect(a.authorize(u('jane'), res('delete', 'pods', 'dev'))).toEqual({
      allowed: false,
      reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found',
    });
    expect(a.authorize(u('jane', 'ops'), res('delete', 'pods', 'dev')).reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]',
    );
    expect(a.authorize(u('nobody'), res('get', 'pods', 'dev'))).toEqual({ allowed: false });
  });

  test('rulesFor lists cluster-wide then namespace rules, split into resource and URL rules, incomplete on a missing role', () => {
    expect(a.rulesFor(u('jane', 'ops'), 'dev')).toEqual({
      resourceRules: [
        { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: true,
      evaluationError: '[clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]',
    });
    expect(a.rulesFor(saUser('dev', 'ci'), 'dev')).toEqual({
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [],
      incomplete: false,
    });
    expect(a.rulesFor(saUser('dev', 'ci'), 'other').resourceRules).toEqual([]);
  });
});

test('the subject index gives the same answers among 5,000 unrelated bindings, in list order', () => {
  const reader = role('r', 'ns', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  const writer = role('w', 'ns', [{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }]);
  const noise = Array.from({ length: 5000 }, (_, i) => binding(`n${i}`, 'ns', ['Role', 'r'], [user(`u${i}`), group(`g${i}`), sa(`s${i}`)]));
  const bindings = [
    ...noise.slice(0, 2500),
    binding('by-group', 'ns', ['Role', 'w'], [group('team')]),
    ...noise.slice(2500),
    binding('by-user', 'ns', ['Role', 'r'], [user('ann')]),
  ];
  const a = createRbacAuthorizer(source({ roles: [reader, writer], bindings }));
  const ann = u('ann', 'team');
  expect(a.authorize(ann, res('get', 'pods', 'ns')).reason).toBe('RBAC: allowed by RoleBinding "by-user/ns" of Role "r" to User "ann"');
  expect(a.authorize(ann, res('create', 'pods', 'ns')).allowed).toBe(true);
  expect(a.rulesFor(ann, 'ns').resourceRules.map((r) => r.verbs[0])).toEqual(['create', 'get']);
  expect(a.authorize(saUser('ns', 's4999'), res('get', 'pods', 'ns')).reason).toBe(
    'RBAC: allowed by RoleBinding "n4999/ns" of Role "r" to ServiceAccount "s4999/ns"',
  );
  expect(a.authorize(u('u1', 'g2'), res('create', 'pods', 'ns')).allowed).toBe(false);
});

describe('union', () => {
  const rbac = createRbacAuthorizer(
    source({
      clusterRoles: [role('c', undefined, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])],
      clusterBindings: [
        binding('b', undefined, ['ClusterRole', 'c'], [user('bob')]),
        binding('x', undefined, ['ClusterRole', 'none'], [user('bob')]),
      ],
    }),
  );
  const extra: Authorizer = {
    authorize: (usr, attrs) =>
      attrs.resource === 'nodes' && usr.name === 'bob' ? { allowed: true, reason: 'extra' } : { allowed: false, reason: 'extra says no' },
    rulesFor: () => ({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }],
      nonResourceRules: [],
      incomplete: false,
    }),
  };
  const chain = unionAuthorizer([privilegedGroupAuthorizer, extra, rbac]);

  test('system:masters may do anything; then the first member that allows decides; a denial carries every reason', () => {
    expect(chain.authorize(u('root', 'system:masters'), res('delete', 'secrets', 'kube-system')).allowed).toBe(true);
    expect(chain.authorize(u('bob'), res('get', 'nodes')).reason).toBe('extra');
    expect(chain.authorize(u('bob'), res('get', 'pods', 'a')).allowed).toBe(true);
    expect(chain.authorize(u('bob'), res('delete', 'pods', 'a'))).toEqual({
      allowed: false,
      reason: 'extra says no\nRBAC: clusterrole.rbac.authorization.k8s.io "none" not found',
    });
  });

  test('rulesFor is every member’s rules together', () => {
    expect(chain.rulesFor(u('bob'), 'a')).toEqual({
      resourceRules: [
        { verbs: ['get'], apiGroups: [''], resources: ['nodes'] },
        { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      ],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: 'clusterrole.rbac.authorization.k8s.io "none" not found',
    });
  });
});
