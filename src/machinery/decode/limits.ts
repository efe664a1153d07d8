// The bounds every request decoder applies, whatever the format (JSON, YAML, protobuf, a patch and what it
// produced): how deep a value may nest and how large it may grow once decoded. Bodies are capped at 3 MiB
// before parsing (api/app.ts); these bound what a small body can turn into.
//
// Kubernetes' decoders stop at 10000 levels (encoding/json: "exceeded max depth"; go-yaml: "exceeded max depth
// of 10000"). JavaScript gives out far sooner: the `yaml` composer overflows the stack at about 780 levels (and V8
// can abort the whole process, rather than throw, when a regular expression is compiled that close to the stack
// limit), structuredClone at about 1900, and the server's validation, merge and apply walks recurse per level.
// So the bound is 256: far above anything a Kubernetes object nests (a pod's deepest field is about 15 levels, its
// managedFields about 30), and a third of the stack the deepest of those walks needs.

/** Nested objects and arrays a decoded value may have; one more is refused. */
export const MAX_DEPTH = 256;

/** The JSON size a decoded value may reach: the request body limit, so YAML aliases cannot inflate past it. */
export const MAX_DECODED_BYTES = 3 * 1024 * 1024;

/** A decoded value beyond a bound: `tooLarge` for size (413), otherwise depth (400). */
export class DecodeLimitError extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** encoding/json's wording when the bracket `c` opens one level too many. */
export const jsonDepthMessage = (c: string) => `invalid character '${c}' exceeded max depth`;

/** The bracket of valid JSON text that opens level MAX_DEPTH + 1, if any (strings skipped; linear, no recursion). */
export function jsonTooDeep(text: string, max = MAX_DEPTH): '{' | '[' | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return c === 0x7b ? '{' : '[';
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return undefined;
}

/** Roughly the bytes a scalar takes as JSON (escapes ignored). */
function scalarBytes(v: unknown): number {
  if (typeof v === 'string') return v.length + 2;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v).length;
  return 4; // null, undefined
}

/**
 * Walks a decoded value (iteratively: it may be deeper than the stack allows) and throws DecodeLimitError when it
 * nests deeper than MAX_DEPTH (with encoding/json's message) or its JSON would exceed MAX_DECODED_BYTES.
 * Shared references count every time they are reached, as they would be written out. Returns the JSON size.
 */
export function checkDecodedValue(value: unknown, limits: { depth?: number; bytes?: number } = {}): number {
  const maxDepth = limits.depth ?? MAX_DEPTH;
  const maxBytes = limits.bytes ?? MAX_DECODED_BYTES;
  let bytes = 0;
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') {
      bytes += scalarBytes(v);
    } else {
      const isArray = Array.isArray(v);
      if (depth + 1 > maxDepth) throw new DecodeLimitError(jsonDepthMessage(isArray ? '[' : '{'));
      bytes += 2;
      if (isArray) {
        for (let i = v.length - 1; i >= 0; i--) {
          bytes += 1;
          stack.push({ v: v[i], depth: depth + 1 });
        }
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          bytes += keys[i].length + 4;
          stack.push({ v: (v as Record<string, unknown>)[keys[i]], depth: depth + 1 });
        }
      }
    }
    if (bytes > maxBytes) throw new DecodeLimitError(`the decoded object is larger than ${maxBytes} bytes`, true);
  }
  return bytes;
}
