// Sets of field paths, as structured-merge-diff's fieldpath.Set, kept flat: a path is the list of its
// path elements in their fieldsV1 spelling (`f:name`, `k:{"name":"web"}`, `v:"x"`, `i:0`).
// Flat sets make union/difference trivial; the tree form only exists in fieldsV1 JSON.
import { compareStrings } from '../compare.js';

export type Path = string[];

/** A set of paths keyed by their joined spelling. */
export class FieldSet {
  private readonly paths = new Map<string, Path>();
  /** Every proper prefix of a member, so descendant checks are one lookup; built when first asked for. */
  private prefixSet?: Set<string>;

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** The union of many sets, built in one pass (a chain of `union`s would copy the growing set each time). */
  static unionOf(sets: Iterable<FieldSet>): FieldSet {
    const s = new FieldSet();
    for (const o of sets) for (const [k, p] of o.paths) if (!s.paths.has(k)) s.paths.set(k, p);
    return s;
  }

  insert(p: Path): void {
    this.add(keyOf(p), p);
  }
  /** Adds `p`, whose joined spelling `key` the caller already has (walkers build it as they descend). */
  add(key: string, p: Path): void {
    if (this.paths.has(key)) return;
    this.paths.set(key, p);
    this.prefixSet = undefined;
  }
  has(p: Path): boolean {
    return this.paths.has(keyOf(p));
  }
  /** `has` for a path whose joined spelling the caller already has. */
  hasKey(key: string): boolean {
    return this.paths.has(key);
  }
  get size(): number {
    return this.paths.size;
  }
  empty(): boolean {
    return this.paths.size === 0;
  }
  list(): Path[] {
    return [...this.paths.values()];
  }

  /** Members for which `keep` holds (set operations reuse the members' keys instead of joining paths again). */
  filter(keep: (p: Path, key: string) => boolean): FieldSet {
    const s = new FieldSet();
    for (const [k, p] of this.paths) if (keep(p, k)) s.paths.set(k, p);
    return s;
  }
  union(o: FieldSet): FieldSet {
    const s = this.filter(() => true);
    for (const [k, p] of o.paths) s.add(k, p);
    return s;
  }
  difference(o: FieldSet): FieldSet {
    return this.filter((_, k) => !o.paths.has(k));
  }
  intersection(o: FieldSet): FieldSet {
    return this.filter((_, k) => o.paths.has(k));
  }
  equals(o: FieldSet): boolean {
    if (this.size !== o.size) return false;
    for (const k of this.paths.keys()) if (!o.paths.has(k)) return false;
    return true;
  }

  /** Paths with `prefix` as a proper prefix (descendants). */
  hasDescendantOf(prefix: Path): boolean {
    return this.prefixes().has(keyOf(prefix));
  }
  /** `hasDescendantOf` for a path whose joined spelling the caller already has. */
  hasDescendantOfKey(key: string): boolean {
    return this.prefixes().has(key);
  }

  private prefixes(): Set<string> {
    if (this.prefixSet) return this.prefixSet;
    const set = new Set<string>();
    // Ancestors from the nearest up, stopping at one already there: its own ancestors are too (siblings share them).
    for (const k of this.paths.keys()) {
      for (let i = k.lastIndexOf(SEP); i > 0; i = k.lastIndexOf(SEP, i - 1)) {
        const prefix = k.slice(0, i);
        if (set.has(prefix)) break;
        set.add(prefix);
      }
    }
    return (this.prefixSet = set);
  }

  /** Paths not under any of the given top-level fields (`f:status`...). */
  withoutTopLevel(fields: string[]): FieldSet {
    const skip = new Set(fields.map((f) => `f:${f}`));
    return this.filter((p) => !skip.has(p[0]));
  }
}

/** Joins path elements into a set key (NUL never appears in a JSON-encoded element). */
export const SEP = '\u0000';
export const keyOf = (p: Path) => p.join(SEP);

// ---- path elements

export const fieldPE = (name: string) => `f:${name}`;
export const valuePE = (v: unknown) => `v:${JSON.stringify(v)}`;
/** Key fields sorted by name, as fieldpath.KeyByFields sorts them. */
export const keyPE = (fields: Record<string, unknown>) => {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(fields).sort()) sorted[k] = fields[k];
  return `k:${JSON.stringify(sorted)}`;
};

/** value.ToString: JSON-like, strings quoted. */
const render = (v: unknown) => JSON.stringify(v);

/** One element as fieldpath.PathElement.String prints it: `.name`, `[name="web"]`, `[="x"]`, `[0]`. */
export function peString(pe: string): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const fields = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(fields)
        .map(([k, v]) => `${k}=${render(v)}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${body}]`;
    case 'i':
      return `[${body}]`;
    default:
      return '{{invalid path element}}';
  }
}

/** A path as fieldpath.Path.String prints it, e.g. `.spec.containers[name="web"].image`. */
export const pathString = (p: Path) => p.map(peString).join('');

// ---- ordering (PathElement.Compare: field names, then keys, then values, then indexes)

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

export function comparePE(a: string, b: string): number {
  const ra = RANK[a[0]] ?? 4,
    rb = RANK[b[0]] ?? 4;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return compareStrings(a, b);
}

export function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePE(a[i], b[i]);
    if (c) return c;
  }
  return a.length - b.length;
}

// ---- fieldsV1

interface Tree {
  [pe: string]: Tree;
}

/** Encodes a set as fieldsV1: members are `{}` leaves, or `".": {}` when they also have children. */
export function toFieldsV1(set: FieldSet): Tree {
  interface Node {
    self: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { self: false, children: new Map() };
  for (const p of set.list()) {
    let n = root;
    for (const pe of p) {
      let c = n.children.get(pe);
      if (!c) {
        c = { self: false, children: new Map() };
        n.children.set(pe, c);
      }
      n = c;
    }
    n.self = true;
  }
  const emit = (n: Node): Tree => {
    const out: Tree = {};
    if (n.self && n.children.size) out['.'] = {};
    for (const k of [...n.children.keys()].sort(comparePE)) out[k] = emit(n.children.get(k)!);
    return out;
  };
  return emit(root);
}

/** Decodes fieldsV1; malformed input yields what could be read. */
export function fromFieldsV1(tree: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (node: unknown, prefix: Path) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === '.') {
        if (prefix.length) set.insert(prefix);
        continue;
      }
      const p = [...prefix, k];
      const isLeaf = !v || typeof v !== 'object' || Object.keys(v as object).length === 0;
      if (isLeaf) set.insert(p);
      else walk(v, p);
    }
  };
  walk(tree, []);
  return set;
}
