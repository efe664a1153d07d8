// Objects walked with their types: the field set an object sets (ToFieldSet), the difference between two
// objects (Compare), the merge of an applied configuration into a live object (Merge) and the removal of
// items by path (RemoveItems), after structured-merge-diff's typed package.
import { FieldSet, fieldPE, keyPE, valuePE, type Path } from './field-set.js';
import { listKeyFields, type FieldType, type TypeResolver } from './schema-types.js';
import { setOwn } from '../own-keys.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** A path an object sets, with the value's canonical JSON when the path is a leaf (compared for changes). */
export interface SetPath {
  path: Path;
  leaf?: string;
}

/** JSON with sorted keys, so that atomic values compare regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** The path element of a list item: by key for associative lists, by value for sets; undefined when it has none. */
export function itemPE(item: unknown, t: FieldType): string | undefined {
  if (t.list.type === 'set') return item !== null && typeof item !== 'object' ? valuePE(item) : undefined;
  if (t.list.type === 'map') {
    const key = listKeyFields(item, t.list.keys);
    return key ? keyPE(key) : undefined;
  }
  return undefined;
}

/** A list is granular (items owned one by one) when it is associative and every item can be identified. */
function granularList(list: unknown[], t: FieldType): boolean {
  return t.list.type !== 'atomic' && list.length > 0 && list.every((i) => itemPE(i, t) !== undefined);
}

export class TypedWalker {
  constructor(private types: TypeResolver) {}

  /** Every path the object sets (fieldpath.Set members), keyed by joined path. */
  paths(obj: unknown, root: FieldType): Map<string, SetPath> {
    const out = new Map<string, SetPath>();
    if (isObj(obj)) this.fields(obj, root, [], out);
    return out;
  }

  fieldSet(obj: unknown, root: FieldType): FieldSet {
    return FieldSet.of([...this.paths(obj, root).values()].map((p) => p.path));
  }

  private fields(obj: Obj, t: FieldType, path: Path, out: Map<string, SetPath>): void {
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      this.value(v, this.types.child(t, k), [...path, fieldPE(k)], out);
    }
  }

  private value(v: unknown, t: FieldType, path: Path, out: Map<string, SetPath>): void {
    const leaf = () => out.set(path.join('\u0000'), { path, leaf: canonical(v) });
    if (isObj(v)) {
      if (t.atomicMap || Object.keys(v).length === 0) return void leaf();
      // Map entries (as opposed to struct fields) are members themselves, as list items are.
      if (!t.named) out.set(path.join('\u0000'), { path });
      this.fields(v, t, path, out);
      return;
    }
    if (Array.isArray(v)) {
      if (!granularList(v, t)) return void leaf();
      const et = this.types.element(t);
      for (const item of v) {
        const p = [...path, itemPE(item, t)!];
        if (t.list.type === 'set' || !isObj(item)) {
          out.set(p.join('\u0000'), { path: p, leaf: canonical(item) });
          continue;
        }
        out.set(p.join('\u0000'), { path: p });
        this.fields(item, et, p, out);
      }
      return;
    }
    leaf();
  }

  /** Compare: paths added, removed, and leaves whose value changed, from `from` to `to`. */
  compare(from: unknown, to: unknown, root: FieldType): { added: FieldSet; removed: FieldSet; modified: FieldSet } {
    const a = this.paths(from, root),
      b = this.paths(to, root);
    const added = new FieldSet(),
      removed = new FieldSet(),
      modified = new FieldSet();
    for (const [k, p] of b) {
      const o = a.get(k);
      if (!o) added.insert(p.path);
      else if (p.leaf !== undefined && o.leaf !== p.leaf) modified.insert(p.path);
    }
    for (const [k, p] of a) if (!b.has(k)) removed.insert(p.path);
    return { added, removed, modified };
  }

  /** Merge: `applied` over `live`; maps and associative lists merge item by item, everything else is replaced. */
  merge(live: unknown, applied: unknown, t: FieldType): unknown {
    if (applied === undefined) return live;
    if (live === undefined || live === null) return structuredClone(applied);
    if (isObj(live) && isObj(applied) && !t.atomicMap) {
      // Members are data: only own keys count (a field named `constructor` is not Object's).
      const out: Obj = {};
      for (const [k, v] of Object.entries(live))
        setOwn(out, k, Object.hasOwn(applied, k) ? this.merge(v, applied[k], this.types.child(t, k)) : v);
      for (const [k, v] of Object.entries(applied)) if (!Object.hasOwn(live, k)) setOwn(out, k, structuredClone(v));
      // A null in the configuration clears the field, as decoding into the Go struct would.
      for (const [k, v] of Object.entries(applied)) if (v === null) delete out[k];
      return out;
    }
    if (Array.isArray(live) && Array.isArray(applied) && granularList(live, t) && granularList(applied, t)) {
      // Live items keep their order (merged with the applied ones); new items follow in applied order.
      const et = this.types.element(t);
      const byPE = new Map(applied.map((i) => [itemPE(i, t)!, i]));
      const seen = new Set<string>();
      const out: unknown[] = [];
      for (const item of live) {
        const pe = itemPE(item, t)!;
        seen.add(pe);
        out.push(byPE.has(pe) ? (t.list.type === 'set' ? item : this.merge(item, byPE.get(pe), et)) : item);
      }
      for (const [pe, item] of byPE) if (!seen.has(pe)) out.push(structuredClone(item));
      return out;
    }
    return structuredClone(applied);
  }

  /**
   * Removes every field, map entry and list item for which `remove(path, named)` holds (without
   * descending into what it removes). Returns a new object.
   */
  removeItems(obj: Obj, root: FieldType, remove: (path: Path, named: boolean) => boolean): Obj {
    const walkObj = (o: Obj, t: FieldType, path: Path): Obj => {
      const out: Obj = {};
      for (const [k, v] of Object.entries(o)) {
        const ct = this.types.child(t, k);
        const p = [...path, fieldPE(k)];
        if (remove(p, ct.named)) continue;
        const w = walkValue(v, ct, p);
        if (w !== undefined) setOwn(out, k, w);
      }
      return out;
    };
    // A map or list emptied by the removal goes too, as structured-merge-diff's removingWalker drops it.
    const walkValue = (v: unknown, t: FieldType, path: Path): unknown => {
      if (isObj(v)) {
        if (t.atomicMap) return v;
        const w = walkObj(v, t, path);
        return Object.keys(w).length === 0 && Object.keys(v).length > 0 ? undefined : w;
      }
      if (Array.isArray(v) && granularList(v, t)) {
        const et = this.types.element(t);
        const out: unknown[] = [];
        for (const item of v) {
          const p = [...path, itemPE(item, t)!];
          if (remove(p, false)) continue;
          out.push(isObj(item) && t.list.type === 'map' ? walkObj(item, et, p) : item);
        }
        return out.length ? out : undefined;
      }
      return v;
    };
    return walkObj(obj, root, []);
  }
}
