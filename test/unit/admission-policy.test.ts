// The ValidatingAdmissionPolicy plugin (src/admission/policy) against a fake host: matching, bindings, params,
// validation actions, failure policy and upstream's refusal texts and codes.
import type { AdmissionAttributes } from '../../src/admission/chain.js';
import { ValidatingAdmissionPolicyPlugin, type PolicyHost } from '../../src/admission/policy/plugin.js';
import type { Authorizer } from '../../src/authorization/types.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../src/machinery/labels.js';
import type { KObject } from '../../src/registry/types.js';

const allowAll: Authorizer = {
  authorize: () => ({ allowed: true }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

const deploymentRule = {
  operations: ['CREATE', 'UPDATE'],
  apiGroups: ['apps'],
  apiVersions: ['v1'],
  resources: ['deployments'],
  scope: '*',
};

const policy = (name: string, spec: Record<string, unknown>): KObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name, resourceVersion: String(Math.random()) },
  spec: {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: [deploymentRule], matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} },
    ...spec,
  },
});

const binding = (name: string, policyName: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName, validationActions: ['Deny'], ...spec },
});

const configMap = (name: string, namespace: string, data: Record<string, string>, labels?: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  data,
});

function host(policies: KObject[], bindings: KObject[], params: KObject[] = []): PolicyHost {
  const namespaces: Record<string, KObject> = {
    prod: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } },
    dev: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'dev' } } },
  };
  return {
    authorizer: allowAll,
    hasPolicies: () => policies.length > 0,
    policies: async () => policies,
    bindings: async () => bindings,
    namespace: async (n) => namespaces[n],
    paramSource: (apiVersion, kind) =>
      apiVersion === 'v1' && kind === 'ConfigMap'
        ? {
            namespaced: true,
            get: async (ns, name) => params.find((p) => p.metadata.namespace === ns && p.metadata.name === name),
            list: async (ns, sel: LabelSelectorObject) =>
              params.filter((p) => p.metadata.namespace === ns && labelSelectorFromObject(sel).matches(p.metadata.labels ?? {})),
          }
        : undefined,
    equivalents: () => [],
  };
}

const deployment = (replicas: number, namespace = 'prod', labels: Record<string, string> = { app: 'web' }): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace, labels },
  spec: { replicas },
});

const create = (object: KObject, over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
  resource: { group: 'apps', version: 'v1', resource: 'deployments' },
  subresource: '',
  namespace: object.metadata.namespace ?? '',
  name: object.metadata.name ?? '',
  object,
  user: { name: 'alice', groups: ['system:authenticated'] },
  dryRun: false,
  warnings: [],
  ...over,
});

async function refusal(plugin: ValidatingAdmissionPolicyPlugin, attrs: AdmissionAttributes): Promise<StatusError | undefined> {
  try {
    await plugin.validate(attrs);
    return undefined;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
}

const maxReplicas = policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] });

