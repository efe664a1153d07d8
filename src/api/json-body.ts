// JSON of response bodies. Objects served from the watch cache are frozen and shared (storage/cacher), so the JSON of
// each is computed once and kept alongside it (in a WeakMap: it goes when the object does), less its long strings; a
// list writes those pieces straight into one buffer instead of serializing its items again. Anything else (Tables,
// PartialObjectMetadata, objects just written) is serialized as usual. The bytes are exactly JSON.stringify's.

/**
 * A frozen object's remembered JSON: its text, or when it has long strings (ConfigMap and Secret data, mostly), the
 * pieces around them and the object's own strings between, so that remembering the JSON of every cached object costs
 * its structure, not its data a second time.
 */
type Json = Piece | Split;
interface Piece {
  text: string;
  /** UTF-8 length */ bytes: number;
}
interface Split {
  /** UTF-8 length of the whole JSON */ bytes: number;
  /** the JSON in order: text, its UTF-8 length, text, its length, ... (flat: one small array per object) */ parts: (string | number)[];
}

/** Strings at least this long are written from the object rather than kept in its JSON a second time. */
const LONG_STRING = 256;

const cachedJson = new WeakMap<object, Json>();

function isFrozenObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

/** The long strings of a JSON value, in the order JSON.stringify writes them. */
function longStrings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') {
    if (value.length >= LONG_STRING) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) longStrings(v, out);
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) longStrings((value as Record<string, unknown>)[k], out);
  }
  return out;
}

const piece = (text: string): Piece => ({ text, bytes: Buffer.byteLength(text) });
/** A copy that does not keep the whole text alive (V8 slices long substrings instead of copying them). */
const detached = (slice: string): string => Buffer.from(slice).toString();

/**
 * Splits JSON.stringify's text at each long string's characters. Any occurrence of the same characters will do, since
 * writing them back gives the same bytes; one that needed escaping is not found as such and stays in the text.
 */
function encode(value: object): Json {
  const text = JSON.stringify(value);
  const parts: (string | number)[] = [];
  let from = 0;
  for (const s of longStrings(value, [])) {
    const i = text.indexOf(s, from);
    if (i < 0) continue;
    const before = detached(text.slice(from, i));
    parts.push(before, Buffer.byteLength(before), s, Buffer.byteLength(s));
    from = i + s.length;
  }
  if (!parts.length) return piece(text);
  const last = detached(text.slice(from));
  parts.push(last, Buffer.byteLength(last));
  let bytes = 0;
  for (let i = 1; i < parts.length; i += 2) bytes += parts[i] as number;
  return { bytes, parts };
}

function remembered(value: object): Json {
  let json = cachedJson.get(value);
  if (json === undefined) cachedJson.set(value, (json = encode(value)));
  return json;
}

/** ASCII (bytes === length) is copied as Latin-1, byte for byte, without UTF-8 encoding work. */
const writeText = (out: Buffer, at: number, text: string, bytes: number) =>
  out.write(text, at, bytes, bytes === text.length ? 'latin1' : 'utf8');

/** Writes JSON into `out` at `at`; returns the bytes written. */
function writeJson(out: Buffer, at: number, json: Json): number {
  if ('text' in json) return writeText(out, at, json.text, json.bytes);
  const { parts } = json;
  let n = 0;
  for (let i = 0; i < parts.length; i += 2) n += writeText(out, at + n, parts[i] as string, parts[i + 1] as number);
  return n;
}

function toBuffer(json: Json): Buffer {
  const out = Buffer.allocUnsafe(json.bytes);
  writeJson(out, 0, json);
  return out;
}

/** JSON.stringify of a frozen object, computed once. */
export function frozenJson(value: object): string {
  const json = remembered(value);
  return 'text' in json ? json.text : toBuffer(json).toString();
}

const COMMA = piece(',');

/**
 * A response body as JSON: a frozen object from its remembered string, a list of frozen items member by member with
 * the items' strings written into one buffer, anything else JSON.stringify's string.
 */
export function bodyJson(body: unknown): string | Buffer {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(body);
  if (Object.isFrozen(body)) {
    const json = remembered(body);
    return 'text' in json ? json.text : toBuffer(json);
  }
  const items = (body as { items?: unknown }).items;
  if (!Array.isArray(items) || !items.every(isFrozenObject)) return JSON.stringify(body);
  // The pieces in order: the members before items and `"items":[`, each item and its comma, `]` and the rest.
  const pieces: Json[] = [];
  let text = '{';
  let first = true;
  for (const [name, value] of Object.entries(body)) {
    const json = name === 'items' ? undefined : JSON.stringify(value);
    if (name !== 'items' && json === undefined) continue; // undefined members are left out, as JSON.stringify does
    text += `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    if (json !== undefined) {
      text += json;
      continue;
    }
    pieces.push(piece(`${text}[`));
    text = ']';
    for (let i = 0; i < items.length; i++) {
      if (i) pieces.push(COMMA);
      pieces.push(remembered(items[i]));
    }
  }
  pieces.push(piece(`${text}}`));
  const head = (pieces[0] as Piece).text;
  const tail = (pieces[pieces.length - 1] as Piece).text;
  const again = recentLists.find((l) => l.head === head && l.tail === tail && sameItems(l.items, items));
  if (again) return again.out;
  let length = 0;
  for (const p of pieces) length += p.bytes;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const p of pieces) at += writeJson(out, at, p);
  if (length <= RECENT_LIST_MAX_BYTES) {
    recentLists.unshift({ head, tail, items: [...items] as object[], out });
    recentLists.length = Math.min(recentLists.length, RECENT_LISTS);
  }
  return out;
}

/**
 * The last few list bodies built, with what they were built from: the same list asked again while nothing in it
 * changed (the same members around the items, which hold the list's resourceVersion, and the very same cached
 * objects in the same order) is answered with the same bytes instead of a new copy of them. Bounded in count and in
 * size, so that it holds at most RECENT_LISTS × RECENT_LIST_MAX_BYTES.
 */
const RECENT_LISTS = 4;
const RECENT_LIST_MAX_BYTES = 2 * 1024 * 1024;
const recentLists: { head: string; tail: string; items: readonly object[]; out: Buffer }[] = [];

function sameItems(a: readonly object[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
