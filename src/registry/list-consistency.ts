// resourceVersion / resourceVersionMatch on lists and gets, and continue tokens, as the apiserver checks them.
// The store serves the latest state only (no history), so an exact read is possible at the current
// revision alone, and a continue token stays valid while its revision is inside the watch window.
import { StatusError, invalid, type FieldError } from '../machinery/api/errors.js';

export interface ConsistencyOptions {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  continue?: string;
}

/** ListOptions validation (422 Invalid on ListOptions.meta.k8s.io, as ValidateListOptions upstream). */
export function validateListOptions(o: ConsistencyOptions): void {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (match) {
    if (!o.resourceVersion)
      errs.push({
        type: 'FieldValueForbidden',
        field: 'resourceVersionMatch',
        detail: 'resourceVersionMatch is forbidden unless resourceVersion is provided',
      });
    if (o.continue)
      errs.push({
        type: 'FieldValueForbidden',
        field: 'resourceVersionMatch',
        detail: 'resourceVersionMatch is forbidden when continue is provided',
      });
    if (match !== 'Exact' && match !== 'NotOlderThan')
      errs.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', value: match, supported: ['Exact', 'NotOlderThan', ''] });
    if (match === 'Exact' && o.resourceVersion === '0')
      errs.push({
        type: 'FieldValueForbidden',
        field: 'resourceVersionMatch',
        detail: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      });
  }
  if (errs.length) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
}

/**
 * Checks that a read at `resourceVersion` can be served from the current state:
 * newer than the store → 504 "Too large resource version"; Exact at an older revision → 410 Expired.
 */
export function checkReadRevision(o: ConsistencyOptions, current: number): void {
  const rv = o.resourceVersion;
  if (!rv || rv === '0') return;
  const n = Number(rv);
  if (!/^\d+$/.test(rv)) throw new StatusError(400, 'BadRequest', `invalid resource version: ${rv}`);
  if (n > current) {
    throw new StatusError(504, 'Timeout', `Too large resource version: ${n}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
  if (o.resourceVersionMatch === 'Exact' && n < current) {
    throw new StatusError(410, 'Expired', 'The resourceVersion for the provided list is too old.');
  }
}

/** 410 for a continue token older than what the server still remembers, with a token to go on inconsistently. */
export function expiredContinue(inconsistentToken: string): StatusError {
  const e = new StatusError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  e.listMeta = { continue: inconsistentToken };
  return e;
}
