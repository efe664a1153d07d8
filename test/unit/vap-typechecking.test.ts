// The ValidatingAdmissionPolicy type checker (src/admission/policy/typechecking.ts) against the server's own resource
// list and OpenAPI definitions: upstream's warning framing per kind, its rules for wildcard and unknown resources,
// typed params and variables, and a CRD's structural schema as CEL types (src/admission/cel/schema-types.ts).
import { TypeChecker, typesToCheck, type TypeCheckHost } from '../../src/admission/policy/typechecking.js';
import { registryTypeCheckHost } from '../../src/admission/policy/typecheck-host.js';
import { escapeFieldName } from '../../src/admission/cel/schema-types.js';
import { policyStatus } from '../../src/reconcilers/validatingadmissionpolicystatus/controller.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import type { Schema } from '../../src/openapi/definitions.js';
import type { KObject } from '../../src/registry/types.js';

const host = registryTypeCheckHost(new Registry(RESOURCES));
const checker = new TypeChecker(host);

const rule = (apiGroups: string[], resources: string[], apiVersions = ['v1']) => ({ apiGroups, apiVersions, resources });
const on = (rules: ReturnType<typeof rule>[], validations: { expression: string; messageExpression?: string }[], extra = {}) => ({
  matchConstraints: { resourceRules: rules },
  validations,
  ...extra,
});
const deployments = rule(['apps'], ['deployments']);

test('an undefined field on a Deployment: a warning naming the expression, framed as upstream', async () => {
  const warnings = await checker.check(
    on([deployments], [{ expression: 'object.spec.replicas > 1' }, { expression: 'object.spec.replicass > 1' }]),
  );
  expect(warnings).toEqual([
    {
      fieldRef: 'spec.validations[1].expression',
      warning:
        "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicass'\n | object.spec.replicass > 1\n | ...........^\n",
    },
  ]);
});

test('a clean policy has no warnings; typical expressions check against the Deployment schema', async () => {
  const expressions = [
    'object.spec.replicas <= 5',
    "object.metadata.namespace != 'kube-system' && object.metadata.name.startsWith('a')",
    "object.spec.template.spec.containers.all(c, c.image.endsWith(':v1') && has(c.resources))",
    'object.spec.template.spec.securityContext == null || object.spec == oldObject.spec',
    'object.spec.strategy.rollingUpdate.maxSurge == 1 || object.spec.strategy.rollingUpdate.maxSurge == "25%"',
    "object.metadata.creationTimestamp < timestamp('2030-01-01T00:00:00Z')",
    "request.userInfo.username != '' && request.operation == 'CREATE' && request.kind.kind == 'Deployment'",
    "namespaceObject.metadata.labels['env'] == 'prod'",
    "authorizer.group('apps').resource('deployments').check('create').allowed()",
    "'app' in object.metadata.labels && object.spec.template.spec.containers[0].resources.limits['cpu'] == '1'",
  ];
  const spec = on(
    [deployments],
    [
      ...expressions.map((expression) => ({ expression })),
      { expression: 'true', messageExpression: "'replicas: ' + string(object.spec.replicas)" },
    ],
  );
  expect(await checker.check(spec)).toEqual([]);
  const policy = { metadata: { name: 'p', generation: 1 }, spec } as unknown as KObject;
  expect(await policyStatus(policy, checker)).toEqual({ observedGeneration: 1, typeChecking: {} });
  // Observed already: nothing to write; a later generation is checked again.
  expect(await policyStatus({ ...policy, status: { observedGeneration: 1, typeChecking: {} } }, checker)).toBeUndefined();
  expect(await policyStatus({ ...policy, metadata: { name: 'p', generation: 2 }, status: { observedGeneration: 1 } }, checker)).toEqual({
    observedGeneration: 2,
    typeChecking: {},
  });
});

