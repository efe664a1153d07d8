// Reading a dotted field path (`spec.nodeName`, `involvedObject.name`) out of an object, for field
// selectors and subresources that point into objects.

export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** The field as a field selector compares it: a string, '' when absent. */
export function stringAt(obj: unknown, path: string): string {
  const v = valueAt(obj, path);
  return v === undefined || v === null ? '' : String(v);
}
