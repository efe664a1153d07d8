// Kubernetes' strategic merge patch, as the apiserver applies it (apimachinery strategicpatch
// StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls). Field types and list
// strategies come from the OpenAPI definitions plus the MERGE_KEYS table; fields of unknown type
// behave as in a JSON merge patch (maps merge, lists replace).
import { badRequest } from '../api/errors.js';
import { jsonKindNoun } from './go-format.js';
import { contextFor, fieldPatchMeta, type FieldPatchMeta, type SchemaLookup, type TypeContext } from './schema.js';
import {
  errBadArgType,
  errBadPatchFormatForPrimitiveList,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  errBadPatchType,
  errNoListOfLists,
  errNoMergeKey,
  unknownError,
} from './strategic-errors.js';
import { ownValue, setOwn } from '../own-keys.js';

type JMap = Record<string, unknown>;
type Kind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PREFIX = '$deleteFromPrimitiveList';
const ORDER_PREFIX = '$setElementOrder';

const isMap = (v: unknown): v is JMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (m: JMap, k: string) => Object.prototype.hasOwnProperty.call(m, k);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'string';
}

/**
 * Applies `patch` to `original` with strategic merge semantics. Neither argument is modified.
 * Throws StatusError for malformed patches, with the code the apiserver uses.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: SchemaLookup, rootDefinition: string): unknown {
  if (patch === null || patch === undefined) return clone(original);
  if (!isMap(patch)) throw badRequest(`json: cannot unmarshal ${jsonKindNoun(patch)} into Go value of type map[string]interface {}`);
  const base = isMap(original) ? clone(original) : {};
  return new Merger(schema).mergeMap(base, clone(patch), contextFor(rootDefinition, schema));
}

/** Removes patch directives from a value taken over from the patch, as Go's typed decoding drops them. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v
      .filter((e) => !(isMap(e) && has(e, DIRECTIVE) && (e[DIRECTIVE] === 'delete' || Object.keys(e).length === 1)))
      .map(stripDirectives);
  }
  if (!isMap(v)) return v;
  if (v[DIRECTIVE] === 'delete') return {};
  const out: JMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(DELETE_PREFIX) || k.startsWith(ORDER_PREFIX)) continue;
    if (x === null) continue; // a null for an absent field means "absent"
    setOwn(out, k, stripDirectives(x));
  }
  return out;
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw prefix === DELETE_PREFIX ? errBadPatchFormatForPrimitiveList() : errBadPatchFormatForSetElementOrderList();
  }
  return s.slice(slash + 1);
}

/** The common element kind of the given lists (sliceElementType in Go). */
function sliceElementKind(...lists: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'slice') throw errNoListOfLists();
        prev = k;
      } else if (prev !== k) {
        throw unknownError(`list element types are not identical: ${goLists(lists)}`);
      }
    }
  }
  if (prev === undefined) throw unknownError('no elements in any of the given slices');
  return prev;
}
const goLists = (lists: unknown[][]) => `[${lists.map((l) => `[${l.map((x) => JSON.stringify(x)).join(' ')}]`).join(' ')}]`;

/**
 * Go's in-place dedup: for each i in turn, every later copy of s[i] is overwritten by the last element and the
 * list shortened, the moved element checked again. Go compares all pairs (quadratic: 20,000 distinct finalizers
 * took 4 s); the same moves are made here from a min-heap of positions per value, each step taking the first copy
 * after i that is still in the list.
 */
function deduplicateScalars(input: unknown[]): unknown[] {
  const s = [...input];
  const positions = new Map<unknown, number[]>();
  s.forEach((v, i) => {
    const heap = positions.get(v);
    if (heap) heapPush(heap, i);
    else positions.set(v, [i]);
  });
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    const x = s[i];
    const heap = positions.get(x)!;
    for (;;) {
      // entries left behind by moves or at or before i are stale
      while (heap.length > 0 && (heap[0] <= i || heap[0] > length || s[heap[0]] !== x)) heapPop(heap);
      if (heap.length === 0) break;
      const j = heapPop(heap);
      const moved = s[length];
      s[j] = moved;
      length--;
      if (j <= length) heapPush(positions.get(moved)!, j);
    }
  }
  return s.slice(0, length + 1);
}

function heapPush(heap: number[], v: number): void {
  let i = heap.push(v) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= v) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = v;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= heap.length) break;
    const c = l + 1 < heap.length && heap[l + 1] < heap[l] ? l + 1 : l;
    if (heap[c] >= last) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = last;
  return top;
}

/**
 * Go's findMapInSliceBasedOnKeyValue (the first map whose merge key equals the value, or the error for a non-map
 * met before it) answered from an index built once: a scan per patch item made merging quadratic.
 * Items may be appended, and an item may lose its match (a merge that nulls the key) but never gain another.
 */
