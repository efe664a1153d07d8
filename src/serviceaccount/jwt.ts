// Compact JWS (RFC 7515) with ES256 for service account tokens, signed and verified by `jose`. The algorithm is
// pinned to ES256 by the key, never taken from the token; the claims are checked by the callers (upstream's
// validators word their own reasons).
import { createHash, webcrypto, type KeyObject } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

/** jose loads with the first token signed or checked, not at start-up (~45 ms of module loading on its own). */
let joseModule: Promise<typeof import('jose')> | undefined;
const jose = () => (joseModule ??= import('jose'));

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}
export type JwtClaims = Record<string, unknown>;

const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * The WebCrypto key for a node KeyObject, imported once per key: jose works on CryptoKeys, and converting a
 * KeyObject on every call would cost each authenticated request a key import.
 */
const cryptoKeys = new WeakMap<KeyObject, Promise<CryptoKey>>();
function cryptoKeyOf(key: KeyObject): Promise<CryptoKey> {
  let p = cryptoKeys.get(key);
  if (!p) {
    const isPrivate = key.type === 'private';
    const der = isPrivate ? key.export({ type: 'pkcs8', format: 'der' }) : key.export({ type: 'spki', format: 'der' });
    p = webcrypto.subtle.importKey(isPrivate ? 'pkcs8' : 'spki', der, ES256, false, [isPrivate ? 'sign' : 'verify']);
    cryptoKeys.set(key, p);
  }
  return p;
}

/** Signs `claims` with an EC P-256 private key (header `{"alg":"ES256","kid":...}`, as go-jose writes it). */
export async function signJwt(claims: JwtClaims, privateKey: KeyObject, kid?: string): Promise<string> {
  const { CompactSign } = await jose();
  return new CompactSign(Buffer.from(JSON.stringify(claims), 'utf8'))
    .setProtectedHeader({ alg: 'ES256', ...(kid ? { kid } : {}) })
    .sign(await cryptoKeyOf(privateKey));
}

/** True for strings shaped like a compact JWS, so other bearer tokens never reach JWT parsing. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

/**
 * Tokens whose signature already checked out, per key, most recent last: a client sends the same token with every
 * request, and a signature that verified once always will (kube-apiserver caches whole token authentications for
 * 10 s instead; here only the signature is remembered, so expiry and the bound objects are still checked every time).
 */
const verified = new WeakMap<KeyObject, Map<string, JwtClaims>>();
export const VERIFIED_TOKENS_CACHED = 1024;

function deepFreeze(v: object): object {
  for (const x of Object.values(v)) if (x !== null && typeof x === 'object') deepFreeze(x as object);
  return Object.freeze(v);
}

function remember(publicKey: KeyObject, token: string, claims: JwtClaims): void {
  let m = verified.get(publicKey);
  if (!m) verified.set(publicKey, (m = new Map()));
  if (m.size >= VERIFIED_TOKENS_CACHED) m.delete(m.keys().next().value!);
  m.set(token, claims);
}

/** The claims when the signature checks out with `publicKey` (ES256 only); undefined for anything else. */
export async function verifyJwt(token: string, publicKey: KeyObject): Promise<JwtClaims | undefined> {
  const known = verified.get(publicKey)?.get(token);
  if (known) return known;
  if (!looksLikeJwt(token)) return undefined;
  let payload: Uint8Array;
  try {
    const { compactVerify } = await jose();
    ({ payload } = await compactVerify(token, await cryptoKeyOf(publicKey), { algorithms: ['ES256'] }));
  } catch {
    return undefined; // bad signature, another algorithm ("none" included), a malformed header
  }
  try {
    const v = JSON.parse(Buffer.from(payload).toString('utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const claims = deepFreeze(v) as JwtClaims; // shared by every later request with this token
    remember(publicKey, token, claims);
    return claims;
  } catch {
    return undefined;
  }
}

/** A key id derived from the public key, as Kubernetes names its signing keys (base64url SHA-256 of the DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}
