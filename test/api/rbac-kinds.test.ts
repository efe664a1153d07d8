// The four RBAC kinds over HTTP: defaults, validation with upstream's messages, roleRef immutable, the aggregationRule
// stored, and the Tables kubectl prints (roles: NAME, CREATED AT; bindings: NAME, ROLE, AGE, wide subjects).
import { startHarness, type Harness } from './harness.js';

const G = 'rbac.authorization.k8s.io';
const ROLES = `/apis/${G}/v1/namespaces/default/roles`;
const BINDINGS = `/apis/${G}/v1/namespaces/default/rolebindings`;
const CLUSTER_ROLES = `/apis/${G}/v1/clusterroles`;
const CLUSTER_BINDINGS = `/apis/${G}/v1/clusterrolebindings`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const role = (name: string, rules: unknown[]) => ({ apiVersion: `${G}/v1`, kind: 'Role', metadata: { name }, rules });
const rb = (name: string, roleRef: Record<string, string>, subjects: unknown[]) => ({
  apiVersion: `${G}/v1`,
  kind: 'RoleBinding',
  metadata: { name },
  roleRef,
  subjects,
});

test('a Role is created and read back', async () => {
  await h.api
    .post(ROLES)
    .send(role('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]))
    .expect(201);
  const got = await h.api.get(`${ROLES}/pod-reader`).expect(200);
  expect(got.body).toMatchObject({
    kind: 'Role',
    apiVersion: `${G}/v1`,
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  });
});

test('rules are validated as ValidatePolicyRule words it', async () => {
  const res = await h.api
    .post(ROLES)
    .send(
      role('bad', [
        { apiGroups: [''], resources: ['pods'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
        { verbs: ['get'], resources: ['pods', 'secrets'], resourceNames: ['x'] },
      ]),
    )
    .expect(422);
  expect(res.body.message).toBe(
    'Role.rbac.authorization.k8s.io "bad" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, ' +
      'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs, ' +
      'rules[2].apiGroups: Required value: resource rules must supply at least one api group]',
  );
});

test('a ClusterRole may hold non-resource URLs and an aggregationRule (stored as given)', async () => {
  const cr = {
    apiVersion: `${G}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'monitoring-agg' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }],
  };
  await h.api.post(CLUSTER_ROLES).send(cr).expect(201);
  const got = await h.api.get(`${CLUSTER_ROLES}/monitoring-agg`).expect(200);
  expect(got.body.aggregationRule).toEqual(cr.aggregationRule);
  const res = await h.api
    .post(CLUSTER_ROLES)
    .send({ ...cr, metadata: { name: 'empty-agg' }, aggregationRule: { clusterRoleSelectors: [] } })
    .expect(422);
  expect(res.body.message).toContain(
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  );
});

test('bindings: apiGroups defaulted, subjects and roleRef validated, roleRef immutable', async () => {
  const created = await h.api
    .post(BINDINGS)
    .send(
      rb('read-pods', { kind: 'Role', name: 'pod-reader' }, [
        { kind: 'User', name: 'jane' },
        { kind: 'ServiceAccount', name: 'ci' },
      ]),
    )
    .expect(201);
  expect(created.body.roleRef).toEqual({ apiGroup: G, kind: 'Role', name: 'pod-reader' });
  expect(created.body.subjects).toEqual([
    { kind: 'User', apiGroup: G, name: 'jane' },
    { kind: 'ServiceAccount', apiGroup: '', name: 'ci' },
  ]);
  const bad = await h.api
    .post(BINDINGS)
    .send(
      rb('bad', { apiGroup: G, kind: 'Robot', name: '' }, [
        { kind: 'Alien', name: 'x' },
        { kind: 'ServiceAccount', apiGroup: 'x', name: 'Bad_Name' },
      ]),
    )
    .expect(422);
  expect(bad.body.message).toBe(
    'RoleBinding.rbac.authorization.k8s.io "bad" is invalid: [roleRef.kind: Unsupported value: "Robot": supported values: "Role", "ClusterRole", ' +
      'roleRef.name: Required value, subjects[0].kind: Unsupported value: "Alien": supported values: "ServiceAccount", "User", "Group", ' +
      "subjects[1].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), " +
      'subjects[1].apiGroup: Unsupported value: "x": supported values: ""]',
  );
  const changed = await h.api
    .patch(`${BINDINGS}/read-pods`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ roleRef: { name: 'other' } })
    .expect(422);
  expect(changed.body.message).toBe(
    'RoleBinding.rbac.authorization.k8s.io "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
  );
  await h.api
    .patch(`${BINDINGS}/read-pods`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ subjects: [{ kind: 'Group', name: 'devs' }] })
    .expect(200);
});

test('a ClusterRoleBinding refers to ClusterRoles only and names its service accounts’ namespaces', async () => {
  const res = await h.api
    .post(CLUSTER_BINDINGS)
    .send({
      apiVersion: `${G}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'x' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci' }],
    })
    .expect(422);
  expect(res.body.message).toBe(
    'ClusterRoleBinding.rbac.authorization.k8s.io "x" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]',
  );
});

test('Tables: roles print NAME and CREATED AT, bindings NAME, ROLE, AGE and the wide subjects', async () => {
  const roles = await h.api.get(ROLES).set('Accept', TABLE).expect(200);
  expect(roles.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Created At']);
  expect(roles.body.rows[0].cells[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  await h.api
    .post(BINDINGS)
    .send(
      rb('mixed', { kind: 'ClusterRole', name: 'view' }, [
        { kind: 'User', name: 'a' },
        { kind: 'User', name: 'b' },
        { kind: 'Group', name: 'g' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'ns1' },
      ]),
    )
    .expect(201);
  const t = await h.api.get(`${BINDINGS}/mixed`).set('Accept', TABLE).expect(200);
  expect(t.body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`)).toEqual([
    'Name:0',
    'Role:0',
    'Age:0',
    'Users:1',
    'Groups:1',
    'ServiceAccounts:1',
  ]);
  expect(t.body.rows[0].cells).toEqual(['mixed', 'ClusterRole/view', expect.stringMatching(/^\d+s$/), 'a, b', 'g', 'ns1/ci']);
});