class KeyIndex {
  private positions = new Map<unknown, number[]>();
  private heads = new Map<unknown, number>();
  private firstNonMap = -1;

  constructor(
    private list: unknown[],
    private key: string,
  ) {
    for (let i = 0; i < list.length; i++) this.indexAt(i);
  }

  private matches(i: number, value: unknown): boolean {
    const e = this.list[i];
    return isMap(e) && has(e, this.key) && e[this.key] === value;
  }

  private indexAt(i: number): void {
    const e = this.list[i];
    if (!isMap(e)) {
      if (this.firstNonMap < 0) this.firstNonMap = i;
      return;
    }
    if (!has(e, this.key)) return;
    const at = this.positions.get(e[this.key]);
    if (at) at.push(i);
    else this.positions.set(e[this.key], [i]);
  }

  push(item: unknown): void {
    this.list.push(item);
    this.indexAt(this.list.length - 1);
  }

  find(value: unknown): number {
    const at = this.positions.get(value);
    let head = this.heads.get(value) ?? 0;
    while (at && head < at.length && !this.matches(at[head], value)) head++;
    this.heads.set(value, head);
    const found = at && head < at.length ? at[head] : -1;
    if (this.firstNonMap >= 0 && (found < 0 || this.firstNonMap < found)) {
      throw unknownError(`value for key ${this.firstNonMap} is not a map.`);
    }
    return found;
  }
}

/**
 * Position of an item in `list`, by merge key for maps and by value otherwise (the first one, as Go's
 * index() scans). Indexed once: a lookup per comparison made ordering cubic in the list's length.
 */
function positionsIn(list: unknown[], mergeKey: string, kind: Kind): (item: unknown) => number {
  const val = (x: unknown) => (kind === 'map' ? (isMap(x) ? x[mergeKey] : undefined) : x);
  const first = new Map<unknown, number>();
  list.forEach((x, i) => {
    const v = val(x);
    if (!first.has(v)) first.set(v, i);
  });
  return (item) => first.get(val(item)) ?? -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/**
 * The order Go's stable insertion sort gives under the predicate "both found in `order` ? ix < iy : true",
 * which is not a strict weak order, computed in O(n log n) (swapping one by one was quadratic). Found items end
 * stably sorted by position; an item not found moves ahead of everything before it, so it ends just before the
 * least found item that preceded it (after all found items when none did), the later of such items first.
 */
function sortByOrder(items: unknown[], positionOf: (item: unknown) => number): unknown[] {
  const found: { item: unknown; at: number; seq: number }[] = [];
  const ahead = new Map<number, unknown[]>(); // seq of a found item → items not found that end before it
  const atEnd: unknown[] = [];
  let least: { at: number; seq: number } | undefined;
  items.forEach((item, seq) => {
    const at = positionOf(item);
    if (at < 0) {
      if (!least) atEnd.push(item);
      else if (ahead.has(least.seq)) ahead.get(least.seq)!.push(item);
      else ahead.set(least.seq, [item]);
      return;
    }
    found.push({ item, at, seq });
    if (!least || at < least.at) least = { at, seq };
  });
  found.sort((x, y) => x.at - y.at || x.seq - y.seq);
  const out: unknown[] = [];
  for (const f of found) {
    const before = ahead.get(f.seq);
    if (before) for (let i = before.length - 1; i >= 0; i--) out.push(before[i]);
    out.push(f.item);
  }
  for (let i = atEnd.length - 1; i >= 0; i--) out.push(atEnd[i]);
  return out;
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let keep = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, keep, order);
    toDelete = keep.filter((v) => isMap(v) && v[DIRECTIVE] === 'delete');
    keep = keep.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete'));
  }
  return [...sortByOrder(keep, positionsIn(order, mergeKey, kind)), ...toDelete];
}

/** Interleaves server-only items (left) into patch items (right), using the live order as reference. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const positionOf = positionsIn(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = positionOf(left[i]);
      const ri = positionOf(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function partition(merged: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  if (!mergeKey) {
    const set = new Set(by);
    for (const v of merged) (set.has(v) ? inPatch : serverOnly).push(v);
    return [inPatch, serverOnly];
  }
  const byKey = new KeyIndex(by, mergeKey);
  for (const v of merged) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (byKey.find(v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isMap(right)) throw errBadArgType('map[string]interface {}', right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The patch list must list its (non-deleted) items in the $setElementOrder order. */
