// Indexing an object type (cel-go's checker): `_[_]` is declared for lists and maps only, so `self['x-prop']` on a
// schema object is no matching overload, where cel-js would read the field. Properties are read by selection, under
// their escaped names (escaping.ts). Run after a successful type check, on the checked AST.
import type { ObjectTypes } from './presence.js';

interface Node {
  op?: string;
  args?: unknown;
  end?: number;
  checkedType?: { name?: string };
  meta?: { macro?: { args?: unknown; macroHasProps?: unknown }; alternate?: unknown };
}

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && typeof (v as Node).op === 'string';

function indexOfObject(expression: string, v: Node, objects: ObjectTypes): { summary: string; pos: number } | undefined {
  if ((v.op !== '[]' && v.op !== '[?]') || !Array.isArray(v.args)) return undefined;
  const [target, key] = v.args as Node[];
  const type = target?.checkedType?.name;
  if (!type || !objects.has(type)) return undefined;
  const fn = v.op === '[]' ? '_[_]' : '_[?_]';
  const keyType = key?.checkedType?.name ?? (typeof (key?.args as unknown) === 'string' ? 'string' : 'dyn');
  return {
    summary: `found no matching overload for '${fn}' applied to '(${type}, ${keyType})'`,
    pos: expression.indexOf('[', target!.end ?? 0),
  };
}

/** A type check error that is cel-js reading a field by index (`No such key`, a wrong key type): cel-go's wording. */
export function objectIndexError(expression: string, error: unknown, objects: ObjectTypes): { summary: string; pos: number } | undefined {
  const node = (error as { node?: unknown } | undefined)?.node;
  return isNode(node) ? indexOfObject(expression, node, objects) : undefined;
}

/** The first index of an object type in a checked AST: cel-go's summary and the position of its '['. */
export function objectIndex(expression: string, ast: unknown, objects: ObjectTypes): { summary: string; pos: number } | undefined {
  const seen = new Set<unknown>();
  const visit = (v: unknown): { summary: string; pos: number } | undefined => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return undefined;
    seen.add(v);
    if (Array.isArray(v) || !isNode(v)) {
      for (const x of Array.isArray(v) ? v : Object.values(v)) {
        const r = visit(x);
        if (r) return r;
      }
      return undefined;
    }
    return indexOfObject(expression, v, objects) ?? visit(v.args) ?? visit(v.meta?.macro?.args) ?? visit(v.meta?.alternate);
  };
  return visit(ast);
}
