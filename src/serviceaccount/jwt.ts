// Compact JWS (RFC 7515) signing and verification with ES256 over node:crypto: just what service account tokens need.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}
export type JwtClaims = Record<string, unknown>;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/** Signs `claims` with an EC P-256 private key; the signature is the raw r||s pair that JWS prescribes. */
export function signJwt(claims: JwtClaims, privateKey: KeyObject, kid?: string): string {
  const header: JwtHeader = { alg: 'ES256', ...(kid ? { kid } : {}) };
  const input = `${b64(header)}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** True for strings shaped like a compact JWS, so other bearer tokens never reach JWT parsing. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

function parsePart<T>(part: string): T | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The claims when the signature checks out with `publicKey` (ES256 only); undefined for anything else. */
export function verifyJwt(token: string, publicKey: KeyObject): JwtClaims | undefined {
  if (!looksLikeJwt(token)) return undefined;
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = parsePart<JwtHeader>(h);
  // The algorithm is fixed by the key, never taken from the token ("alg": "none" and friends are refused).
  if (!header || header.alg !== 'ES256') return undefined;
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== 64) return undefined;
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)) return undefined;
  return parsePart<JwtClaims>(p);
}

/** A key id derived from the public key, as Kubernetes names its signing keys (base64url SHA-256 of the DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}
