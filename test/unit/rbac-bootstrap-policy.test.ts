// The bootstrap policy's shape against upstream facts: aggregation makes view ⊂ edit ⊂ admin, view has no secrets,
// every controller identity the sources use is bound to its role, and every object carries upstream's metadata.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bootstrapPolicy } from '../../src/authorization/bootstrap/policy.js';
import { covers, ruleCovers } from '../../src/authorization/bootstrap/covers.js';
import { CONTROLLER_NAMES } from '../../src/authorization/bootstrap/controller-roles.js';
import { aggregatedRules } from '../../src/reconcilers/clusterrole-aggregation/aggregate.js';
import type { PolicyRule, RoleObject } from '../../src/authorization/rbac/types.js';

const policy = bootstrapPolicy();
/** The cluster roles after the aggregation controller has run to a fixed point. */
function aggregated(): Map<string, RoleObject> {
  const roles = new Map(policy.clusterRoles.map((r) => [r.metadata.name!, structuredClone(r)]));
  for (let changed = true; changed;) {
    changed = false;
    for (const r of roles.values()) {
      const rules = aggregatedRules(r, [...roles.values()]);
      if (rules && JSON.stringify(rules) !== JSON.stringify(r.rules)) {
        r.rules = rules;
        changed = true;
      }
    }
  }
  return roles;
}
const roles = aggregated();
const rulesOf = (name: string) => roles.get(name)!.rules ?? [];
const allows = (rules: PolicyRule[], verb: string, group: string, resource: string) =>
  rules.some((r) => ruleCovers(r, { verbs: [verb], apiGroups: [group], resources: [resource] }));

test('view reads workloads but never secrets; edit writes deployments and reads secrets; admin also manages roles', () => {
  const view = rulesOf('view');
  expect(allows(view, 'list', '', 'pods')).toBe(true);
  expect(allows(view, 'get', 'apps', 'deployments')).toBe(true);
  expect(allows(view, 'get', '', 'pods/log')).toBe(true);
  for (const verb of ['get', 'list', 'watch']) expect(allows(view, verb, '', 'secrets')).toBe(false);
  expect(allows(view, 'create', '', 'pods')).toBe(false);
  const edit = rulesOf('edit');
  expect(allows(edit, 'create', 'apps', 'deployments')).toBe(true);
  expect(allows(edit, 'get', '', 'secrets')).toBe(true);
  expect(allows(edit, 'create', '', 'pods/exec')).toBe(true);
  expect(allows(edit, 'create', 'rbac.authorization.k8s.io', 'rolebindings')).toBe(false);
  expect(allows(rulesOf('admin'), 'create', 'rbac.authorization.k8s.io', 'rolebindings')).toBe(true);
});

test('edit ⊇ view and admin ⊇ edit, by aggregation alone (their own rules are empty)', () => {
  for (const name of ['admin', 'edit', 'view']) expect(policy.clusterRoles.find((r) => r.metadata.name === name)!.rules).toEqual([]);
  expect(covers(rulesOf('edit'), rulesOf('view')).covered).toBe(true);
  expect(covers(rulesOf('admin'), rulesOf('edit')).covered).toBe(true);
  expect(covers(rulesOf('view'), rulesOf('edit')).covered).toBe(false);
  expect(roles.get('view')!.metadata.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
  expect(roles.get('edit')!.metadata.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' });
});

test('every object is labelled rbac-defaults and annotated autoupdate=true; names are unique', () => {
  const all = [...policy.clusterRoles, ...policy.clusterRoleBindings, ...policy.roles, ...policy.roleBindings];
  for (const o of all) {
    expect(o.metadata.labels).toMatchObject({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(o.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
  }
  const keys = (os: RoleObject[]) => os.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  for (const list of [policy.clusterRoles, policy.clusterRoleBindings, policy.roles, policy.roleBindings])
    expect(new Set(keys(list)).size).toBe(list.length);
});

test('every binding names a role of the policy', () => {
  const clusterRoleNames = new Set(policy.clusterRoles.map((r) => r.metadata.name));
  for (const b of policy.clusterRoleBindings) expect(clusterRoleNames).toContain(b.roleRef.name);
  for (const b of policy.roleBindings) {
    if (b.roleRef.kind === 'ClusterRole') expect(clusterRoleNames).toContain(b.roleRef.name);
    else expect(policy.roles.some((r) => r.metadata.namespace === b.metadata.namespace && r.metadata.name === b.roleRef.name)).toBe(true);
  }
});

test("upstream's bindings: masters are cluster-admin, everyone authenticated has discovery and basic-user, anyone public info", () => {
  const subjects = (name: string) =>
    policy.clusterRoleBindings.find((b) => b.metadata.name === name)!.subjects!.map((s) => `${s.kind}:${s.name}`);
  expect(subjects('cluster-admin')).toEqual(['Group:system:masters']);
  expect(subjects('system:discovery')).toEqual(['Group:system:authenticated']);
  expect(subjects('system:basic-user')).toEqual(['Group:system:authenticated']);
  expect(subjects('system:public-info-viewer')).toEqual(['Group:system:authenticated', 'Group:system:unauthenticated']);
  expect(subjects('system:monitoring')).toEqual(['Group:system:monitoring']);
  expect(subjects('system:kube-scheduler')).toEqual(['User:system:kube-scheduler']);
  expect(subjects('system:node-proxier')).toEqual(['User:system:kube-proxy']);
  expect(subjects('dockube:viewers')).toEqual(['Group:dockube:viewers']);
  expect(policy.clusterRoleBindings.find((b) => b.metadata.name === 'dockube:viewers')!.roleRef.name).toBe('view');
});

const srcRoot = resolve(dirname(new URL(import.meta.url).pathname), '../../src');
const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

test('every controller identity the sources use is a kube-system service account bound by the policy', () => {
  const used = new Set(
    tsFiles(srcRoot).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/controllerIdentity\('([^']+)'\)/g)].map((m) => m[1]!)),
  );
  for (const name of [
    'job-controller',
    'cronjob-controller',
    'statefulset-controller',
    'daemon-set-controller',
    'clusterrole-aggregation-controller',
  ])
    expect(CONTROLLER_NAMES).toContain(name);
  const boundAccounts = new Set(
    [...policy.clusterRoleBindings, ...policy.roleBindings].flatMap((b) =>
      (b.subjects ?? []).filter((s) => s.kind === 'ServiceAccount' && s.namespace === 'kube-system').map((s) => s.name),
    ),
  );
  for (const name of used) expect([name, boundAccounts.has(name)]).toEqual([name, true]);
  for (const name of CONTROLLER_NAMES) {
    const b = policy.clusterRoleBindings.find((x) => x.metadata.name === `system:controller:${name}`)!;
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name, namespace: 'kube-system' }]);
  }
});
