// A JSON parser that keeps every object member in order, duplicates included, because Kubernetes
// reports duplicate fields and JSON.parse silently keeps the last one. Both walks here recurse per level, so
// they refuse nesting past the decoders' bound instead of running out of stack.
import { MAX_DEPTH, jsonDepthMessage } from '../machinery/decode/limits.js';

export type JsonNode =
  | { t: 'object'; entries: { key: string; value: JsonNode }[] }
  | { t: 'array'; items: JsonNode[] }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number; raw: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

export function parseJsonAst(text: string): JsonNode {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const fail = (what: string): never => { throw new SyntaxError(`invalid JSON: ${what} at offset ${i}`); };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  let depth = 0;
  const value = (): JsonNode => {
    ws();
    const c = text[i];
    if ((c === '{' || c === '[') && ++depth > MAX_DEPTH) throw new SyntaxError(jsonDepthMessage(c));
    if (c === '{') {
      i++;
      const entries: { key: string; value: JsonNode }[] = [];
      ws();
      if (text[i] === '}') { i++; depth--; return { t: 'object', entries }; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected string key');
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push({ key, value: value() });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; depth--; return { t: 'object', entries }; }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') { i++; depth--; return { t: 'array', items }; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; depth--; return { t: 'array', items }; }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return { t: 'string', v: str() };
    if (text.startsWith('true', i)) { i += 4; return { t: 'bool', v: true }; }
    if (text.startsWith('false', i)) { i += 5; return { t: 'bool', v: false }; }
    if (text.startsWith('null', i)) { i += 4; return { t: 'null' }; }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return { t: 'number', v: Number(m[0]), raw: m[0] };
  };
  const root = value();
  ws();
  if (i < text.length) fail('trailing data');
  return root;
}

/** A parsed JS value as a JsonNode; `sortKeys` mimics Go, which re-encodes YAML maps with sorted keys. */
export function toJsonNode(v: unknown, sortKeys = false, depth = 0): JsonNode {
  if (v === null || v === undefined) return { t: 'null' };
  if (typeof v === 'object' && depth >= MAX_DEPTH) throw new SyntaxError(jsonDepthMessage(Array.isArray(v) ? '[' : '{'));
  if (Array.isArray(v)) return { t: 'array', items: v.map((x) => toJsonNode(x, sortKeys, depth + 1)) };
  switch (typeof v) {
    case 'string': return { t: 'string', v };
    case 'number': return { t: 'number', v, raw: String(v) };
    case 'boolean': return { t: 'bool', v };
    case 'object': {
      const keys = Object.keys(v as object);
      if (sortKeys) keys.sort();
      return { t: 'object', entries: keys.map((key) => ({ key, value: toJsonNode((v as Record<string, unknown>)[key], sortKeys, depth + 1) })) };
    }
    default: return { t: 'string', v: String(v) };
  }
}
