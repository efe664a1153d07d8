// The errors of webhook admission in upstream's words (admission/plugin/webhook/errors and util/webhook): a call that
// failed (`failed calling webhook "<name>": ...`, 500 InternalError when the failurePolicy is Fail), a denial
// (`admission webhook "<name>" denied the request: <message>`, with the webhook's status code, at least 400), and a
// dry run refused by a webhook with side effects (400).
import { badRequest, internal, StatusError, type StatusDetails } from '../../machinery/api/errors.js';
import type { ReviewStatus } from './review.js';

/** ErrCallingWebhook: subject to the webhook's failurePolicy. */
export class WebhookCallFailure extends Error {
  constructor(
    readonly webhookName: string,
    readonly reason: string,
  ) {
    super(`failed calling webhook "${webhookName}": ${reason}`);
  }
}

/** What a failure becomes when the failurePolicy is Fail. */
export const failClosed = (f: WebhookCallFailure): StatusError => internal(f.message);

/** webhookerrors.ToStatusErr. */
export function deniedBy(webhookName: string, status: ReviewStatus | undefined): StatusError {
  const by = `admission webhook ${JSON.stringify(webhookName)} denied the request`;
  const message = status?.message ? `${by}: ${status.message}` : status?.reason ? `${by}: ${status.reason}` : `${by} without explanation`;
  const code = typeof status?.code === 'number' && status.code >= 400 ? status.code : 400;
  return new StatusError(code, status?.reason ?? '', message, status?.details as StatusDetails | undefined);
}

export const dryRunUnsupported = (webhookName: string) =>
  badRequest(`admission webhook ${JSON.stringify(webhookName)} does not support dry run`);
