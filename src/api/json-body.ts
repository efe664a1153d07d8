// JSON of response bodies. Objects served from the watch cache are frozen and shared (storage/cacher), so the JSON of
// each is computed once and kept alongside it (in a WeakMap: it goes when the object does); a list writes those
// strings straight into one buffer instead of serializing its items again. Anything else (Tables,
// PartialObjectMetadata, objects just written) is serialized as usual. The bytes are exactly JSON.stringify's.

/** An object's JSON and its UTF-8 length (equal to the string's length when it is all ASCII, the common case). */
interface Json {
  text: string;
  bytes: number;
}

const cachedJson = new WeakMap<object, Json>();

function isFrozenObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

function remembered(value: object): Json {
  let json = cachedJson.get(value);
  if (json === undefined) {
    const text = JSON.stringify(value);
    json = { text, bytes: Buffer.byteLength(text) };
    cachedJson.set(value, json);
  }
  return json;
}

/** JSON.stringify of a frozen object, computed once. */
export function frozenJson(value: object): string {
  return remembered(value).text;
}

const asJson = (text: string): Json => ({ text, bytes: Buffer.byteLength(text) });
const COMMA = asJson(',');

/**
 * A response body as JSON: a frozen object from its remembered string, a list of frozen items member by member with
 * the items' strings written into one buffer, anything else JSON.stringify's string.
 */
export function bodyJson(body: unknown): string | Buffer {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(body);
  if (Object.isFrozen(body)) return frozenJson(body);
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
    pieces.push(asJson(`${text}[`));
    text = ']';
    for (let i = 0; i < items.length; i++) {
      if (i) pieces.push(COMMA);
      pieces.push(remembered(items[i]));
    }
  }
  pieces.push(asJson(`${text}}`));
  let length = 0;
  for (const p of pieces) length += p.bytes;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  // ASCII (bytes === length) is copied as Latin-1, byte for byte, without UTF-8 encoding work.
  for (const p of pieces) at += out.write(p.text, at, p.bytes === p.text.length ? 'latin1' : 'utf8');
  return out;
}