test('has() on a field its type does not declare is an undefined field, as cel-go checks it; on maps and dyn it is not', async () => {
  const secrets = [rule([''], ['secrets'])];
  const check = (expression: string) => checker.check(on(secrets, [{ expression }]));
  // kyverno#9351's policy: Secrets have no automountServiceAccountToken.
  expect(await check('!has(object.type) || !has(object.automountServiceAccountToken)')).toEqual([
    {
      fieldRef: 'spec.validations[0].expression',
      warning:
        "/v1, Kind=Secret: ERROR: <input>:1:33: undefined field 'automountServiceAccountToken'\n | !has(object.type) || !has(object.automountServiceAccountToken)\n | ................................^\n",
    },
  ]);
  const pods = [rule([''], ['pods'])];
  expect(await checker.check(on(pods, [{ expression: 'object.spec.containers.all(c, has(c.securityContext.privileged))' }]))).toEqual([]);
  expect(
    (await checker.check(on(pods, [{ expression: 'object.spec.containers.all(c, has(c.securityContext.privileges))' }])))[0]!.warning,
  ).toContain("undefined field 'privileges'");
  expect(await check('has(object.metadata.labels.app) && has(object.data.x) && has(request.userInfo.username)')).toEqual([]);
});

test('every matched kind is checked, sorted by group, version and kind; messageExpressions too', async () => {
  const spec = on(
    [rule(['apps'], ['replicasets', 'deployments']), rule([''], ['configmaps'])],
    [{ expression: 'object.replicas > 1', messageExpression: "'x' + object.spec.replicas" }],
  );
  const [expression, message] = await checker.check(spec);
  const issue = "ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n";
  expect(expression).toEqual({
    fieldRef: 'spec.validations[0].expression',
    warning: [`/v1, Kind=ConfigMap: ${issue}`, `apps/v1, Kind=Deployment: ${issue}`, `apps/v1, Kind=ReplicaSet: ${issue}`].join('\n'),
  });
  expect(message!.fieldRef).toBe('spec.validations[0].messageExpression');
  // ConfigMaps have no spec; on the workloads it is `string + int`.
  expect(message!.warning).toMatch(/^\/v1, Kind=ConfigMap: ERROR: <input>:1:\d+: undefined field 'spec'\n/);
  expect(message!.warning).toContain(
    "apps/v1, Kind=Deployment: ERROR: <input>:1:1: found no matching overload for '_+_' applied to '(string, int)'",
  );
  expect(message!.warning).toContain('apps/v1, Kind=ReplicaSet: ERROR:');
});

test("wildcards: a '*' group or version gives up on the rule, '*' and subresources are skipped; unknown resources add nothing", async () => {
  const kinds = (rules: ReturnType<typeof rule>[]) => typesToCheck(on(rules, []), host.kindsFor).map((g) => g.kind);
  expect(kinds([rule(['*'], ['deployments'])])).toEqual([]);
  expect(kinds([rule(['apps'], ['deployments'], ['*'])])).toEqual([]);
  expect(kinds([rule(['apps'], ['*', 'deployments/status', 'deployments'])])).toEqual(['Deployment']);
  expect(kinds([rule(['apps'], ['nosuchthings']), rule(['example.com'], ['widgets'])])).toEqual([]);
  // Nothing to check against: no warnings, however wrong the expression.
  expect(await checker.check(on([rule(['*'], ['*'], ['*'])], [{ expression: 'object.nope' }]))).toEqual([]);
});

test('at most ten kinds are checked', async () => {
  const resources = [
    'configmaps',
    'secrets',
    'pods',
    'services',
    'endpoints',
    'events',
    'nodes',
    'namespaces',
    'limitranges',
    'resourcequotas',
    'serviceaccounts',
    'podtemplates',
  ];
  expect(typesToCheck(on([rule([''], resources)], []), host.kindsFor)).toHaveLength(10);
});

