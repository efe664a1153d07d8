// ValidatingAdmissionWebhook (admission/plugin/webhook/validating): the matching webhooks called at once, in
// parallel; the request is refused by the first (in configuration order) that denies it or fails closed.
import type { AdmissionAttributes, ValidatingAdmission } from '../chain.js';
import { annotateFailedOpen, annotateFromWebhook } from './audit.js';
import { deniedBy } from './errors.js';
import { callWebhook, matchRules, shouldCall, withFailurePolicy, type DispatcherDeps } from './dispatcher.js';
import type { WebhookSource } from './source.js';

export class ValidatingWebhookPlugin implements ValidatingAdmission {
  readonly name = 'ValidatingAdmissionWebhook';

  constructor(
    private readonly source: WebhookSource,
    private readonly deps: DispatcherDeps,
  ) {}

  handles(attrs: AdmissionAttributes): boolean {
    return this.source.validating().some((h) => matchRules(h, attrs, this.deps.equivalents) !== undefined);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    const outcomes = await Promise.allSettled(
      this.source.validating().map((hook, index) =>
        withFailurePolicy(
          hook,
          this.deps,
          async () => {
            const inv = await shouldCall(hook, attrs, this.deps);
            if (!inv) return;
            const result = await callWebhook(inv, attrs, attrs.object, this.deps);
            attrs.warnings.push(...result.warnings);
            annotateFromWebhook(attrs, hook, result.auditAnnotations);
            if (!result.allowed) throw deniedBy(hook.spec.name, result.status);
          },
          () => annotateFailedOpen(attrs, hook, 0, index),
        ),
      ),
    );
    const refused = outcomes.find((o) => o.status === 'rejected');
    if (refused) throw refused.reason;
  }
}
