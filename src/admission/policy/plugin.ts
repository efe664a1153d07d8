// The ValidatingAdmissionPolicy admission plugin (k8s.io/apiserver's plugin/policy/validating): every policy whose
// matchConstraints select the request is evaluated for each of its bindings that select it too, with each of the
// binding's params; failed validations act as the binding's validationActions say (Deny refuses, Warn adds a warning,
// Audit records the failure). Policies and bindings are read fresh from the watch cache on every matching request.
import type { Authorizer } from '../../authorization/types.js';
import { StatusError } from '../../machinery/api/errors.js';
import { compareStrings } from '../../machinery/compare.js';
import type { KObject } from '../../registry/types.js';
import { admissionVariables } from '../cel/environment.js';
import type { AdmissionAttributes, ValidatingAdmission } from '../chain.js';
import { compiledPolicy, type CompiledPolicy } from './compiled.js';
import { isExemptAdmissionConfiguration, matchResources, NamespaceNotFound, type Matched, type MatchResources } from './matching.js';
import { BindingConfigError, collectParams, type ParamRef, type ParamSource } from './params.js';
import { validatePolicy } from './validator.js';

/** What the plugin reads: policies, bindings, namespaces and params from the watch cache; the server's authorizer. */
export interface PolicyHost {
  authorizer: Authorizer;
  /** Synchronous and cheap: whether any policy is stored at all (requests pass untouched when none is). */
  hasPolicies(): boolean;
  policies(): Promise<KObject[]>;
  bindings(): Promise<KObject[]>;
  namespace(name: string): Promise<KObject | undefined>;
  /** The served kind a paramKind names, or undefined when none is served. */
  paramSource(apiVersion: string, kind: string): ParamSource | undefined;
  /** Served resources equivalent to `resource` (matchPolicy Equivalent). */
  equivalents(resource: Matched['resource'], subresource: string): Matched[];
}

interface BindingSpec {
  policyName?: string;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions?: string[];
}

interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

/** Audit annotation of a failed validation under the Audit action. */
export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';
const MAX_ANNOTATION_VALUE = 10 * 1024;

export class ValidatingAdmissionPolicyPlugin implements ValidatingAdmission {
  readonly name = 'ValidatingAdmissionPolicy';

  constructor(private readonly host: PolicyHost) {}

  handles(attrs: AdmissionAttributes): boolean {
    return this.host.hasPolicies() && !isExemptAdmissionConfiguration(attrs.resource);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    const [policies, bindings] = await Promise.all([this.host.policies(), this.host.bindings()]);
    if (policies.length === 0) return;
    const byPolicy = new Map<string, KObject[]>();
    for (const b of bindings) {
      const p = (b.spec as BindingSpec | undefined)?.policyName ?? '';
      byPolicy.set(p, [...(byPolicy.get(p) ?? []), b]);
    }
    let nsLabels: Promise<Record<string, string> | undefined> | undefined;
    let namespaceObject: Promise<KObject | undefined> | undefined;
    const ctx = {
      namespaceLabels: () => (nsLabels ??= this.namespaceOf(attrs).then((ns) => (ns ? (ns.metadata.labels ?? {}) : undefined))),
      equivalents: () => this.host.equivalents(attrs.resource, attrs.subresource),
    };
    const denials: Denial[] = [];
    for (const stored of policies) {
      const policyBindings = byPolicy.get(stored.metadata.name ?? '');
      if (!policyBindings?.length) continue;
      const policy = compiledPolicy(stored);
      // auditAnnotations' values by key, over all of the policy's bindings and params (duplicates once).
      const collected = new Map<string, string[]>();
      const configError = (e: unknown, binding?: string) => {
        if (policy.failurePolicy === 'Ignore') return;
        const why = e instanceof Error ? e.message : String(e);
        denials.push({
          policy: policy.name,
          ...(binding !== undefined ? { binding } : {}),
          message: `failed to configure ${binding !== undefined ? 'binding' : 'policy'}: ${why}`,
        });
      };
      let matched: Matched | undefined;
      try {
        matched = await matchResources(policy.matchConstraints, attrs, ctx, false);
      } catch (e) {
        if (e instanceof NamespaceNotFound) throw notFoundNamespace(e.namespace);
        configError(e);
        continue;
      }
      if (!matched) continue;
      const paramSource = policy.paramKind ? this.host.paramSource(policy.paramKind.apiVersion, policy.paramKind.kind) : undefined;
      if (policy.paramKind && !paramSource) {
        configError(new Error(`failed to find resource referenced by paramKind: '${gvkString(policy.paramKind)}'`));
        continue;
      }
      for (const binding of [...policyBindings].sort(byName)) {
        const bindingName = binding.metadata.name ?? '';
        const spec = (binding.spec ?? {}) as BindingSpec;
        try {
          if (spec.matchResources && !(await matchResources(spec.matchResources, attrs, ctx, true))) continue;
        } catch (e) {
          if (e instanceof NamespaceNotFound) throw notFoundNamespace(e.namespace);
          configError(e, bindingName);
          continue;
        }
        let params: (KObject | null)[];
        try {
          params = await collectParams(policy.paramKind, paramSource, spec.paramRef, attrs.namespace);
        } catch (e) {
          if (!(e instanceof BindingConfigError)) throw e;
          configError(e, bindingName);
          continue;
        }
        const isNamespace = attrs.kind.group === '' && attrs.kind.kind === 'Namespace';
        const ns = attrs.namespace && !isNamespace ? ((await (namespaceObject ??= this.namespaceOf(attrs))) ?? null) : null;
        for (const param of params) {
          const vars = admissionVariables(attrs, { authorizer: this.host.authorizer, matched, params: param, namespaceObject: ns });
          this.act(policy, bindingName, spec.validationActions ?? [], validatePolicy(policy, vars), attrs, denials, collected);
        }
      }
      // Published as `<policy>/<key>`, several distinct values joined, as upstream's collector does.
      for (const [key, values] of collected) addAnnotation(attrs, `${policy.name}/${key}`, values.join(', '));
    }
    if (denials.length) throw refusal(attrs, denials[0]!);
  }

