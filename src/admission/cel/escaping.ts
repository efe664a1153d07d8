// Property names as CEL identifiers (k8s.io/apiserver's cel.Escape/Unescape): CEL identifiers are
// [a-zA-Z_][a-zA-Z0-9_]*, so a schema property `x-prop` is read as `self.x__dash__prop`, `a.b` as `a__dot__b`, `a/b`
// as `a__slash__b`, `a__b` as `a__underscores__b`, and a property named after one of CEL's reserved words as
// `__word__`. A name starting with a digit or holding any other character cannot be escaped and is not accessible.

/** The CEL lexer's reserved words (upstream's celReservedSymbols). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  'true false null in as break const continue else for function if import let loop package namespace return var void while'.split(' '),
);

const ESCAPES: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };
const UNESCAPES: Record<string, string> = { underscores: '__', dot: '.', dash: '-', slash: '/' };

/** A property name as a CEL identifier, or undefined when it cannot be one. */
export function escapeFieldName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED_WORDS.has(name)) return `__${name}__`;
  if (/[^A-Za-z0-9_./-]/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (m) => ESCAPES[m]!);
}

/**
 * The property name an escaped identifier stands for, or undefined when it holds an unknown escape sequence (or a
 * reserved word's escape inside a longer name). A name without escape sequences stands for itself.
 */
export function unescapeFieldName(escaped: string): string | undefined {
  let ok = true;
  const out = escaped.replace(/__[^_]+__/g, (s) => {
    const word = s.slice(2, -2);
    const plain = UNESCAPES[word];
    if (plain !== undefined) return plain;
    if (RESERVED_WORDS.has(word) && s.length === escaped.length) return word;
    ok = false;
    return '';
  });
  return ok ? out : undefined;
}
