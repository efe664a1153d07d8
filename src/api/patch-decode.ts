// The object a JSON, merge or strategic merge patch produced, decoded into the kind exactly as a create or update
// body is (handlers/patch.go decodes the patched JSON into the typed struct): a value of the wrong type is 422
// Invalid on `patch`, unknown fields follow fieldValidation (with the patch document's own strict errors first),
// and fields the kind does not have are dropped. So a patch can never store what an update would refuse.
import type { GVK } from '../openapi/definitions.js';
import { decodeProblems, findDuplicateFields, pruneUnknownFields } from '../openapi/field-validation.js';
import { goValue } from '../machinery/patch/go-format.js';
import { JSON_PATCH, STRATEGIC_MERGE_PATCH } from '../machinery/patch/index.js';
import type { KObject } from '../machinery/api/meta.js';
import { badRequest, invalid } from '../machinery/api/errors.js';
import type { FieldValidationMode } from './write-options.js';

export interface PatchedDecode {
  gvk: GVK;
  patchType: string;
  /** The patch document as sent. */
  body: string;
  mode: FieldValidationMode;
  /** The request's warnings (Warn mode adds to them). */
  warnings: string[];
}

/** The fields a JSON patch operation has (handlers.jsonPatchOp). */
const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'from', 'value']);

/**
 * Strict decoding errors of the patch document itself, found under Strict and Warn: duplicate keys, and for a JSON
 * patch also fields an operation does not have (prefixed `json patch`, as patch.go words them).
 */
export function patchDocumentErrors(patchType: string, body: string): string[] {
  let dups: string[];
  try {
    dups = findDuplicateFields(body, 'json');
  } catch {
    return [];
  } // a syntax error is reported by the patch itself
  if (patchType !== JSON_PATCH) return dups;
  const errs = dups.map((d) => `json patch ${d}`);
  let ops: unknown;
  try {
    ops = JSON.parse(body);
  } catch {
    return errs;
  }
  if (!Array.isArray(ops)) return errs;
  for (const op of ops) {
    if (op === null || typeof op !== 'object' || Array.isArray(op)) continue;
    for (const k of Object.keys(op)) if (!JSON_PATCH_OP_FIELDS.has(k)) errs.push(`json patch unknown field "${k}"`);
  }
  return errs;
}

/** json.Marshal of a decoded document: map keys sorted, <, > and & escaped. */
function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x === null || typeof x !== 'object') return x;
    const o = x as Record<string, unknown>;
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) out[k] = sorted(o[k]);
    return out;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/**
 * The patched object as the kind: throws 422 for a type error and 400 under Strict for unknown fields; returns the
 * object with unknown fields dropped. `documentErrors` are patchDocumentErrors(), computed once per request.
 */
export function decodePatchedObject(patched: unknown, d: PatchedDecode, documentErrors: string[]): KObject {
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched))
    throw badRequest('the patch produced something that is not an object');
  const { typeError, fieldErrors } = decodeProblems(d.gvk, patched);
  if (typeError) {
    // JSON and merge patches quote the patched document; a strategic merge patch quotes the patch (%+v of its map).
    let shown: string;
    if (d.patchType === STRATEGIC_MERGE_PATCH) {
      try {
        shown = goValue(JSON.parse(d.body));
      } catch {
        shown = d.body;
      }
    } else {
      shown = goJson(patched);
    }
    throw invalid('', '', '', [{ type: 'FieldValueInvalid', field: 'patch', detail: `${JSON.stringify(shown)}: ${typeError}` }]);
  }
  if (d.mode !== 'Ignore') {
    const problems = [...documentErrors, ...[...fieldErrors].sort()];
    if (problems.length && d.mode === 'Strict') throw badRequest(`strict decoding error: ${problems.join(', ')}`);
    d.warnings.push(...problems);
  }
  pruneUnknownFields(d.gvk, patched);
  return patched as KObject;
}