function validatePatchWithSetOrderList(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey
    ? patchList.filter((v) => {
        if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
        return v[DIRECTIVE] !== 'delete';
      })
    : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrder.length) {
    if (isMap(nonDelete[p]) && has(nonDelete[p] as JMap, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], setOrder[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrder.length) {
    throw unknownError(
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${ORDER_PREFIX} list:\n${JSON.stringify(setOrder)}\n`,
    );
  }
}

/**
 * The live list as upstream's mergePatchIntoOriginal sees it after merging. In Go the merge deletes
 * `$patch: delete` items by shifting the live slice in place and appends new items into the freed
 * capacity, so the "live order" used to place server-only items is that mutated backing array
 * (apiserver lists have cap == len). Reproduced here so results match a real apiserver.
 */
function goAliasedLiveOrder(live: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  if (!patch.every((v) => isMap(v))) return live;
  const items = patch as JMap[];
  const backing = [...live];
  const positions = new Map<unknown, number[]>(); // key value → indexes in live (all maps here)
  live.forEach((e, i) => {
    if (!isMap(e) || !has(e, mergeKey)) return;
    const at = positions.get(e[mergeKey]);
    if (at) at.push(i);
    else positions.set(e[mergeKey], [i]);
  });
  const removed = new Array<boolean>(live.length).fill(false);
  let len = backing.length;
  let last = live.length - 1; // the last element still in the live prefix
  let replace = false;
  for (const v of items) {
    if (v[DIRECTIVE] === 'delete') {
      // Each match is shifted out in turn; the freed slot at the end keeps the prefix's last element.
      const at = positions.get(v[mergeKey]);
      if (!at) continue;
      positions.delete(v[mergeKey]);
      backing.fill(live[last], len - at.length, len);
      len -= at.length;
      for (const i of at) removed[i] = true;
      while (last >= 0 && removed[last]) last--;
    } else if (v[DIRECTIVE] === 'replace') replace = true;
  }
  let w = 0;
  for (let i = 0; i < live.length && w < len; i++) if (!removed[i]) backing[w++] = live[i];
  if (replace) return backing;
  const present = new Set(positions.keys());
  let grown = len;
  for (const v of items) {
    if (has(v, DIRECTIVE) || present.has(v[mergeKey])) continue;
    if (grown < backing.length && grown === len) {
      backing[len] = v;
      len++;
    }
    grown++;
    if (has(v, mergeKey)) present.add(v[mergeKey]);
  }
  return backing;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const del = new Set(toDelete);
  return current.filter((v) => !del.has(v));
}

class Merger {
  constructor(private schema: SchemaLookup) {}

  mergeMap(original: JMap, patch: JMap, t: TypeContext): JMap {
    if (has(patch, DIRECTIVE)) return this.directiveInMap(patch[DIRECTIVE], patch);
    this.applyRetainKeys(original, patch);
    this.mergeOrderedLists(original, patch, t);

    for (const [rawKey, patchV] of Object.entries(patch)) {
      let k = rawKey;
      let isDeleteList = false;
      if (rawKey.startsWith(DELETE_PREFIX)) {
        k = extractKey(rawKey, DELETE_PREFIX);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete original[k];
        continue;
      }
      if (isDeleteList) {
        // Deletion only ever removes: nothing to do on a missing list (kubernetes#105421), and it
        // applies whatever the field's strategy (kubernetes#110472).
        if (!Array.isArray(patchV)) throw errBadPatchFormatForPrimitiveList();
        const list = ownValue(original, k);
        if (Array.isArray(list)) setOwn(original, k, this.deleteFromList(list, patchV));
        continue;
      }
      if (!has(original, k)) {
        setOwn(original, k, stripDirectives(patchV));
        continue;
      }
      const ov = ownValue(original, k);
      const kind = kindOf(ov);
      if (kind !== kindOf(patchV)) {
        setOwn(original, k, stripDirectives(patchV));
        continue;
      }
      if (kind === 'map') {
        const meta = fieldPatchMeta(t, k, this.schema);
        setOwn(original, k, meta.strategy === 'replace' ? stripDirectives(patchV) : this.mergeMap(ov as JMap, patchV as JMap, meta.type));
      } else if (kind === 'slice') {
        setOwn(original, k, this.mergeSliceHandler(ov as unknown[], patchV as unknown[], fieldPatchMeta(t, k, this.schema)));
      } else {
        setOwn(original, k, patchV);
      }
    }
    return original;
  }

  private deleteFromList(current: unknown[], toDelete: unknown[]): unknown[] {
    if (current.length === 0 && toDelete.length === 0) return current;
    const kind = sliceElementKind(current, toDelete);
    return kind === 'map' ? current : deleteFromSlice(current, toDelete);
  }

  private directiveInMap(directive: unknown, patch: JMap): JMap {
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return stripDirectives(patch) as JMap;
    }
    if (directive === 'delete') return {};
    throw errBadPatchType(directive, patch);
  }

  /** $retainKeys: drop every field of the original that the list does not name. */
  private applyRetainKeys(original: JMap, patch: JMap): void {
    if (!has(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(list)) throw errBadPatchFormatForRetainKeys();
    const keep = new Set(list);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_PREFIX) || k.startsWith(ORDER_PREFIX)) continue;
      if (!keep.has(k)) throw errBadPatchFormatForRetainKeys();
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /** $setElementOrder/<field>: merge that list now and order it (setElementOrder > patch > live order). */
  private mergeOrderedLists(original: JMap, patch: JMap, t: TypeContext): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(ORDER_PREFIX)) continue;
      const setOrder = patch[key];
      delete patch[key];
      if (!Array.isArray(setOrder)) throw errBadArgType('[]interface {}', setOrder);
      const field = extractKey(key, ORDER_PREFIX);
      const foundOriginal = has(original, field);
      const foundPatch = has(patch, field);
      const ov = ownValue(original, field);
      const pv = ownValue(patch, field);
      if (foundOriginal && !Array.isArray(ov)) throw errBadArgType('[]interface {}', ov);
      if (foundPatch && !Array.isArray(pv)) throw errBadArgType('[]interface {}', pv);
      const originalList = (ov as unknown[] | undefined) ?? [];
      const patchList = (pv as unknown[] | undefined) ?? [];
      const meta = fieldPatchMeta(t, field, this.schema);
      validatePatchWithSetOrderList(patchList, setOrder, meta.mergeKey);

      let merged: unknown[];
      if (foundOriginal && foundPatch) merged = this.mergeSliceHandler(originalList, patchList, meta);
      else if (foundOriginal) merged = originalList;
      else if (foundPatch) merged = stripDirectives(patchList) as unknown[];
      else continue;

      const [patchItems, serverOnly] = partition(merged, setOrder, meta.mergeKey);
      const kind = sliceElementKind(originalList, patchList);
      const serverOrder =
        foundOriginal && foundPatch && meta.strategy === 'merge' && kind === 'map'
          ? goAliasedLiveOrder(originalList, patchList, meta.mergeKey)
          : originalList;
      setOwn(original, field, normalizeElementOrder(patchItems, serverOnly, setOrder, serverOrder, meta.mergeKey, kind));
      delete patch[field];
    }
  }

  private mergeSliceHandler(original: unknown[], patch: unknown[], meta: FieldPatchMeta): unknown[] {
    if (meta.strategy !== 'merge') return stripDirectives(patch) as unknown[];
    return this.mergeSlice(original, patch, meta.type, meta.mergeKey);
  }

  private mergeSlice(original: unknown[], patch: unknown[], elemType: TypeContext, mergeKey: string): unknown[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = sliceElementKind(original, patch);
    let merged: unknown[];
    if (kind !== 'map') {
      merged = deduplicateScalars([...original, ...patch]);
    } else {
      if (!mergeKey) throw unknownError('cannot merge lists without merge key for type struct');
      [original, patch] = this.withSpecialElements(original, patch, mergeKey);
      merged = this.withoutSpecialElements(original, patch, mergeKey, elemType);
    }
    const [patchItems, serverOnly] = partition(merged, patch, mergeKey);
    return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
  }

  /** Applies `$patch: delete` / `$patch: replace` list elements; returns the new original and the plain items. */
  private withSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
    const plain: unknown[] = [];
    const deleted = new Set<unknown>();
    let replace = false;
    for (const v of patch) {
      const m = v as JMap;
      if (!has(m, DIRECTIVE)) {
        plain.push(v);
        continue;
      }
      switch (m[DIRECTIVE]) {
        case 'delete':
          if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
          deleted.add(m[mergeKey]);
          break;
        case 'replace':
          replace = true;
          break;
        case 'merge':
          throw unknownError('merging lists cannot yet be specified in the patch');
        default:
          throw errBadPatchType(m[DIRECTIVE], m);
      }
    }
    if (replace) return [stripDirectives(plain) as unknown[], []];
    // every element whose merge key a delete names goes (one pass: removing them one by one was quadratic)
    if (deleted.size > 0) original = original.filter((e) => !(isMap(e) && has(e, mergeKey) && deleted.has(e[mergeKey])));
    return [original, plain];
  }

  /** Items matching an original element by merge key merge into it; others are appended. */
  private withoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, elemType: TypeContext): unknown[] {
    const out = [...original];
    const byKey = new KeyIndex(out, mergeKey);
    for (const v of patch) {
      const m = v as JMap;
      if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const at = byKey.find(m[mergeKey]);
      if (at >= 0) out[at] = this.mergeMap(out[at] as JMap, m, elemType);
      else byKey.push(stripDirectives(m));
    }
    return out;
  }
}
