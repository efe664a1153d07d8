// The shared admission CEL environment (src/admission/cel): variables, the authorizer library, composed variables,
// matchConditions, and upstream's error texts.
import type { AdmissionAttributes } from '../../src/admission/chain.js';
import {
  admissionVariables,
  compileAdmissionExpression,
  evaluateMatchConditions,
  withComposedVariables,
} from '../../src/admission/cel/environment.js';
import type { Authorizer } from '../../src/authorization/types.js';

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns1', labels: { app: 'web' } },
  spec: { replicas, template: {} },
});

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
  resource: { group: 'apps', version: 'v1', resource: 'deployments' },
  subresource: '',
  namespace: 'ns1',
  name: 'web',
  object: deployment(3),
  user: { name: 'alice', groups: ['dev', 'system:authenticated'] },
  dryRun: false,
  warnings: [],
  ...over,
});

const policy = (e: string) => compileAdmissionExpression(e, 'policy');

describe('admission CEL environment', () => {
  it('reads object, oldObject, request, params and namespaceObject with integers as int', () => {
    const vars = admissionVariables(attrs(), {
      params: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits' }, data: { max: '5' } },
      namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', labels: { env: 'prod' }, managedFields: [] } },
    });
    expect(policy('object.spec.replicas <= int(params.data.max)').evaluate(vars)).toBe(true);
    expect(policy('object.spec.replicas / 2').evaluate(vars)).toBe(1n);
    expect(policy('oldObject == null && request.operation == "CREATE"').evaluate(vars)).toBe(true);
    expect(policy('request.userInfo.username + "/" + request.resource.resource').evaluate(vars)).toBe('alice/deployments');
    expect(policy('namespaceObject.metadata.labels.env').evaluate(vars)).toBe('prod');
    expect(policy('has(namespaceObject.metadata.managedFields)').evaluate(vars)).toBe(false);
    expect(policy('request.options.kind').evaluate(vars)).toBe('CreateOptions');
  });

  it('reports compile errors (syntax, unknown variables, variables a flavour lacks) and evaluation errors as upstream', () => {
    expect(policy('object.spec.replicas <').compileError).toBeTruthy();
    expect(policy('nosuch > 1').compileError).toMatch(/nosuch/);
    expect(compileAdmissionExpression('params.x == 1', 'matchConditions').compileError).toMatch(/params/);
    expect(compileAdmissionExpression('object.metadata.name == "web"', 'matchConditions').compileError).toBeUndefined();
    const vars = admissionVariables(attrs(), { params: null });
    expect(() => policy('object.spec.missing > 1').evaluate(vars)).toThrow(
      "expression 'object.spec.missing > 1' resulted in error: no such key: missing",
    );
    expect(() => policy('object.spec.replicas <').evaluate(vars)).toThrow(/^compilation error: /);
  });

  it('evaluates composed variables lazily, once, and fails the expressions that read a failing one', () => {
    let calls = 0;
    const authorizer: Authorizer = {
      authorize: () => {
        calls++;
        return { allowed: true };
      },
      rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
    };
    const base = admissionVariables(attrs(), { params: null, authorizer });
    const defs = [
      { name: 'replicas', compiled: policy('object.spec.replicas') },
      { name: 'doubled', compiled: policy('variables.replicas * 2') },
      { name: 'allowed', compiled: policy('authorizer.requestResource.check("create").allowed()') },
      { name: 'broken', compiled: policy('object.spec.nothing') },
    ];
    const vars = withComposedVariables(base, defs);
    expect(policy('variables.doubled + variables.doubled').evaluate(vars)).toBe(12n);
    expect(calls).toBe(0);
    expect(policy('variables.allowed && variables.allowed && variables.allowed').evaluate(vars)).toBe(true);
    expect(calls).toBe(1);
    expect(() => policy('variables.broken == 1').evaluate(vars)).toThrow(/composited variable "broken" fails to evaluate/);
    expect(policy('variables.replicas == 3').evaluate(vars)).toBe(true);
  });

  it('answers authorizer checks through the server authorizer, for the user or a service account', () => {
    const asked: string[] = [];
    const authorizer: Authorizer = {
      authorize: (user, a) => {
        asked.push(
          `${user.name} ${a.verb} ${a.apiGroup ?? ''}/${a.resource ?? a.path}/${a.subresource ?? ''} ${a.namespace ?? ''}/${a.name ?? ''}`,
        );
        return { allowed: user.name === 'alice' && a.verb === 'get', reason: 'test says so' };
      },
      rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
    };
    const vars = admissionVariables(attrs(), { authorizer, params: null });
    expect(
      policy('authorizer.group("apps").resource("deployments").namespace("ns1").name("x").check("get").allowed()').evaluate(vars),
    ).toBe(true);
    expect(policy('authorizer.group("").resource("pods").subresource("exec").check("create").allowed()').evaluate(vars)).toBe(false);
    expect(policy('authorizer.serviceAccount("kube-system", "sa").group("").resource("pods").check("get").allowed()').evaluate(vars)).toBe(
      false,
    );
    expect(policy('authorizer.path("/healthz").check("get").reason()').evaluate(vars)).toBe('test says so');
    expect(policy('authorizer.requestResource.check("get").allowed()').evaluate(vars)).toBe(true);
    expect(asked).toEqual([
      'alice get apps/deployments/ ns1/x',
      'alice create /pods/exec /',
      'system:serviceaccount:kube-system:sa get /pods/ /',
      'alice get //healthz/ /',
      'alice get apps/deployments/ ns1/web',
    ]);
  });

  it('evaluates matchConditions: false wins, errors follow failurePolicy', () => {
    const mc = (name: string, e: string) => ({ name, compiled: compileAdmissionExpression(e, 'matchConditions') });
    const vars = admissionVariables(attrs());
    expect(evaluateMatchConditions([mc('a', 'true'), mc('b', 'object.metadata.name == "web"')], vars)).toEqual({ matches: true });
    expect(evaluateMatchConditions([mc('err', 'object.x == 1'), mc('no', 'false')], vars)).toEqual({
      matches: false,
      failedCondition: 'no',
    });
    expect(evaluateMatchConditions([mc('err', 'object.x == 1')], vars, 'Fail').error).toBe(
      "expression 'object.x == 1' resulted in error: no such key: x",
    );
    expect(evaluateMatchConditions([mc('err', 'object.x == 1')], vars, 'Ignore')).toEqual({ matches: false });
  });
});
