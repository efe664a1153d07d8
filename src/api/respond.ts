// Writing responses: JSON (or YAML when asked), Status errors, and the Warning header.
import type { Response } from 'express';
import yaml from 'js-yaml';
import { StatusError, internal } from '../machinery/api/errors.js';
import { bodyJson } from './json-body.js';
import { isPanic } from './audit/panic.js';
import { C_ESCAPES } from '../machinery/c-escapes.js';

export function sendObject(res: Response, code: number, body: unknown, format: 'json' | 'yaml' = 'json'): void {
  // The audit filter (audit/audit.ts) records the response object at level RequestResponse.
  if (res.locals.auditCapture) res.locals.auditBody = body;
  if (format === 'yaml') {
    res
      .status(code)
      .type('application/yaml')
      .send(yaml.dump(body, { noRefs: true }));
    return;
  }
  const json = bodyJson(body);
  // As express types a string body: the same header whether the JSON was remembered as bytes or not.
  res
    .status(code)
    .type(typeof json === 'string' ? 'application/json' : 'application/json; charset=utf-8')
    .send(json);
}

export function sendError(res: Response, err: unknown): void {
  const se = err instanceof StatusError ? err : internal((err as Error)?.message ?? String(err));
  if (res.locals.auditCapture) {
    res.locals.auditError = se; // the audit event's responseStatus
    if (isPanic(err)) res.locals.auditPanic = err; // its stage Panic (audit/audit.ts)
  }
  // The app's audit of denials (denial-audit.ts), set on every request it serves.
  if (se.code === 403) (res.locals.onForbidden as ((e: StatusError, req: Response['req']) => void) | undefined)?.(se, res.req);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendObject(res, se.code, se.toStatus());
}

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * strconv.Quote: printable characters as they are, everything else escaped. Node refuses header characters past
 * U+00FF (and writes the others as UTF-8), so printable characters beyond it are escaped too, as \\u or \\U.
 */
function goQuote(text: string): string {
  let out = '"';
  // Lone surrogates cannot be UTF-8: they become U+FFFD, as Go's decoder makes invalid input.
  for (const ch of text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')) {
    const cp = ch.codePointAt(0)!;
    if (C_ESCAPES[ch]) out += C_ESCAPES[ch];
    else if (PRINTABLE.test(ch) && cp <= 0xff) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * Warnings go back as RFC 7234 `Warning: 299 - "text"` headers, which kubectl prints. The text is quoted as Go's
 * strconv.Quote does, so a warning about a field with any name is a header, never a 500.
 */
export function setWarnings(res: Response, warnings: string[]): void {
  if (!warnings.length) return;
  // Added to those already set (a deprecated resource's warning comes first, as the apiserver's handler chain adds it).
  const set = res.getHeader('Warning');
  const prior = set === undefined ? [] : Array.isArray(set) ? set.map(String) : [String(set)];
  const added = [...new Set(warnings)].map((w) => `299 - ${goQuote(w)}`).filter((h) => !prior.includes(h));
  res.setHeader('Warning', [...prior, ...added]);
}
