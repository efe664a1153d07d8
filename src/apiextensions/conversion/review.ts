// The ConversionReview exchange of apiextensions-apiserver's webhook converter, as pure functions: which objects go to
// the webhook, the request in the first review version both sides speak, and the checks on what comes back (same
// uid, Success, one object per object sent, each in the desired version and kind with the same identity; only labels
// and annotations may change in metadata).
import type { KObject } from '../../registry/types.js';
import { fieldErrorMessage, type FieldError } from '../../machinery/api/errors.js';
import { validateAnnotations, validateLabels } from '../../registry/strategies/common/meta.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The review versions this server sends, by the CRD's conversionReviewVersions name. */
const REVIEW_API_VERSIONS: Record<string, string> = {
  v1: 'apiextensions.k8s.io/v1',
  v1beta1: 'apiextensions.k8s.io/v1beta1',
};

/** Go's schema.GroupVersionKind String(): `stable.example.com/v1, Kind=CronTab`. */
export const gvkString = (apiVersion: string, kind: string) => `${apiVersion}, Kind=${kind}`;

/** The request body: the first of the CRD's review versions this server knows (upstream's order, not ours). */
export function conversionReviewRequest(
  reviewVersions: readonly string[],
  objects: readonly KObject[],
  desiredAPIVersion: string,
  uid: string,
) {
  const version = reviewVersions.find((v) => REVIEW_API_VERSIONS[v]);
  if (!version) throw new Error('no supported conversion review versions');
  return {
    kind: 'ConversionReview',
    apiVersion: REVIEW_API_VERSIONS[version]!,
    request: { uid, desiredAPIVersion, objects },
  };
}

/** The converted objects of a response, or the error upstream's getConvertedObjectsFromResponse gives. */
export function convertedObjects(sentApiVersion: string, uid: string, body: unknown): unknown[] {
  if (!isObj(body)) throw new Error('the response is not a ConversionReview object');
  const v1 = sentApiVersion === REVIEW_API_VERSIONS.v1;
  // v1beta1 answers were never checked for kind and uid upstream; v1 answers are.
  if (v1 && (body.apiVersion !== sentApiVersion || body.kind !== 'ConversionReview'))
    throw new Error(
      `expected webhook response of ${gvkString(sentApiVersion, 'ConversionReview')}, got ${gvkString(String(body.apiVersion ?? ''), String(body.kind ?? ''))}`,
    );
  const response = body.response;
  if (!isObj(response)) throw new Error('no response provided');
  if (v1 && response.uid !== uid) throw new Error(`expected response.uid="${uid}", got "${String(response.uid ?? '')}"`);
  const result = isObj(response.result) ? response.result : {};
  if (result.status !== 'Success') {
    if (typeof result.message === 'string' && result.message) throw new Error(result.message);
    throw new Error(`response.result.status was '${String(result.status ?? '')}', not 'Success'`);
  }
  return Array.isArray(response.convertedObjects) ? response.convertedObjects : [];
}

const metaOf = (o: Json): Json => (isObj(o.metadata) ? o.metadata : {});

/** validateConvertedObject: the identity of the object may not change. */
function identityError(original: KObject, converted: Json): string | undefined {
  const a = original.metadata;
  const b = metaOf(converted);
  if (original.kind !== converted.kind) return `must have the same kind: ${original.kind} != ${String(converted.kind ?? '')}`;
  for (const [field, label] of [
    ['name', 'name'],
    ['namespace', 'namespace'],
    ['uid', 'UID'],
  ] as const)
    if ((a[field] ?? '') !== (b[field] ?? '')) return `must have the same ${label}: ${String(a[field] ?? '')} != ${String(b[field] ?? '')}`;
  return undefined;
}

const aggregate = (errs: FieldError[]) => {
  const parts = errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
};

/** restoreObjectMeta: the original metadata, with the converted object's labels and annotations (validated). */
function restoredMeta(original: KObject, converted: Json): Json {
  if (!('metadata' in converted)) throw new Error('missing metadata in converted object');
  if (!isObj(converted.metadata)) throw new Error(`invalid metadata of type ${typeof converted.metadata} in converted object`);
  const out: Json = structuredClone(original.metadata) as Json;
  for (const field of ['labels', 'annotations'] as const) {
    const got = converted.metadata[field];
    if (got === undefined || got === null) {
      delete out[field];
      continue;
    }
    if (!isObj(got)) throw new Error(`invalid metadata.${field} of type ${Array.isArray(got) ? 'array' : typeof got} in converted object`);
    for (const [k, v] of Object.entries(got))
      if (typeof v !== 'string') throw new Error(`metadata.${field}[${k}] must be a string, but is ${typeof v} in converted object`);
    const errs = field === 'labels' ? validateLabels(got, 'metadata.labels') : validateAnnotations(got, 'metadata.annotation');
    if (errs.length) throw new Error(aggregate(errs));
    out[field] = got;
  }
  return out;
}

/**
 * The converted object checked against the one sent: desired group/version and kind, same identity; its metadata
 * the original's but for labels and annotations. `position` is the object's place in a converted list (upstream
 * counts it from 1 in these messages), undefined for a single object; the texts are upstream's for each case.
 */
export function checkedConversion(original: KObject, converted: unknown, desiredAPIVersion: string, position?: number): KObject {
  const single = position === undefined;
  const where = single ? 'object at index 0' : `converted object at index ${position}`;
  if (!isObj(converted)) throw new Error(`returned invalid ${where}: not an object`);
  if (converted.apiVersion !== desiredAPIVersion)
    throw new Error(
      `returned invalid ${where}: invalid groupVersion (expected ${desiredAPIVersion}, received ${String(converted.apiVersion ?? '')})`,
    );
  if (converted.kind !== original.kind)
    throw new Error(`returned invalid ${where}: invalid kind (expected ${original.kind}, received ${String(converted.kind ?? '')})`);
  const identity = identityError(original, converted);
  if (identity) throw new Error(`returned invalid ${single ? 'object' : where}: ${identity}`);
  try {
    return { ...converted, metadata: restoredMeta(original, converted) } as KObject;
  } catch (e) {
    throw new Error(`returned invalid metadata${single ? '' : ` in object at index ${position}`}: ${(e as Error).message}`);
  }
}
