// The JSONPath subset additionalPrinterColumns use (k8s.io/client-go/util/jsonpath as the CRD table convertor runs
// it): `.a.b`, `['key']`, `[0]`, `[-1]`, `[*]`, `..`-free paths and filters `[?(@.x=="y")]`.
type Step = { field: string } | { index: number } | { all: true } | { filter: { path: Step[]; op: string; value: unknown } };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses a path such as `.status.conditions[?(@.type=="Ready")].status`; throws on what it does not understand. */
export function parsePath(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      const m = /^[A-Za-z0-9_\-/]+/.exec(s.slice(i));
      if (!m) {
        if (i >= s.length) break;
        throw new Error(`unrecognized character in path ${expr}`);
      }
      steps.push({ field: m[0] });
      i += m[0].length;
    } else if (s[i] === '[') {
      const close = matchingBracket(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push({ filter: parseFilter(inner.slice(2, -1)) });
      else throw new Error(`unsupported subscript ${inner}`);
    } else {
      const m = /^[A-Za-z0-9_\-/]+/.exec(s.slice(i));
      if (!m || i !== 0) throw new Error(`unrecognized character in path ${expr}`);
      steps.push({ field: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new Error(`unclosed [ in ${s}`);
}

function parseFilter(f: string): { path: Step[]; op: string; value: unknown } {
  const m = /^@((?:\.[A-Za-z0-9_\-/]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(f.trim());
  if (!m) {
    const only = /^@((?:\.[A-Za-z0-9_\-/]+)*)$/.exec(f.trim());
    if (only) return { path: parsePath(only[1]!), op: 'exists', value: undefined };
    throw new Error(`unsupported filter ${f}`);
  }
  const raw = m[3]!.trim();
  const value = /^'.*'$|^".*"$/.test(raw) ? raw.slice(1, -1) : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
  return { path: parsePath(m[1]!), op: m[2]!, value };
}

/** Every value the path reaches in `obj` (none when it leads nowhere). */
export function evaluate(steps: Step[], obj: unknown): unknown[] {
  let cur: unknown[] = [obj];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('field' in step) {
        if (isObj(v) && Object.prototype.hasOwnProperty.call(v, step.field)) next.push(v[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (isObj(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) if (filterMatches(step.filter, item)) next.push(item);
      }
    }
    cur = next;
  }
  return cur;
}

function filterMatches(f: { path: Step[]; op: string; value: unknown }, item: unknown): boolean {
  const found = evaluate(f.path, item);
  if (f.op === 'exists') return found.length > 0;
  if (!found.length) return false;
  const v = found[0];
  switch (f.op) {
    case '==':
      return v === f.value || String(v) === String(f.value);
    case '!=':
      return !(v === f.value || String(v) === String(f.value));
    case '<':
      return Number(v) < Number(f.value);
    case '>':
      return Number(v) > Number(f.value);
    case '<=':
      return Number(v) <= Number(f.value);
    case '>=':
      return Number(v) >= Number(f.value);
    default:
      return false;
  }
}
