// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration: stored and
// validated as upstream (matchConditions must parse), with v1's defaults; src/admission/webhook calls them.
import type { Strategy } from '../../types.js';
import { arr, child, duplicate, index, invalid, isObj, isSet, notSupported, obj, required, type Errs, type J } from '../common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../common/names.js';
import { syntaxError } from '../../../admission/cel/environment.js';
import {
  defaultRules,
  validateFailurePolicy,
  validateMatchConditions,
  validateMatchPolicy,
  validateRuleWithOperations,
  validateSelectors,
} from './rules.js';

const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const REINVOCATION = ['IfNeeded', 'Never'];

function validateClientConfig(cc: J, field: string): Errs {
  const hasURL = isSet(cc.url);
  const hasService = isObj(cc.service);
  if (hasURL === hasService) return [required(field, 'exactly one of url or service is required')];
  const errs: Errs = [];
  if (hasURL) {
    const f = child(field, 'url');
    let u: URL | undefined;
    try {
      u = new URL(String(cc.url));
    } catch {
      return [invalid(f, cc.url, 'host must be specified')];
    }
    if (u.protocol !== 'https:') errs.push(invalid(f, cc.url, "'https' is the only allowed URL scheme"));
    if (!u.hostname) errs.push(invalid(f, cc.url, 'host must be specified'));
    if (u.username || u.password) errs.push(invalid(f, cc.url, 'user information is not permitted in the URL'));
    if (u.hash) errs.push(invalid(f, cc.url, 'fragments are not permitted in the URL'));
    if (u.search) errs.push(invalid(f, cc.url, 'query parameters are not permitted in the URL'));
    return errs;
  }
  const svc = cc.service;
  const f = child(field, 'service');
  if (!svc.name) errs.push(required(child(f, 'name'), 'service name is required'));
  else errs.push(...isDNS1123Label(svc.name).map((m) => invalid(child(f, 'name'), svc.name, m)));
  if (!svc.namespace) errs.push(required(child(f, 'namespace'), 'service namespace is required'));
  else errs.push(...isDNS1123Label(svc.namespace).map((m) => invalid(child(f, 'namespace'), svc.namespace, m)));
  errs.push(...validateServicePath(svc.path, child(f, 'path')));
  if (isSet(svc.port) && (svc.port < 1 || svc.port > 65535))
    errs.push(invalid(child(f, 'port'), svc.port, 'port is not valid: must be between 1 and 65535, inclusive'));
  return errs;
}

/** The service path as ValidateWebhookService checks it: empty or `/` is the root; else `/`-led DNS-1123 segments. */
function validateServicePath(path: unknown, field: string): Errs {
  if (!isSet(path)) return [];
  const p = String(path);
  if (p === '/' || p === '') return [];
  if (p === '//') return [invalid(field, p, 'segment[0] may not be empty')];
  const errs: Errs = [];
  if (!p.startsWith('/')) errs.push(invalid(field, p, "must start with a '/'"));
  let rest = p.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  rest.split('/').forEach((step, i) => {
    if (!step) errs.push(invalid(field, p, `segment[${i}] may not be empty`));
    else for (const m of isDNS1123Subdomain(step)) errs.push(invalid(field, p, `segment[${i}]: ${m}`));
  });
  return errs;
}

function validateWebhook(w: J, field: string, mutating: boolean): Errs {
  const errs: Errs = [];
  const name = String(w.name ?? '');
  if (!name) errs.push(required(child(field, 'name')));
  else {
    errs.push(...isDNS1123Subdomain(name).map((m) => invalid(child(field, 'name'), name, m)));
    if (name.split('.').length < 3)
      errs.push(invalid(child(field, 'name'), name, 'should be a domain with at least three segments separated by dots'));
  }
  arr(w.rules).forEach((r: J, i) => errs.push(...validateRuleWithOperations(r, index(child(field, 'rules'), i))));
  errs.push(...validateFailurePolicy(w.failurePolicy, child(field, 'failurePolicy')));
  errs.push(...validateMatchPolicy(w.matchPolicy, child(field, 'matchPolicy')));
  if (!isSet(w.sideEffects)) errs.push(required(child(field, 'sideEffects'), `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!SIDE_EFFECTS.includes(w.sideEffects)) errs.push(notSupported(child(field, 'sideEffects'), w.sideEffects, SIDE_EFFECTS));
  if (isSet(w.timeoutSeconds) && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30))
    errs.push(invalid(child(field, 'timeoutSeconds'), w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  const versions = arr(w.admissionReviewVersions);
  const vf = child(field, 'admissionReviewVersions');
  if (versions.length === 0) errs.push(required(vf, `must specify one of ${REVIEW_VERSIONS.join(', ')}`));
  else {
    const seen = new Set<unknown>();
    versions.forEach((v: unknown, i) => {
      if (seen.has(v)) errs.push(duplicate(index(vf, i), v));
      seen.add(v);
    });
    if (!versions.some((v) => REVIEW_VERSIONS.includes(String(v))))
      errs.push(invalid(vf, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  }
  if (mutating && isSet(w.reinvocationPolicy) && !REINVOCATION.includes(w.reinvocationPolicy))
    errs.push(notSupported(child(field, 'reinvocationPolicy'), w.reinvocationPolicy, REINVOCATION));
  errs.push(...validateSelectors(w, field));
  errs.push(...validateClientConfig(obj(w.clientConfig), child(field, 'clientConfig')));
  errs.push(...validateMatchConditions(w.matchConditions, child(field, 'matchConditions')));
  arr(w.matchConditions).forEach((c: J, i) => {
    const expression = c?.expression;
    if (typeof expression !== 'string' || !expression.trim()) return;
    const why = syntaxError(expression);
    if (why) errs.push(invalid(child(index(child(field, 'matchConditions'), i), 'expression'), expression, `compilation failed: ${why}`));
  });
  return errs;
}

function validateConfiguration(cfg: J, mutating: boolean): Errs {
  const errs = validateObjectMeta(cfg.metadata, { namespaced: false });
  const names = new Set<string>();
  arr(cfg.webhooks).forEach((w: J, i) => {
    const f = index('webhooks', i);
    errs.push(...validateWebhook(obj(w), f, mutating));
    if (w?.name && names.has(w.name)) errs.push(duplicate(child(f, 'name'), w.name));
    names.add(w?.name);
  });
  return errs;
}

/** SetDefaults of admissionregistration/v1 webhooks. */
function defaultWebhooks(cfg: J, mutating: boolean): void {
  for (const w of arr(cfg.webhooks)) {
    if (!isObj(w)) continue;
    w.failurePolicy ||= 'Fail';
    w.matchPolicy ||= 'Equivalent';
    w.namespaceSelector ??= {};
    w.objectSelector ??= {};
    w.timeoutSeconds ??= 10;
    if (mutating) w.reinvocationPolicy ||= 'Never';
    if (isObj(w.clientConfig?.service)) w.clientConfig.service.port ??= 443;
    defaultRules(w.rules);
  }
}

const webhookStrategy = (mutating: boolean): Strategy => ({
  defaults: (o) => defaultWebhooks(o, mutating),
  validate: (o) => validateConfiguration(o, mutating),
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['webhooks'],
});

export const mutatingWebhookConfigurationStrategy = webhookStrategy(true);
export const validatingWebhookConfigurationStrategy = webhookStrategy(false);
