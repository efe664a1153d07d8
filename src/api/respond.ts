// Writing responses: JSON (or YAML when asked), Status errors, and the Warning header.
import type { Response } from 'express';
import yaml from 'js-yaml';
import { StatusError, internal } from './errors.js';

export function sendObject(res: Response, code: number, body: unknown, format: 'json' | 'yaml' = 'json'): void {
  if (format === 'yaml') {
    res.status(code).type('application/yaml').send(yaml.dump(body, { noRefs: true }));
    return;
  }
  res.status(code).type('application/json').send(JSON.stringify(body));
}

export function sendError(res: Response, err: unknown): void {
  const se = err instanceof StatusError ? err : internal((err as Error)?.message ?? String(err));
  if (res.headersSent) { res.end(); return; }
  sendObject(res, se.code, se.toStatus());
}

/** Warnings go back as RFC 7234 `Warning: 299 - "text"` headers, which kubectl prints. */
export function setWarnings(res: Response, warnings: string[]): void {
  if (!warnings.length) return;
  res.setHeader('Warning', [...new Set(warnings)].map((w) => `299 - ${JSON.stringify(w)}`));
}
