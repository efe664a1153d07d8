// Conversion webhooks are called with the client admission webhooks use (src/webhook/): the same Service
// resolution, server name and caBundle check. Its errors carry admission's `failed to call webhook: ` prefix, which
// upstream's conversion messages do not have (`conversion webhook for <gvk> failed: Post "...": ...`).
import type { WebhookCaller } from '../../webhook/https-caller.js';
import type { CallWebhook } from './webhook-converter.js';

const ADMISSION_PREFIX = 'failed to call webhook: ';

export function conversionWebhookCall(caller: Pick<WebhookCaller, 'post'>): CallWebhook {
  return async (config, body, timeoutMs) => {
    try {
      return await caller.post(config, body, { timeoutSeconds: Math.round(timeoutMs / 1000) });
    } catch (e) {
      const message = (e as Error).message;
      throw new Error(message.startsWith(ADMISSION_PREFIX) ? message.slice(ADMISSION_PREFIX.length) : message);
    }
  };
}
