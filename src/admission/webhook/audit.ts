// The audit annotations webhook admission adds (admission/plugin/webhook/mutating and validating): for each mutating
// webhook called, `mutation.webhook.admission.k8s.io/round_<r>_index_<i>` with its configuration, name and whether it
// changed the object; for a failure a failurePolicy Ignore let through, `failed-open.<mutation|validating>.webhook.
// admission.k8s.io/round_<r>_index_<i>` naming the webhook; and the webhook's own auditAnnotations as `<webhook>/<key>`.
import type { AdmissionAttributes } from '../chain.js';
import type { Webhook } from './config.js';

export function annotateMutation(attrs: AdmissionAttributes, hook: Webhook, round: number, index: number, mutated: boolean): void {
  if (!attrs.auditAnnotations) return;
  attrs.auditAnnotations[`mutation.webhook.admission.k8s.io/round_${round}_index_${index}`] = JSON.stringify({
    configuration: hook.configurationName,
    webhook: hook.spec.name,
    mutated,
  });
}

export function annotateFailedOpen(attrs: AdmissionAttributes, hook: Webhook, round: number, index: number): void {
  if (!attrs.auditAnnotations) return;
  const kind = hook.mutating ? 'mutation' : 'validating';
  attrs.auditAnnotations[`failed-open.${kind}.webhook.admission.k8s.io/round_${round}_index_${index}`] = hook.spec.name;
}

export function annotateFromWebhook(attrs: AdmissionAttributes, hook: Webhook, annotations: Record<string, string>): void {
  if (!attrs.auditAnnotations) return;
  for (const [k, v] of Object.entries(annotations)) attrs.auditAnnotations[`${hook.spec.name}/${k}`] = v;
}
