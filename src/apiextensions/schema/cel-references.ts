// Which variables a parsed CEL rule reads: a rule that reads oldSelf is a transition rule (upstream: the checked
// expression's reference map names oldSelf), whatever its string literals say.

const isNode = (v: unknown): v is { op: string; args?: unknown } =>
  v !== null && typeof v === 'object' && typeof (v as { op?: unknown }).op === 'string';

/** Whether a cel-js AST reads the identifier `name`. */
export function readsIdentifier(ast: unknown, name: string): boolean {
  const seen = new Set<unknown>();
  const visit = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return false;
    seen.add(v);
    if (Array.isArray(v)) return v.some(visit);
    if (isNode(v) && v.op === 'id') return v.args === name;
    return Object.values(v).some(visit);
  };
  return visit(ast);
}
