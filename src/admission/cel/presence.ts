// has() on a typed object (cel-go's checker): the field tested must be one the type declares, else `undefined field`.
// cel-js checks only the macro's root, so the selections under each has() are looked up here after its type check.

/** Object types by name: field name → CEL type name. */
export type ObjectTypes = ReadonlyMap<string, Readonly<Record<string, string>>>;

interface Node {
  op?: string;
  args?: unknown;
  pos?: number;
  checkedType?: { name?: string };
  meta?: { macro?: { args?: unknown; macroHasProps?: Node[] }; alternate?: Node };
}

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && 'op' in v;

/** The first has() in a type-checked AST whose field its object type lacks: the field and its position. */
export function undefinedPresenceField(ast: unknown, objects: ObjectTypes): { field: string; pos: number } | undefined {
  const seen = new Set<unknown>();
  const visit = (v: unknown): { field: string; pos: number } | undefined => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return undefined;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) {
        const r = visit(x);
        if (r) return r;
      }
      return undefined;
    }
    if (!isNode(v)) {
      // Comprehension arguments and the like: plain objects holding nodes.
      for (const x of Object.values(v)) {
        const r = visit(x);
        if (r) return r;
      }
      return undefined;
    }
    const props = v.meta?.macro?.macroHasProps;
    if (props) {
      const r = check(props, objects);
      if (r) return r;
    }
    return visit(v.args) ?? visit(v.meta?.macro?.args) ?? visit(v.meta?.alternate);
  };
  return visit(ast);
}

/** props: the selections of one has(), outermost first, its root identifier last. */
function check(props: Node[], objects: ObjectTypes): { field: string; pos: number } | undefined {
  let type = props[props.length - 1]?.checkedType?.name;
  for (let i = props.length - 2; i >= 0 && type; i--) {
    const node = props[i]!;
    const fields = objects.get(type);
    if (!fields) return undefined;
    const field = (node.args as unknown[] | undefined)?.[1];
    if (typeof field !== 'string') return undefined;
    if (!Object.hasOwn(fields, field)) return node.op === '.' ? { field, pos: node.pos ?? 0 } : undefined;
    type = fields[field];
  }
  return undefined;
}