describe('ValidatingAdmissionPolicy plugin', () => {
  it('refuses with upstream text, reason Invalid and 422; a policy without a binding does nothing', async () => {
    expect(await refusal(new ValidatingAdmissionPolicyPlugin(host([maxReplicas], [])), create(deployment(9)))).toBeUndefined();
    const plugin = new ValidatingAdmissionPolicyPlugin(host([maxReplicas], [binding('b1', 'max-replicas')]));
    expect(await refusal(plugin, create(deployment(3)))).toBeUndefined();
    const err = (await refusal(plugin, create(deployment(9))))!;
    expect(err.message).toBe(
      `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'b1' denied request: failed expression: object.spec.replicas <= 5`,
    );
    expect([err.code, err.reason]).toEqual([422, 'Invalid']);
    expect(err.details?.causes).toEqual([
      {
        message: `ValidatingAdmissionPolicy 'max-replicas' with binding 'b1' denied request: failed expression: object.spec.replicas <= 5`,
      },
    ]);
  });

  it('uses message, messageExpression (falling back when it fails) and reason with its code', async () => {
    const p = policy('p', {
      validations: [
        { expression: 'object.spec.replicas <= 5', messageExpression: '"too many: " + string(object.spec.replicas)', reason: 'Forbidden' },
      ],
    });
    const err = (await refusal(new ValidatingAdmissionPolicyPlugin(host([p], [binding('b', 'p')])), create(deployment(7))))!;
    expect(err.message).toMatch(/denied request: too many: 7$/);
    expect([err.code, err.reason]).toEqual([403, 'Forbidden']);
    const q = policy('q', { validations: [{ expression: 'false', message: 'static', messageExpression: 'object.nope' }] });
    expect((await refusal(new ValidatingAdmissionPolicyPlugin(host([q], [binding('b', 'q')])), create(deployment(1))))!.message).toMatch(
      /denied request: static$/,
    );
  });

  it('Warn adds upstream warning text, Audit alone admits', async () => {
    const plugin = new ValidatingAdmissionPolicyPlugin(
      host(
        [maxReplicas],
        [
          binding('warn', 'max-replicas', { validationActions: ['Warn'] }),
          binding('audit', 'max-replicas', { validationActions: ['Audit'] }),
        ],
      ),
    );
    const attrs = create(deployment(6));
    expect(await refusal(plugin, attrs)).toBeUndefined();
    expect(attrs.warnings).toEqual([
      `Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'warn': failed expression: object.spec.replicas <= 5`,
    ]);
  });

  it('reads params from paramRef by name or selector, honouring parameterNotFoundAction', async () => {
    const p = policy('limit', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: '"max is " + params.data.max' }],
    });
    const params = [
      configMap('limits', 'policy', { max: '4' }),
      configMap('a', 'prod', { max: '10' }, { tier: 'x' }),
      configMap('b', 'prod', { max: '2' }, { tier: 'x' }),
    ];
    const byName = binding('by-name', 'limit', { paramRef: { name: 'limits', namespace: 'policy', parameterNotFoundAction: 'Deny' } });
    let plugin = new ValidatingAdmissionPolicyPlugin(host([p], [byName], params));
    expect(await refusal(plugin, create(deployment(4)))).toBeUndefined();
    expect((await refusal(plugin, create(deployment(5))))!.message).toMatch(/with binding 'by-name' denied request: max is 4$/);
    // A selector in the request's namespace: every selected param must pass.
    const bySelector = binding('by-selector', 'limit', {
      paramRef: { selector: { matchLabels: { tier: 'x' } }, parameterNotFoundAction: 'Allow' },
    });
    plugin = new ValidatingAdmissionPolicyPlugin(host([p], [bySelector], params));
    expect((await refusal(plugin, create(deployment(3))))!.message).toMatch(/max is 2$/);
    expect(await refusal(plugin, create(deployment(9, 'dev')))).toBeUndefined(); // none in dev: Allow
    const missing = binding('missing', 'limit', { paramRef: { name: 'nope', namespace: 'policy', parameterNotFoundAction: 'Deny' } });
    plugin = new ValidatingAdmissionPolicyPlugin(host([p], [missing], params));
    expect((await refusal(plugin, create(deployment(1))))!.message).toMatch(
      /with binding 'missing' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction$/,
    );
  });

  it('selects by namespace and object selectors, binding matchResources and excludeResourceRules', async () => {
    const p = policy('p', {
      matchConstraints: {
        resourceRules: [deploymentRule],
        excludeResourceRules: [{ ...deploymentRule, resourceNames: ['skip-me'] }],
        namespaceSelector: { matchLabels: { env: 'prod' } },
        objectSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
      },
      validations: [{ expression: 'false' }],
    });
    const b = binding('b', 'p', { matchResources: { objectSelector: { matchLabels: { app: 'web' } } } });
    const plugin = new ValidatingAdmissionPolicyPlugin(host([p], [b]));
    expect(await refusal(plugin, create(deployment(1)))).toBeDefined();
    expect(await refusal(plugin, create(deployment(1, 'dev')))).toBeUndefined();
    expect(await refusal(plugin, create(deployment(1, 'prod', {})))).toBeUndefined();
    expect(await refusal(plugin, create(deployment(1, 'prod', { app: 'db' })))).toBeUndefined();
    const skipped = deployment(1);
    skipped.metadata.name = 'skip-me';
    expect(await refusal(plugin, create(skipped))).toBeUndefined();
    // Other resources and operations are not matched.
    expect(
      await refusal(plugin, create(deployment(1), { operation: 'DELETE', object: undefined, oldObject: deployment(1) })),
    ).toBeUndefined();
  });

  it('evaluates matchConditions and variables; errors follow failurePolicy', async () => {
    const p = policy('p', {
      matchConditions: [{ name: 'not-system', expression: '!request.userInfo.username.startsWith("system:")' }],
      variables: [{ name: 'r', expression: 'object.spec.replicas' }],
      validations: [{ expression: 'variables.r < 3' }],
    });
    const plugin = new ValidatingAdmissionPolicyPlugin(host([p], [binding('b', 'p')]));
    expect(await refusal(plugin, create(deployment(4)))).toBeDefined();
    expect(await refusal(plugin, create(deployment(4), { user: { name: 'system:admin', groups: [] } }))).toBeUndefined();
    const broken = (failurePolicy: string) => policy('broken', { failurePolicy, validations: [{ expression: 'object.spec.nothing > 1' }] });
    const err = (await refusal(
      new ValidatingAdmissionPolicyPlugin(host([broken('Fail')], [binding('b', 'broken')])),
      create(deployment(1)),
    ))!;
    expect(err.message).toMatch(/denied request: expression 'object.spec.nothing > 1' resulted in error: no such key: nothing$/);
    expect(
      await refusal(new ValidatingAdmissionPolicyPlugin(host([broken('Ignore')], [binding('b', 'broken')])), create(deployment(1))),
    ).toBeUndefined();
  });

  it('matches an equivalent version under Equivalent (request.resource is the matched one), not under Exact', async () => {
    const rule = { operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] };
    const p = (matchPolicy: string) =>
      policy('hpa', {
        matchConstraints: { resourceRules: [rule], matchPolicy },
        validations: [{ expression: 'false', messageExpression: 'request.resource.version + "/" + request.requestResource.version' }],
      });
    const v1 = {
      resource: { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' },
      kind: { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' },
    };
    const hpa: KObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'prod' },
      spec: {},
    };
    const attrs = () =>
      create(hpa, {
        kind: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
        resource: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
      });
    const equivalent = { ...host([p('Equivalent')], [binding('b', 'hpa')]), equivalents: () => [v1] };
    expect((await refusal(new ValidatingAdmissionPolicyPlugin(equivalent), attrs()))!.message).toMatch(/denied request: v1\/v2$/);
    const exact = { ...host([p('Exact')], [binding('b', 'hpa')]), equivalents: () => [v1] };
    expect(await refusal(new ValidatingAdmissionPolicyPlugin(exact), attrs())).toBeUndefined();
  });

  it('never applies to admission configuration itself', async () => {
    const p = policy('p', {
      matchConstraints: { resourceRules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] },
      validations: [{ expression: 'false' }],
    });
    const plugin = new ValidatingAdmissionPolicyPlugin(host([p], [binding('b', 'p')]));
    const attrs = create(p, {
      kind: { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicy' },
      resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies' },
      namespace: '',
    });
    expect(plugin.handles(attrs)).toBe(false);
    expect(plugin.handles(create(deployment(1)))).toBe(true);
  });
});

