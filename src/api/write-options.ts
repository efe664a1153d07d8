// CreateOptions, UpdateOptions and PatchOptions from the query, converted and validated as the apiserver's handlers do
// (DecodeParameters, then ValidateCreateOptions / ValidateUpdateOptions / ValidatePatchOptions): a value the
// options cannot carry is 422 Invalid on `<Kind>Options.meta.k8s.io ""`, before the body is even decoded.
import type { Request } from 'express';
import { invalid, type FieldError } from '../machinery/api/errors.js';

import type { FieldValidationMode } from '../machinery/api/meta.js';
export type { FieldValidationMode };
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

export interface WriteOptions {
  dryRun: string[];
  fieldManager?: string;
  /** The directive in force: an absent or empty parameter means Warn. */
  fieldValidation: FieldValidationMode;
  /** PatchOptions.force (only apply may set it). */
  force?: boolean;
}

/** metav1 validation.FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;
const DRY_RUN_VALUES = ['All'];
/** allowedFieldValidationValues, listed sorted as sets.List() does. */
const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];
// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const values = (req: Request, name: string): string[] => {
  const v = (req.query as Record<string, unknown>)[name];
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
};

/** Convert_Slice_string_To_Pointer_bool: "0" and any case of "false" are false, everything else true. */
const parseBoolParam = (v: string) => !(v === '0' || v.toLowerCase() === 'false');

/** ValidateDryRun: every value must be "All". Shared with DeleteOptions. */
export function dryRunErrors(dryRun: string[], field = 'dryRun'): FieldError[] {
  if (dryRun.every((v) => DRY_RUN_VALUES.includes(v))) return [];
  // A []string is printed with Go's %#v.
  const goList = `[]string{${dryRun.map((v) => JSON.stringify(v)).join(', ')}}`;
  return [{ type: 'FieldValueNotSupported', field, detail: goList, supported: DRY_RUN_VALUES }];
}

/** ValidateFieldManager: at most 128 bytes, printable characters only (positions are byte offsets, as Go ranges). */
export function fieldManagerErrors(fieldManager: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(fieldManager) > FIELD_MANAGER_MAX_LENGTH) {
    errs.push({ type: 'FieldValueTooLong', field: 'fieldManager', detail: `may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` });
  }
  let offset = 0;
  for (const ch of fieldManager) {
    if (!PRINTABLE.test(ch)) {
      const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      errs.push({
        type: 'FieldValueInvalid',
        field: 'fieldManager',
        value: fieldManager,
        detail: `invalid character ${code} (at position ${offset})`,
      });
    }
    offset += Buffer.byteLength(ch);
  }
  return errs;
}

/**
 * The options of a create, update or patch. `patchType` is the PATCH media type: `force` is only for apply, which in
 * turn needs a field manager.
 */
export function writeOptionsOf(req: Request, kind: OptionsKind, patchType?: string): WriteOptions {
  const dryRun = values(req, 'dryRun');
  const fieldManager = values(req, 'fieldManager')[0];
  const fieldValidation = values(req, 'fieldValidation')[0] ?? '';
  const forceValue = values(req, 'force')[0];
  const errs: FieldError[] = [];
  if (kind === 'PatchOptions') {
    if (patchType !== 'application/apply-patch+yaml') {
      if (forceValue !== undefined)
        errs.push({ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
    } else if (!fieldManager) {
      errs.push({ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' });
    }
  }
  errs.push(...fieldManagerErrors(fieldManager ?? ''));
  errs.push(...dryRunErrors(dryRun));
  if (!FIELD_VALIDATION_VALUES.includes(fieldValidation)) {
    errs.push({ type: 'FieldValueNotSupported', field: 'fieldValidation', value: fieldValidation, supported: FIELD_VALIDATION_VALUES });
  }
  if (errs.length) throw invalid(kind, 'meta.k8s.io', '', errs);
  return {
    dryRun,
    fieldManager: fieldManager || undefined,
    fieldValidation: (fieldValidation || 'Warn') as FieldValidationMode,
    force: forceValue === undefined ? undefined : parseBoolParam(forceValue),
  };
}
