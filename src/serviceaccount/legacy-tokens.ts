// Legacy service account tokens (pkg/serviceaccount/legacy.go): the never-expiring JWTs that the tokens controller
// writes into `kubernetes.io/service-account-token` Secrets. Issuer `kubernetes/serviceaccount`, no exp; valid while
// the Secret exists, still holds this very token, and names a service account that exists with the claimed uid.
import type { KObject } from '../machinery/api/meta.js';
import { signJwt, verifyJwt } from './jwt.js';
import type { SigningKey } from './signing-key.js';
import type { ObjectLookup, ServiceAccountUser } from './tokens.js';
import { serviceAccountGroups, serviceAccountUsername } from './constants.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
const NS = 'kubernetes.io/serviceaccount/namespace';
const SECRET = 'kubernetes.io/serviceaccount/secret.name';
const SA_NAME = 'kubernetes.io/serviceaccount/service-account.name';
const SA_UID = 'kubernetes.io/serviceaccount/service-account.uid';

export type LegacyVerifyResult = { ok: true; user: ServiceAccountUser } | { ok: false; reason: string };

export class LegacyServiceAccountTokens {
  constructor(
    private key: SigningKey,
    private lookup: ObjectLookup,
  ) {}

  /** LegacyClaims: the token for `secret` of `serviceAccount`. */
  issue(serviceAccount: KObject, secret: KObject): Promise<string> {
    const ns = serviceAccount.metadata.namespace ?? '';
    return signJwt(
      {
        iss: LEGACY_ISSUER,
        [NS]: ns,
        [SECRET]: secret.metadata.name ?? '',
        [SA_NAME]: serviceAccount.metadata.name ?? '',
        [SA_UID]: serviceAccount.metadata.uid ?? '',
        sub: serviceAccountUsername(ns, serviceAccount.metadata.name ?? ''),
      },
      this.key.privateKey,
      this.key.keyId,
    );
  }

  /** The legacy validator with lookup on, its reasons worded as upstream's. */
  async verify(token: string): Promise<LegacyVerifyResult> {
    const claims = await verifyJwt(token, this.key.publicKey);
    if (!claims) return { ok: false, reason: 'invalid signature' };
    if (claims.iss !== LEGACY_ISSUER) return { ok: false, reason: 'not a legacy service account token' };
    const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
    const [ns, secretName, saName, saUid] = [str(NS), str(SECRET), str(SA_NAME), str(SA_UID)];
    if (!ns) return { ok: false, reason: 'namespace claim is missing' };
    if (!secretName) return { ok: false, reason: 'secretName claim is missing' };
    if (!saName) return { ok: false, reason: 'serviceAccountName claim is missing' };
    if (!saUid) return { ok: false, reason: 'serviceAccountUID claim is missing' };
    const secret = await this.lookup('Secret', ns, secretName);
    if (!secret || secret.metadata.deletionTimestamp) return { ok: false, reason: 'Token has been invalidated' };
    const stored = (secret.data as Record<string, string> | undefined)?.token;
    if (!stored || Buffer.from(stored, 'base64').toString('utf8') !== token)
      return { ok: false, reason: "Token does not match server's copy" };
    const sa = await this.lookup('ServiceAccount', ns, saName);
    if (!sa) return { ok: false, reason: `serviceaccounts "${saName}" not found` };
    if (sa.metadata.deletionTimestamp) return { ok: false, reason: `ServiceAccount ${ns}/${saName} has been deleted` };
    if (sa.metadata.uid !== saUid) return { ok: false, reason: `ServiceAccount UID (${sa.metadata.uid}) does not match claim (${saUid})` };
    return {
      ok: true,
      user: { name: serviceAccountUsername(ns, saName), uid: saUid, groups: [...serviceAccountGroups(ns), 'system:authenticated'] },
    };
  }

  async authenticate(token: string): Promise<ServiceAccountUser | undefined> {
    const r = await this.verify(token);
    return r.ok ? r.user : undefined;
  }
}

/** The issuer a JWT claims, read without verifying (to route it to the bound or the legacy validator). */
export function unverifiedIssuer(token: string): string | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}