describe('ValidatingAdmissionPolicy validation', () => {
  it('refuses expressions that do not parse or read params without a paramKind, keeps those naming functions cel-js lacks', async () => {
    const { validateValidatingAdmissionPolicy } = await import('../../src/registry/strategies/admissionregistration/policies.js');
    const p = policy('p', {
      validations: [
        { expression: 'object.spec.replicas <', messageExpression: '"x" +' },
        { expression: 'quantity("1Gi").isGreaterThan(quantity("1"))' },
      ],
      variables: [
        { name: 'v', expression: 'object.(' },
        { name: 'p', expression: 'params.data' },
        { name: 's', expression: 'sets.contains([1], [1])' },
      ],
    });
    const errs = validateValidatingAdmissionPolicy(p as never).map((e) => `${e.field}: ${'detail' in e ? e.detail : ''}`);
    expect(errs).toEqual([
      'spec.validations[0].expression: compilation failed: Unexpected token: EOF',
      'spec.validations[0].messageExpression: compilation failed: Unexpected token: EOF',
      'spec.variables[0].expression: compilation failed: Expected IDENTIFIER, got LPAREN',
      "spec.variables[1].expression: compilation failed: undeclared reference to 'params' (in container '')",
    ]);
    const withParams = policy('p', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [{ expression: 'params.data.x == "1"' }],
    });
    expect(validateValidatingAdmissionPolicy(withParams as never)).toEqual([]);
  });
});
