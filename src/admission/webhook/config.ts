// The webhooks of Mutating/ValidatingWebhookConfigurations as the dispatchers use them (upstream's
// webhook.WebhookAccessor): each one's stored fields with v1's defaults, its selectors parsed once per change.
import { everything, labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { WebhookClientConfig } from '../../webhook/client-config.js';

export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  /** '*' (default), 'Cluster' or 'Namespaced'. */
  scope?: string;
}

export interface MatchCondition {
  name: string;
  expression: string;
}

/** One entry of `webhooks` (admissionregistration/v1 MutatingWebhook and ValidatingWebhook). */
export interface WebhookSpec {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: WebhookRule[];
  failurePolicy?: 'Fail' | 'Ignore';
  matchPolicy?: 'Exact' | 'Equivalent';
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: 'Never' | 'IfNeeded';
  matchConditions?: MatchCondition[];
}

export interface Webhook {
  /** `<configuration>/<index>`: which webhook this is across changes of its configuration. */
  readonly id: string;
  readonly configurationName: string;
  readonly spec: WebhookSpec;
  readonly mutating: boolean;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly matchPolicy: 'Exact' | 'Equivalent';
  readonly timeoutSeconds: number;
  readonly reinvocationPolicy: 'Never' | 'IfNeeded';
  /** A selector that does not parse matches nothing and fails the call, as upstream's accessor error does. */
  readonly namespaceSelector: LabelSelector | Error;
  readonly objectSelector: LabelSelector | Error;
}

function selector(sel: LabelSelectorObject | undefined): LabelSelector | Error {
  if (!sel) return everything();
  try {
    return labelSelectorFromObject(sel);
  } catch (e) {
    return e as Error;
  }
}

/** The webhooks of one configuration object, in their order. */
export function webhooksOf(config: KObject, mutating: boolean): Webhook[] {
  const name = config.metadata.name ?? '';
  const specs = ((config as { webhooks?: WebhookSpec[] }).webhooks ?? []).filter((w) => w && typeof w.name === 'string');
  return specs.map((spec, i) => ({
    id: `${name}/${i}`,
    configurationName: name,
    spec,
    mutating,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    matchPolicy: spec.matchPolicy === 'Exact' ? 'Exact' : 'Equivalent',
    timeoutSeconds: spec.timeoutSeconds ?? 10,
    reinvocationPolicy: mutating && spec.reinvocationPolicy === 'IfNeeded' ? 'IfNeeded' : 'Never',
    namespaceSelector: selector(spec.namespaceSelector),
    objectSelector: selector(spec.objectSelector),
  }));
}
