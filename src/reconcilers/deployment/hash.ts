// The pod-template-hash (pkg/controller/controller_utils.go ComputeHash): FNV-32a over the template, then the
// collision count as 8 little-endian bytes (the uint32 in the first 4), the 32-bit sum printed in decimal and each
// digit mapped through rand.SafeEncodeString's alphabet. Upstream feeds the hasher spew's `%#v`-style dump of the
// Go struct (DeepHashObject), which cannot be reproduced byte for byte from JSON: we hash a canonical JSON of the
// template instead (keys sorted, empty values dropped), so hashes are stable across restarts and look like real
// ones (same alphabet, same length), but differ from what a real cluster computes for the same template.

/** rand.SafeEncodeString's alphabet: no vowels (no words), no 0/1/3 (no look-alikes). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Each character replaced by ALPHANUMS[code % 27], as rand.SafeEncodeString does. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/**
 * JSON with sorted keys, leaving out null, empty objects and empty arrays (apimachinery's semantic equality treats
 * empty and absent alike, so two templates equal to the controller hash alike).
 */
export function canonicalJson(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (!v.length) return undefined;
    return `[${v.map((x) => canonicalJson(x) ?? 'null').join(',')}]`;
  }
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const k of Object.keys(v as object).sort()) {
      const s = canonicalJson((v as Record<string, unknown>)[k]);
      if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
    }
    return parts.length ? `{${parts.join(',')}}` : undefined;
  }
  return JSON.stringify(v);
}

/** ComputeHash(template, collisionCount): the value of the pod-template-hash label and the RS name's suffix. */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template) ?? ''));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
