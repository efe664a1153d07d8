// Escalation prevention as the RBAC kinds' admission applies it (the policybased storages of pkg/registry/rbac):
// who may create or update roles and bindings, and the Forbidden / NotFound errors they get.
import { clusterrolebindings, clusterroles, rolebindings, roles } from '../../src/registry/resources/rbac.js';
import { createRbacAuthorizer } from '../../src/authorization/rbac/authorizer.js';
import type { BindingObject, RbacSource, RoleObject } from '../../src/authorization/rbac/types.js';
import type { AdmitContext, KObject } from '../../src/registry/types.js';
import type { StatusError } from '../../src/machinery/api/errors.js';

const G = 'rbac.authorization.k8s.io';
const stored: RoleObject[] = [
  { metadata: { name: 'pod-reader', namespace: 'dev' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] },
  { metadata: { name: 'secret-reader', namespace: 'dev' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] },
  { metadata: { name: 'escalate-roles' }, rules: [{ verbs: ['escalate'], apiGroups: [G], resources: ['roles'] }] },
  { metadata: { name: 'escalate-named' }, rules: [{ verbs: ['escalate'], apiGroups: [G], resources: ['roles'], resourceNames: ['r'] }] },
  {
    metadata: { name: 'bind-secret-reader' },
    rules: [{ verbs: ['bind'], apiGroups: [G], resources: ['roles'], resourceNames: ['secret-reader'] }],
  },
];
const rb = (name: string, role: [string, string], user: string): BindingObject => ({
  metadata: { name, namespace: 'dev' },
  roleRef: { apiGroup: G, kind: role[0], name: role[1] },
  subjects: [{ kind: 'User', apiGroup: G, name: user }],
});
const bindings = [
  rb('a', ['Role', 'pod-reader'], 'reader'),
  rb('b', ['Role', 'pod-reader'], 'escalator'),
  rb('c', ['ClusterRole', 'escalate-roles'], 'escalator'),
  rb('d', ['ClusterRole', 'escalate-named'], 'named'),
  rb('e', ['ClusterRole', 'bind-secret-reader'], 'binder'),
];
const source: RbacSource = {
  getRole: (ns, n) => stored.find((r) => r.metadata.namespace === ns && r.metadata.name === n),
  getClusterRole: (n) => stored.find((r) => !r.metadata.namespace && r.metadata.name === n),
  listRoleBindings: (ns) => (ns === 'dev' ? bindings : []),
  listClusterRoleBindings: () => [],
};
const authorizer = createRbacAuthorizer(source);
const ctx = (name: string, ...groups: string[]): AdmitContext => ({
  dryRun: false,
  user: { name, groups: [...groups, 'system:authenticated'] },
  authorizer,
  list: async (group, plural) =>
    group === G && plural === 'roles'
      ? stored.filter((r) => r.metadata.namespace)
      : group === G && plural === 'clusterroles'
        ? stored.filter((r) => !r.metadata.namespace)
        : [],
});
const role = (name: string, rules: unknown[], extra: Partial<KObject> = {}): KObject => ({
  metadata: { name, namespace: 'dev' },
  rules,
  ...extra,
});
const binding = (name: string, ref: [string, string], namespace: string | undefined = 'dev'): KObject => ({
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: G, kind: ref[0], name: ref[1] },
  subjects: [{ kind: 'User', apiGroup: G, name: 'carol' }],
});
async function refusal(write: () => unknown): Promise<StatusError | undefined> {
  try {
    await write();
    return undefined;
  } catch (e) {
    return e as StatusError;
  }
}
const podsGet = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }];
const podsDelete = [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }];

test('roles: rules already held may be granted; more is refused with upstream’s Forbidden', async () => {
  expect(await refusal(() => roles.admit!(role('r', podsGet), undefined, ctx('reader')))).toBeUndefined();
  const err = await refusal(() => roles.admit!(role('r', podsDelete), undefined, ctx('reader')));
  expect(err?.code).toBe(403);
  expect(err?.message).toBe(
    'roles.rbac.authorization.k8s.io "r" is forbidden: user "reader" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
  );
});

test('roles: system:masters and escalate may; escalate limited to a name applies to updates only (a create names nothing)', async () => {
  expect(await refusal(() => roles.admit!(role('r', podsDelete), undefined, ctx('root', 'system:masters')))).toBeUndefined();
  expect(await refusal(() => roles.admit!(role('r', podsDelete), undefined, ctx('escalator')))).toBeUndefined();
  expect((await refusal(() => roles.admit!(role('r', podsDelete), undefined, ctx('named'))))?.code).toBe(403);
  expect(await refusal(() => roles.admit!(role('r', podsDelete), role('r', []), ctx('named')))).toBeUndefined();
});

test('roles: an update that only moves finalizers or ownerReferences is not checked', async () => {
  const old = role('r', podsDelete);
  const next = role('r', podsDelete, { metadata: { name: 'r', namespace: 'dev', finalizers: ['x/y'] } });
  expect(await refusal(() => roles.admit!(next, old, ctx('reader')))).toBeUndefined();
  expect((await refusal(() => roles.admit!(role('r', [...podsDelete, ...podsGet]), old, ctx('reader'))))?.code).toBe(403);
});

test('clusterroles: checked against cluster-wide rules only; an aggregationRule needs everything', async () => {
  expect((await refusal(() => clusterroles.admit!({ metadata: { name: 'c' }, rules: podsGet }, undefined, ctx('reader'))))?.code).toBe(403);
  const agg = { metadata: { name: 'c' }, rules: [], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } };
  expect((await refusal(() => clusterroles.admit!(agg, undefined, ctx('reader'))))?.message).toBe(
    'clusterroles.rbac.authorization.k8s.io "c" is forbidden: must have cluster-admin privileges to use the aggregationRule',
  );
  expect(await refusal(() => clusterroles.admit!(agg, undefined, ctx('root', 'system:masters')))).toBeUndefined();
});

test('bindings: the role’s rules held, or bind on it; a missing role is NotFound', async () => {
  expect(await refusal(() => rolebindings.admit!(binding('x', ['Role', 'pod-reader']), undefined, ctx('reader')))).toBeUndefined();
  const err = await refusal(() => rolebindings.admit!(binding('x', ['Role', 'secret-reader']), undefined, ctx('reader')));
  expect(err?.message).toBe(
    'rolebindings.rbac.authorization.k8s.io "x" is forbidden: user "reader" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  );
  expect(await refusal(() => rolebindings.admit!(binding('x', ['Role', 'secret-reader']), undefined, ctx('binder')))).toBeUndefined();
  expect((await refusal(() => rolebindings.admit!(binding('x', ['Role', 'pod-reader']), undefined, ctx('binder'))))?.code).toBe(403);
  const missing = await refusal(() => rolebindings.admit!(binding('x', ['Role', 'ghost']), undefined, ctx('reader')));
  expect([missing?.code, missing?.message]).toEqual([404, 'roles.rbac.authorization.k8s.io "ghost" not found']);
});

test('clusterrolebindings: checked cluster-wide (RoleBindings in a namespace do not count)', async () => {
  const err = await refusal(() =>
    clusterrolebindings.admit!(binding('x', ['ClusterRole', 'escalate-roles'], undefined), undefined, ctx('escalator')),
  );
  expect(err?.code).toBe(403);
  expect(
    await refusal(() =>
      clusterrolebindings.admit!(binding('x', ['ClusterRole', 'escalate-roles'], undefined), undefined, ctx('r', 'system:masters')),
    ),
  ).toBeUndefined();
});
