// Objects walked with their types: the field set an object sets (ToFieldSet), the difference between two
// objects (Compare), the merge of an applied configuration into a live object (Merge) and the removal of
// items by path (RemoveItems), after structured-merge-diff's typed package.
import { FieldSet, SEP, fieldPE, keyPE, valuePE, type Path } from './field-set.js';
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
export function itemPE(item: unknown, t: FieldType, known?: ItemKeys): string | undefined {
  if (t.list.type === 'set') return item !== null && typeof item !== 'object' ? valuePE(item) : undefined;
  if (t.list.type === 'map') {
    if (!known || !item || typeof item !== 'object') {
      const key = listKeyFields(item, t.list.keys);
      return key ? keyPE(key) : undefined;
    }
    const seen = known.get(item);
    if (seen?.keys === t.list.keys) return seen.pe;
    const pe = itemPE(item, t);
    known.set(item, { keys: t.list.keys, pe });
    return pe;
  }
  return undefined;
}
/** Path elements of list items already spelled by one walker (one request: its objects do not change meanwhile). */
type ItemKeys = WeakMap<object, { keys: string[]; pe: string | undefined }>;

/** A list is granular (items owned one by one) when it is associative and every item can be identified. */
function granularList(list: unknown[], t: FieldType, known?: ItemKeys): boolean {
  return t.list.type !== 'atomic' && list.length > 0 && list.every((i) => itemPE(i, t, known) !== undefined);
}

export class TypedWalker {
  // An item is identified several times per apply (live, applied, merged, compared): its key is spelled once.
  private known: ItemKeys = new WeakMap();

  constructor(private types: TypeResolver) {}

  /** Every path the object sets (fieldpath.Set members), keyed by joined path. */
  /** @param top which top-level fields to walk (all by default): a write never owns the reset ones, say status. */
  paths(obj: unknown, root: FieldType, top?: (field: string) => boolean): Map<string, SetPath> {
    const out = new Map<string, SetPath>();
    if (isObj(obj)) this.fields(top ? Object.fromEntries(Object.entries(obj).filter(([k]) => top(k))) : obj, root, [], '', out);
    return out;
  }

  fieldSet(obj: unknown, root: FieldType): FieldSet {
    const set = new FieldSet();
    for (const [k, p] of this.paths(obj, root)) set.add(k, p.path);
    return set;
  }

  // `key` is `path` joined (FieldSet's key), built as the walk descends rather than joined again at every member.
  private fields(obj: Obj, t: FieldType, path: Path, key: string, out: Map<string, SetPath>): void {
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v === undefined) continue;
      const pe = fieldPE(k);
      this.value(v, this.types.child(t, k), [...path, pe], key ? key + SEP + pe : pe, out);
    }
  }

  private value(v: unknown, t: FieldType, path: Path, key: string, out: Map<string, SetPath>): void {
    if (isObj(v)) {
      if (t.atomicMap || Object.keys(v).length === 0) return void out.set(key, { path, leaf: canonical(v) });
      // Map entries (as opposed to struct fields) are members themselves, as list items are.
      if (!t.named) out.set(key, { path });
      this.fields(v, t, path, key, out);
      return;
    }
    if (Array.isArray(v)) {
      if (!granularList(v, t, this.known)) return void out.set(key, { path, leaf: canonical(v) });
      const et = this.types.element(t);
      for (const item of v) {
        const pe = itemPE(item, t, this.known)!;
        const p = [...path, pe];
        const k = key + SEP + pe;
        if (t.list.type === 'set' || !isObj(item)) {
          out.set(k, { path: p, leaf: canonical(item) });
          continue;
        }
        out.set(k, { path: p });
        this.fields(item, et, p, k, out);
      }
      return;
    }
    out.set(key, { path, leaf: typeof v === 'string' ? JSON.stringify(v) : canonical(v) });
  }

  /** Compare: paths added, removed, and leaves whose value changed, from `from` to `to`. */
  compare(
    from: unknown,
    to: unknown,
    root: FieldType,
    top?: (field: string) => boolean,
  ): { added: FieldSet; removed: FieldSet; modified: FieldSet } {
    const a = this.paths(from, root, top),
      b = this.paths(to, root, top);
    const added = new FieldSet(),
      removed = new FieldSet(),
      modified = new FieldSet();
    for (const [k, p] of b) {
      const o = a.get(k);
      if (!o) added.add(k, p.path);
      else if (p.leaf !== undefined && o.leaf !== p.leaf) modified.add(k, p.path);
    }
    for (const [k, p] of a) if (!b.has(k)) removed.add(k, p.path);
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
    if (Array.isArray(live) && Array.isArray(applied) && granularList(live, t, this.known) && granularList(applied, t, this.known)) {
      // Live items keep their order (merged with the applied ones); new items follow in applied order.
      const et = this.types.element(t);
      const byPE = new Map(applied.map((i) => [itemPE(i, t, this.known)!, i]));
      const seen = new Set<string>();
      const out: unknown[] = [];
      for (const item of live) {
        const pe = itemPE(item, t, this.known)!;
        seen.add(pe);
        out.push(byPE.has(pe) ? (t.list.type === 'set' ? item : this.merge(item, byPE.get(pe), et)) : item);
      }
      for (const [pe, item] of byPE) if (!seen.has(pe)) out.push(structuredClone(item));
      return out;
    }
    return structuredClone(applied);
  }

  /**
   * Removes every field, map entry and list item for which `remove(path, named, key)` holds (`key`: the path joined
   * as FieldSet keys it; without descending into what it removes, nor where `descend(key)` says nothing can be).
   * Returns a new object (sharing what it did not descend into).
   */
  removeItems(
    obj: Obj,
    root: FieldType,
    remove: (path: Path, named: boolean, key: string) => boolean,
    descend: (key: string) => boolean = () => true,
  ): Obj {
    const walkObj = (o: Obj, t: FieldType, path: Path, key: string): Obj => {
      const out: Obj = {};
      for (const [k, v] of Object.entries(o)) {
        const ct = this.types.child(t, k);
        const pe = fieldPE(k);
        const p = [...path, pe];
        const pk = key ? key + SEP + pe : pe;
        if (remove(p, ct.named, pk)) continue;
        const w = walkValue(v, ct, p, pk);
        if (w !== undefined) setOwn(out, k, w);
      }
      return out;
    };
    // A map or list emptied by the removal goes too, as structured-merge-diff's removingWalker drops it.
    const walkValue = (v: unknown, t: FieldType, path: Path, key: string): unknown => {
      if (!descend(key)) return v; // nothing below can be removed: kept as it is, not copied
      if (isObj(v)) {
        if (t.atomicMap) return v;
        const w = walkObj(v, t, path, key);
        return Object.keys(w).length === 0 && Object.keys(v).length > 0 ? undefined : w;
      }
      if (Array.isArray(v) && granularList(v, t, this.known)) {
        const et = this.types.element(t);
        const out: unknown[] = [];
        for (const item of v) {
          const pe = itemPE(item, t, this.known)!;
          const p = [...path, pe];
          const pk = key + SEP + pe;
          if (remove(p, false, pk)) continue;
          out.push(isObj(item) && t.list.type === 'map' ? walkObj(item, et, p, pk) : item);
        }
        return out.length ? out : undefined;
      }
      return v;
    };
    return walkObj(obj, root, [], '');
  }
}
