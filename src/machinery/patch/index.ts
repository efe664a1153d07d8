// PATCH bodies: dispatch on the content type to JSON patch (RFC 6902), JSON merge patch (RFC 7386)
// or strategic merge patch, with the Status errors the apiserver answers (handlers/patch.go).
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { StatusError, badRequest, invalid, tooLarge } from '../api/errors.js';
import { DecodeLimitError, MAX_DECODED_BYTES, checkDecodedValue } from '../decode/limits.js';
import { GoJSONSyntaxError, parseJSONLikeGo } from './go-json.js';
import { jsonKindNoun } from './go-format.js';
import { genericInvalid } from './strategic-errors.js';
import { strategicMergePatch } from './strategic.js';
import { mergePatch } from './merge-patch.js';
import { keyGuard } from './json-patch-keys.js';
import { validatorWithoutClones } from './json-patch-validator.js';
import type { SchemaLookup } from './schema.js';

export { strategicMergePatch } from './strategic.js';
export { loadSchemaLookup, schemaLookupFrom } from './schema.js';
export type { SchemaLookup, OpenAPISchema } from './schema.js';
export { MERGE_KEYS } from './merge-keys.js';
export type { ListSemantics } from './merge-keys.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Patch types in the order the apiserver lists them; custom resources have no strategic merge. */
export function acceptedPatchTypes(strategic = true): string[] {
  return strategic ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
}

/** The media type without parameters (`; charset=utf-8`), as PatchResource compares it. */
export function patchMediaType(contentType: string): string {
  const i = contentType.indexOf(';');
  return i > 0 ? contentType.slice(0, i) : contentType;
}

/** 415 for a PATCH whose Content-Type is not an accepted patch type. */
export function unsupportedPatchType(strategic = true): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${acceptedPatchTypes(strategic).join(', ')}`,
  );
}

/** The apiserver caps JSON patches at this many operations (413 beyond). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export interface PatchContext {
  schema: SchemaLookup;
  /** OpenAPI definition of the patched object, e.g. io.k8s.api.apps.v1.Deployment. */
  definition: string;
  /** false for kinds without strategic merge support (custom resources). Default true. */
  strategic?: boolean;
  /** fieldValidation query parameter; Strict/Warn change some decode error texts. */
  fieldValidation?: string;
}

const strictDecode = (ctx: PatchContext) => ctx.fieldValidation === 'Strict' || ctx.fieldValidation === 'Warn';
const text = (body: Buffer | string) => (typeof body === 'string' ? body : body.toString('utf8'));

/**
 * Applies a PATCH body to `original` and returns the patched object; `original` is never modified.
 * Server-side apply (application/apply-patch+yaml) is handled elsewhere.
 */
export function applyPatch(contentType: string, original: object, patchBody: Buffer | string, ctx: PatchContext): object {
  const type = patchMediaType(contentType);
  const strategic = ctx.strategic ?? true;
  if (!acceptedPatchTypes(strategic).includes(type)) throw unsupportedPatchType(strategic);
  let result: object;
  switch (type) {
    case JSON_PATCH:
      result = applyJsonPatch(original, text(patchBody), ctx);
      break;
    case MERGE_PATCH:
      result = applyMergePatch(original, text(patchBody), ctx);
      break;
    case STRATEGIC_MERGE_PATCH:
      result = applyStrategic(original, text(patchBody), ctx);
      break;
    default:
      throw new StatusError(500, 'InternalError', `Internal error occurred: ${type} patches are applied by server-side apply`);
  }
  checkPatched(result);
  return result;
}

/**
 * The patched object is decoded as a body would be: nesting past the decoders' bound is 422 on `patch` (as a
 * decode error of the patched JSON is in patch.go), growing past the body limit 413.
 */
function checkPatched(result: object): void {
  try {
    checkDecodedValue(result);
  } catch (e) {
    if (!(e instanceof DecodeLimitError)) throw e;
    if (e.tooLarge) throw tooLarge();
    throw invalid('', '', '', [{ type: 'FieldValueInvalid', field: 'patch', detail: e.message }]);
  }
}

function decode(body: string, prefix: string): unknown {
  try {
    return parseJSONLikeGo(body);
  } catch (e) {
    if (e instanceof GoJSONSyntaxError) throw badRequest(`${prefix}${e.message}`);
    throw e;
  }
}

function applyJsonPatch(original: object, body: string, ctx: PatchContext): object {
  const ops = decode(body, strictDecode(ctx) ? 'error decoding patch: ' : '');
  if (!Array.isArray(ops)) {
    throw badRequest(
      `${strictDecode(ctx) ? 'error decoding patch: ' : ''}json: cannot unmarshal ${jsonKindNoun(ops)} into Go value of type ${strictDecode(ctx) ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch'}`,
    );
  }
  const bad = ops.find((op) => op === null || typeof op !== 'object' || Array.isArray(op));
  if (bad !== undefined) throw badRequest(`json: cannot unmarshal ${jsonKindNoun(bad)} into Go value of type jsonpatch.Operation`);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  const guard = keyGuard();
  let result: unknown = guard.hide(original);
  // What `copy` operations add is bounded as the apiserver bounds it (JSONPatchMaxCopyBytes, the body limit):
  // otherwise each copy of the root could double the object.
  let copied = 0;
  try {
    for (const [i, op] of guard.hideOps(ops as Operation[]).entries()) {
      if (op.op === 'copy')
        copied += checkDecodedValue(fastJsonPatch.getValueByPointer(result, op.from), {
          bytes: MAX_DECODED_BYTES - copied,
          depth: Infinity,
        });
      result = fastJsonPatch.applyOperation(result, op, validatorWithoutClones(), true, true, i).newDocument;
    }
  } catch {
    // Test failures, missing paths, malformed operations and copies past the limit all give the same generic 422.
    throw genericInvalid();
  }
  result = guard.reveal(result);
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw genericInvalid();
  return result;
}

function applyMergePatch(original: object, body: string, ctx: PatchContext): object {
  let patch: unknown;
  try {
    patch = parseJSONLikeGo(body);
  } catch (e) {
    if (!(e instanceof GoJSONSyntaxError)) throw e;
    throw badRequest(strictDecode(ctx) ? `error decoding patch: ${e.message}` : 'Invalid JSON Patch');
  }
  // evanphx/json-patch MergePatch refuses a null or scalar patch document.
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('Invalid JSON Patch');
  return mergePatch(original, patch) as object;
}

function applyStrategic(original: object, body: string, ctx: PatchContext): object {
  const patch = decode(body, '');
  return strategicMergePatch(original, patch, ctx.schema, ctx.definition) as object;
}
