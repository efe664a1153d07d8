// A CRD's `Webhook` conversion strategy (apiextensions-apiserver's webhookConverter): objects not already in the wanted
// version go to the CRD's webhook in one ConversionReview, and what comes back is checked before it is served or
// stored. A failure is the request's error, with upstream's text (`conversion webhook for <gvk> failed: ...`).
import { randomUUID } from 'node:crypto';
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject, StorageConverter } from '../../registry/types.js';
import type { Crd } from '../types.js';
import { checkedConversion, conversionReviewRequest, convertedObjects, gvkString } from './review.js';
import type { WebhookClientConfig } from '../../webhook/client-config.js';

export type { WebhookClientConfig };

/** POSTs a JSON body to a webhook the way the apiserver does (service or URL, caBundle) and answers its JSON body. */
export type CallWebhook = (config: WebhookClientConfig, body: unknown, timeoutMs: number) => Promise<unknown>;

/** Conversion webhooks have no timeoutSeconds field; the apiserver's webhook client waits 30 s. */
const CONVERSION_TIMEOUT_MS = 30_000;

interface ConversionWebhook {
  clientConfig?: WebhookClientConfig;
  conversionReviewVersions?: string[];
}

/** A failed conversion as the apiserver answers it: a plain error, so a 500 without a reason. */
const conversionFailure = (message: string) => new StatusError(500, '', message);

export function webhookConverter(crd: Crd, servedVersion: string, storageVersion: string, call: CallWebhook): StorageConverter {
  const group = crd.spec.group;
  const kind = crd.status?.acceptedNames?.kind || crd.spec.names.kind;
  const webhook = (crd.spec.conversion?.webhook ?? {}) as ConversionWebhook;
  const clientConfig = webhook.clientConfig ?? {};
  const reviewVersions = webhook.conversionReviewVersions ?? [];

  const convert = async (objs: readonly KObject[], desiredAPIVersion: string, list: boolean): Promise<KObject[]> => {
    const sent = objs.filter((o) => o.apiVersion !== desiredAPIVersion);
    if (!sent.length) return [...objs];
    const single = !list;
    const gvk = gvkString(objs[0]!.apiVersion ?? '', single ? kind : `${kind}List`);
    const uid = randomUUID();
    let converted: unknown[];
    try {
      const review = conversionReviewRequest(reviewVersions, sent, desiredAPIVersion, uid);
      converted = convertedObjects(review.apiVersion, uid, await call(clientConfig, review, CONVERSION_TIMEOUT_MS));
    } catch (e) {
      throw conversionFailure(`conversion webhook for ${gvk} failed: ${(e as Error).message}`);
    }
    if (converted.length !== sent.length)
      throw conversionFailure(`conversion webhook for ${gvk} returned ${converted.length} objects, expected ${sent.length}`);
    let next = 0;
    try {
      return objs.map((o) => {
        if (o.apiVersion === desiredAPIVersion) return o;
        const at = next++;
        return checkedConversion(o, converted[at], desiredAPIVersion, single ? undefined : at + 1);
      });
    } catch (e) {
      throw conversionFailure(`conversion webhook for ${gvk} ${(e as Error).message}`);
    }
  };

  return {
    toServed: (objs, list) => convert(objs, `${group}/${servedVersion}`, list),
    toStored: async (obj) => (await convert([obj], `${group}/${storageVersion}`, false))[0]!,
  };
}
