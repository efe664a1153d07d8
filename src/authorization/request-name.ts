// RequestInfo's rule for the name of a list or watch: one whose fieldSelector requires `metadata.name=<n>` (or `==`)
// is about the object of that name, so resourceNames rules and the Node authorizer can allow watching one object.
// The HTTP layer and the in-process client both apply it.

/** The value an exact `<field>=<v>` (or `==`) requirement of the selector gives the field (fields.RequiresExactMatch). */
export function exactFieldValue(fieldSelector: string | undefined, field: string): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const eq = term.indexOf('=');
    if (eq < 0 || term[eq - 1] === '!') continue;
    if (term.slice(0, eq).trim() !== field) continue;
    return term.slice(term[eq + 1] === '=' ? eq + 2 : eq + 1).trim();
  }
  return undefined;
}

/** The name an exact `metadata.name` requirement of the selector names, if it could be a path segment. */
export function nameFromFieldSelector(fieldSelector: string | undefined): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*(==|=)(?!=)\s*(.*?)\s*$/.exec(term);
    // Only a name that could be a path segment (path.IsValidPathSegmentName).
    if (m && m[2] !== '.' && m[2] !== '..' && !/[/%]/.test(m[2]!)) return m[2];
  }
  return undefined;
}
