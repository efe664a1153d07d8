// What both webhook plugins share (admission/plugin/webhook/generic): which webhooks a request goes to (rules, or an
// equivalent resource under matchPolicy Equivalent; namespaceSelector; objectSelector; matchConditions) and one call
// of one webhook: the dry-run check against sideEffects, the AdmissionReview out and the response's checks back.
import { randomUUID } from 'node:crypto';
import { internal, notFound } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { WebhookCaller } from '../../webhook/https-caller.js';
import { WebhookCallError } from '../../webhook/https-caller.js';
import type { AdmissionAttributes } from '../chain.js';
import type { Webhook } from './config.js';
import { dryRunUnsupported, WebhookCallFailure } from './errors.js';
import type { EquivalentResources } from './equivalents.js';
import { isExemptFromWebhooks, rulesMatch, type RuleTarget } from './rules.js';
import { admissionReview, reviewVersionFor, verifyReviewResponse, type Matched, type ReviewResult } from './review.js';

export interface DispatcherDeps {
  caller: WebhookCaller;
  equivalents: EquivalentResources;
  /** A namespace's labels, or undefined when it does not exist. */
  namespaceLabels(name: string): Promise<Record<string, string> | undefined>;
  /**
   * Whether the webhook's matchConditions hold (true when it has none); throws a WebhookCallFailure when one cannot
   * be evaluated.
   */
  matchConditions(hook: Webhook, attrs: AdmissionAttributes, matched: Matched | undefined): Promise<boolean>;
  /** Told of a failure a webhook's failurePolicy Ignore let through. */
  onFailOpen?(hook: Webhook, failure: WebhookCallFailure): void;
}

/** A webhook that a request goes to, and in which version it sees the objects. */
export interface Invocation {
  hook: Webhook;
  matched?: Matched;
  toWebhook(obj: KObject): KObject;
  fromWebhook(obj: KObject): KObject;
}

const same = (o: KObject) => o;

const targetOf = (attrs: AdmissionAttributes, group: string, version: string, resource: string): RuleTarget => ({
  operation: attrs.operation,
  group,
  version,
  resource,
  subresource: attrs.subresource,
  namespace: attrs.namespace,
});

/** The rule match alone (cheap): which version the webhook would see the request in, or undefined. */
export function matchRules(hook: Webhook, attrs: AdmissionAttributes, equivalents: EquivalentResources): Invocation | undefined {
  const r = attrs.resource;
  if (isExemptFromWebhooks(r.group, r.resource)) return undefined;
  if (rulesMatch(hook.spec.rules, targetOf(attrs, r.group, r.version, r.resource))) return { hook, toWebhook: same, fromWebhook: same };
  if (hook.matchPolicy !== 'Equivalent') return undefined;
  for (const eq of equivalents.of(r.group, r.version, r.resource)) {
    const m = eq.matched.resource;
    if (rulesMatch(hook.spec.rules, targetOf(attrs, m.group, m.version, m.resource)))
      return { hook, matched: eq.matched, toWebhook: eq.toMatched, fromWebhook: eq.fromMatched };
  }
  return undefined;
}

const labelsOf = (o: KObject | undefined) => o?.metadata?.labels ?? {};

/** The selectors and matchConditions, after the rules matched (namespace.Matcher, object.Matcher, matchconditions). */
async function selectorsMatch(inv: Invocation, attrs: AdmissionAttributes, deps: DispatcherDeps): Promise<boolean> {
  const hook = inv.hook;
  const nsSel = hook.namespaceSelector;
  if (nsSel instanceof Error) throw internal(nsSel.message);
  const namespaceObject = attrs.resource.group === '' && attrs.resource.resource === 'namespaces';
  if (!nsSel.empty && (attrs.namespace !== '' || namespaceObject)) {
    let labels: Record<string, string> | undefined;
    if (namespaceObject) labels = labelsOf(attrs.object ?? attrs.oldObject);
    else {
      labels = await deps.namespaceLabels(attrs.namespace);
      // For backwards compatibility upstream answers a missing namespace with a 404.
      if (!labels) throw notFound({ group: '', resource: 'namespaces' }, attrs.namespace);
    }
    if (!nsSel.matches(labels)) return false;
  }
  const objSel = hook.objectSelector;
  if (objSel instanceof Error) throw internal(objSel.message);
  if (!objSel.empty) {
    // An object without metadata (a CONNECT's options) is never selected by a non-empty objectSelector, as
    // object.Matcher: its metadata accessor fails.
    const hit = (o: KObject | undefined) => o?.metadata !== undefined && objSel.matches(labelsOf(o));
    if (!hit(attrs.object) && !hit(attrs.oldObject)) return false;
  }
  return true;
}

/**
 * The invocation when the request goes to this webhook, undefined when it does not; throws a StatusError when a
 * selector fails, a WebhookCallFailure when a matchCondition cannot be evaluated.
 */
export async function shouldCall(hook: Webhook, attrs: AdmissionAttributes, deps: DispatcherDeps): Promise<Invocation | undefined> {
  const inv = matchRules(hook, attrs, deps.equivalents);
  if (!inv || !(await selectorsMatch(inv, attrs, deps))) return undefined;
  if (hook.spec.matchConditions?.length) {
    const versioned = {
      ...attrs,
      object: attrs.object && inv.toWebhook(attrs.object),
      oldObject: attrs.oldObject && inv.toWebhook(attrs.oldObject),
    };
    if (!(await deps.matchConditions(hook, versioned, inv.matched))) return undefined;
  }
  return inv;
}

/** One call; a WebhookCallFailure for what the failurePolicy decides about, a StatusError otherwise. */
export async function callWebhook(
  inv: Invocation,
  attrs: AdmissionAttributes,
  object: KObject | undefined,
  deps: DispatcherDeps,
): Promise<ReviewResult> {
  const hook = inv.hook;
  const name = hook.spec.name;
  if (attrs.dryRun) {
    const effects = hook.spec.sideEffects;
    if (!effects) throw new WebhookCallFailure(name, 'Webhook SideEffects is nil');
    if (effects !== 'None' && effects !== 'NoneOnDryRun') throw dryRunUnsupported(name);
  }
  const version = reviewVersionFor(hook.spec.admissionReviewVersions);
  if (!version)
    throw new WebhookCallFailure(name, 'could not create admission objects: webhook does not accept known AdmissionReview versions');
  const uid = randomUUID();
  const review = admissionReview(
    version,
    uid,
    attrs,
    inv.matched,
    object && inv.toWebhook(object),
    attrs.oldObject && inv.toWebhook(attrs.oldObject),
  );
  let body: unknown;
  try {
    body = await deps.caller.post(hook.spec.clientConfig, review, { timeoutSeconds: hook.timeoutSeconds });
  } catch (e) {
    if (e instanceof WebhookCallError) throw new WebhookCallFailure(name, e.message);
    throw e;
  }
  try {
    return verifyReviewResponse(body, uid, version, hook.mutating);
  } catch (e) {
    throw new WebhookCallFailure(name, `received invalid webhook response: ${(e as Error).message}`);
  }
}

/**
 * Runs `fn`; a call failure of a webhook whose failurePolicy is Ignore gives `undefined` instead (and `ignored` is
 * told, for the audit annotation).
 */
export async function withFailurePolicy<T>(
  hook: Webhook,
  deps: DispatcherDeps,
  fn: () => Promise<T>,
  ignored?: () => void,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof WebhookCallFailure)) throw e;
    if (hook.failurePolicy === 'Ignore') {
      deps.onFailOpen?.(hook, e);
      ignored?.();
      return undefined;
    }
    throw internal(e.message);
  }
}