  private act(
    policy: CompiledPolicy,
    binding: string,
    actions: string[],
    result: ReturnType<typeof validatePolicy>,
    attrs: AdmissionAttributes,
    denials: Denial[],
    collected: Map<string, string[]>,
  ): void {
    for (const d of result.decisions) {
      if (d.action !== 'deny') continue;
      for (const action of actions) {
        if (action === 'Deny')
          denials.push({ policy: policy.name, binding, message: d.message ?? '', ...(d.reason ? { reason: d.reason } : {}) });
        else if (action === 'Warn')
          attrs.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${policy.name}' with binding '${binding}': ${d.message}`);
        else if (action === 'Audit')
          addAnnotation(
            attrs,
            VALIDATION_FAILURE_ANNOTATION,
            goJson([{ message: d.message ?? '', policy: policy.name, binding, expressionIndex: d.index, validationActions: actions }]),
          );
      }
    }
    for (const a of result.auditAnnotations) {
      // With failurePolicy Fail an annotation that cannot be computed refuses the request, as upstream.
      if (a.error !== undefined && policy.failurePolicy !== 'Ignore') denials.push({ policy: policy.name, binding, message: a.error });
      if (a.value === undefined) continue;
      const value = a.value.slice(0, MAX_ANNOTATION_VALUE);
      const values = collected.get(a.key) ?? [];
      if (!values.includes(value)) collected.set(a.key, [...values, value]);
    }
  }

  private async namespaceOf(attrs: AdmissionAttributes): Promise<KObject | undefined> {
    return attrs.namespace ? this.host.namespace(attrs.namespace) : undefined;
  }
}

/** AddAnnotation: a key once set keeps its first value (upstream refuses to overwrite it). */
function addAnnotation(attrs: AdmissionAttributes, key: string, value: string): void {
  if (attrs.auditAnnotations && !(key in attrs.auditAnnotations)) attrs.auditAnnotations[key] = value;
}

/** encoding/json's output: HTML-sensitive characters escaped. */
const goJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

const byName = (a: KObject, b: KObject) => compareStrings(a.metadata.name ?? '', b.metadata.name ?? '');

const gvkString = (k: { apiVersion: string; kind: string }) => {
  const slash = k.apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', k.apiVersion] : [k.apiVersion.slice(0, slash), k.apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${k.kind}`;
};

const CODES: Record<string, number> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };

/** admission.NewForbidden's text, with the validation's reason and its code (422 for Invalid, the default). */
function refusal(attrs: AdmissionAttributes, d: Denial): StatusError {
  const message =
    d.binding !== undefined
      ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
      : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const { group, resource } = attrs.resource;
  const gr = group ? `${resource}.${group}` : resource;
  const name = attrs.name || (attrs.object ?? attrs.oldObject)?.metadata?.name || '';
  const reason = d.reason || 'Invalid';
  return new StatusError(CODES[reason] ?? 422, reason, `${gr}${name ? ` "${name}"` : ''} is forbidden: ${message}`, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind: resource,
    causes: [{ message }],
  });
}

function notFoundNamespace(namespace: string): StatusError {
  return new StatusError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
}
