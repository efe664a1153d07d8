// JSON of response bodies. Objects served from the watch cache are frozen and shared (storage/cacher), so the JSON of
// each is computed once and kept alongside it (in a WeakMap: it goes when the object does); a list writes those
// strings straight into one buffer instead of serializing its items again. Anything else (Tables,
// PartialObjectMetadata, objects just written) is serialized as usual. The bytes are exactly JSON.stringify's.

const cachedJson = new WeakMap<object, string>();

function isFrozenObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

/** JSON.stringify of a frozen object, computed once. */
export function frozenJson(value: object): string {
  let json = cachedJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    cachedJson.set(value, json);
  }
  return json;
}

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
  const pieces: string[] = [];
  let text = '{';
  let first = true;
  for (const [name, value] of Object.entries(body)) {
    const json = name === 'items' ? undefined : JSON.stringify(value);
    if (name !== 'items' && json === undefined) continue; // undefined members are left out, as JSON.stringify does
    text += `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    if (json !== undefined) { text += json; continue; }
    pieces.push(`${text}[`);
    text = ']';
    for (let i = 0; i < items.length; i++) {
      if (i) pieces.push(',');
      pieces.push(frozenJson(items[i]));
    }
  }
  pieces.push(`${text}}`);
  let length = 0;
  for (const p of pieces) length += Buffer.byteLength(p);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const p of pieces) at += out.write(p, at);
  return out;
}
