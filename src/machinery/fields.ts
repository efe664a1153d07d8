// Field selectors (`fieldSelector` query parameter), as apimachinery's fields.ParseSelector reads them,
// and the apiserver's check that each field is one the kind supports.
import { StatusError } from './api/errors.js';
import { compareStrings } from './compare.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  /** Ordered as Kubernetes orders them (by the raw term text). */
  readonly requirements: FieldRequirement[];
  readonly empty: boolean;
  /** `get` returns a field's value; a missing field counts as the empty string, as in Kubernetes. */
  matches(get: (field: string) => string | undefined): boolean;
  /** The value a selector pins a field to with `=` (e.g. `metadata.name=x` for a watch on one object). */
  requiresExactMatch(field: string): string | undefined;
  toString(): string;
}

const badRequest = (msg: string) => new StatusError(400, 'BadRequest', msg);

/** Split on commas that are not escaped; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first operator in the term wins; at one position `!=` and `==` are tried before `=`. */
function splitTerm(term: string): { lhs: string; op: '!=' | '==' | '='; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** Undo `\\`, `\,` and `\=`; any other escape, or a bare `,`/`=`, is an error. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

export const escapeFieldValue = (s: string) => s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');

/** Parse `a=b`, `a==b`, `a!=b`, comma-separated (AND). Throws a 400 BadRequest StatusError as Kubernetes does. */
export function parseFieldSelector(s: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  // Kubernetes sorts the raw terms (byte order) before reading them.
  const parts = splitTerms(s).sort(compareStrings);
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    requirements.push({ field: t.lhs, op: t.op === '!=' ? '!=' : '=', value: unescapeFieldValue(t.rhs) });
  }
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (get) => requirements.every((r) => ((get(r.field) ?? '') === r.value) === (r.op === '=')),
    requiresExactMatch: (field) => requirements.find((r) => r.field === field && r.op === '=')?.value,
    toString: () => requirements.map((r) => `${r.field}${r.op}${escapeFieldValue(r.value)}`).join(','),
  };
}

const META_FIELDS = new Set(['metadata.name', 'metadata.namespace']);

/**
 * Reject fields the kind does not support, with the apiserver's 400 message. Kinds that register their own
 * field-label conversion (pods, nodes, events, namespaces, secrets, services, replicasets...: any kind whose
 * `supported` list goes beyond metadata.name/metadata.namespace) say `field label not supported: <f>`; the
 * others get the generic metav1 message. `resourceLabel` (e.g. `pods`) is informational: Kubernetes' texts
 * do not name the resource.
 */
export function validateFieldSelector(sel: FieldSelector, supported: string[], _resourceLabel?: string): void {
  const allowed = new Set(supported);
  const custom = supported.some((f) => !META_FIELDS.has(f));
  for (const r of sel.requirements) {
    if (allowed.has(r.field)) continue;
    if (custom) throw badRequest(`field label not supported: ${r.field}`);
    throw badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
}
