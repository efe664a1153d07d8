// JSON of response bodies. Objects served from the watch cache are frozen and shared (storage/cacher), so the JSON of
// each is computed once and kept alongside it (a WeakMap: it goes when the object does); a list splices those strings
// instead of serializing its items again. Anything else (Tables, PartialObjectMetadata, objects just written) is
// serialized as usual. The output is byte for byte what JSON.stringify writes.

const cachedJson = new WeakMap<object, string>();

/** JSON.stringify(value), remembered for frozen objects. */
export function objectJson(value: unknown): string {
  if (value === null || typeof value !== 'object' || !Object.isFrozen(value)) return JSON.stringify(value);
  let json = cachedJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    cachedJson.set(value, json);
  }
  return json;
}

/** A response body as JSON: a list of frozen items is written member by member with its items spliced in. */
export function bodyJson(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(body);
  if (Object.isFrozen(body)) return objectJson(body);
  const items = (body as { items?: unknown }).items;
  if (!Array.isArray(items) || !items.every((i) => i !== null && typeof i === 'object' && Object.isFrozen(i))) return JSON.stringify(body);
  const members: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const json = name === 'items' ? `[${items.map(objectJson).join(',')}]` : JSON.stringify(value);
    if (json !== undefined) members.push(`${JSON.stringify(name)}:${json}`); // undefined members are left out, as JSON.stringify does
  }
  return `{${members.join(',')}}`;
}