test('params typed by the paramKind, undeclared when it is unknown; variables typed by their expressions', async () => {
  const cms = [rule([''], ['configmaps'])];
  const withParams = (apiVersion: string, kind: string, expression: string) =>
    checker.check(on(cms, [{ expression }], { paramKind: { apiVersion, kind } }));
  expect(await withParams('v1', 'ConfigMap', "params.data['max'] == object.data['n']")).toEqual([]);
  expect((await withParams('v1', 'ConfigMap', 'params.spec == 1'))[0]!.warning).toContain("undefined field 'spec'");
  expect((await withParams('example.com/v1', 'Nope', 'params.x == 1'))[0]!.warning).toBe(
    "/v1, Kind=ConfigMap: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n | params.x == 1\n | ^\n",
  );
  const variables = [
    { name: 'keys', expression: 'object.data.size()' },
    { name: 'names', expression: 'object.data.map(k, k)' },
    { name: 'meta', expression: 'object.metadata' },
  ];
  const check = (expression: string) => checker.check(on(cms, [{ expression }], { variables }));
  expect(await check("variables.keys < 3 && variables.names.all(n, n.startsWith('a')) && variables.meta.anything == 1")).toEqual([]);
  expect((await check("variables.keys == 'three'"))[0]!.warning).toContain(
    "found no matching overload for '_==_' applied to '(int, string)'",
  );
  expect((await check('variables.missing'))[0]!.warning).toContain("undefined field 'missing'");
  expect((await check('variables.names.all(n, n.startsWith(1))'))[0]!.warning).toContain(
    "found no matching overload for 'startsWith' applied to 'string.(int)'",
  );
  expect((await check('!variables.keys'))[0]!.warning).toContain("found no matching overload for '!_' applied to '(int)'");
});

test("a CRD's structural schema: int-or-string dyn, maps, formats, embedded resources, escaped names, unknown fields not exposed", async () => {
  const crd: Schema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      spec: {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          until: { type: 'string', format: 'date-time' },
          timeout: { type: 'string', format: 'duration' },
          'max-size': { type: 'integer' },
          namespace: { type: 'string' },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
          config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          anything: { 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  };
  const widgets: TypeCheckHost = {
    kindsFor: (g) => (g.resource === 'widgets' ? [{ group: 'example.com', version: 'v1', kind: 'Widget' }] : []),
    schemaFor: (g) => (g.kind === 'Widget' ? crd : undefined),
    definition: host.definition,
  };
  const check = (expression: string) => new TypeChecker(widgets).check(on([rule(['example.com'], ['widgets'])], [{ expression }]));
  for (const ok of [
    'object.spec.port == 80 || object.spec.port == "http"',
    "object.spec.labels['a'] == 'b'",
    "object.spec.until > timestamp('2020-01-01T00:00:00Z') && object.spec.timeout < duration('1h')",
    'object.spec.max__dash__size > 1',
    "object.spec.namespace == 'x' && object.spec.__namespace__ == 'x'",
    "object.spec.template.metadata.name == 'x' && object.spec.template.kind == 'Pod'",
    "object.metadata.labels['a'] == 'b'",
  ])
    expect([ok, await check(ok)]).toEqual([ok, []]);
  for (const [bad, field] of [
    ['object.spec.config.replicas == 1', 'replicas'],
    ['object.spec.anything == 1', 'anything'],
    ['object.spec.template.spec == 1', 'spec'],
    // The property's own name is not a field; only its escaped one is.
    ['object.spec.max_size > 1', 'max_size'],
  ])
    expect((await check(bad))[0]!.warning).toContain(`undefined field '${field}'`);
  // cel-go's checker has no index operator on an object type.
  expect((await check("object.spec['max-size'] > 1"))[0]!.warning).toContain("found no matching overload for '_[_]'");
  expect(escapeFieldName('a.b/c-d__e')).toBe('a__dot__b__slash__c__dash__d__underscores__e');
  expect(escapeFieldName('1abc')).toBeUndefined();
  expect(escapeFieldName('in')).toBe('__in__');
});

test('has() over an indexed operand is type-checked as cel-go does', async () => {
  const check = (expression: string) => checker.check(on([deployments], [{ expression }]));
  expect(await check('has(object.spec.template.spec.containers[0].image)')).toEqual([]);
  expect((await check('has(object.spec.template.spec.containers[0].imagex)'))[0]!.warning).toContain("undefined field 'imagex'");
});
