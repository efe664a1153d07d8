// Issuing and checking service account tokens (pkg/serviceaccount: Claims, the JWT token generator and the
// validator): ES256 JWTs whose `kubernetes.io` claim names the service account and the object the token is bound
// to; a token is good while its signature, issuer, audience and lifetime check out and those objects still exist.
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.js';
import type { SigningKey } from './signing-key.js';
import { API_AUDIENCES, EXTRA_POD_NAME, EXTRA_POD_UID, ISSUER, serviceAccountGroups, serviceAccountUsername } from './constants.js';

export type BoundKind = 'ServiceAccount' | 'Pod' | 'Secret';
/** Reads one object of the token's namespace; undefined when it does not exist. */
export type ObjectLookup = (kind: BoundKind, namespace: string, name: string) => Promise<KObject | undefined>;

export interface IssueRequest {
  serviceAccount: KObject;
  audiences: readonly string[];
  expirationSeconds: number;
  /** The object the token is bound to: it dies with it. */
  pod?: KObject;
  secret?: KObject;
  /** Set on the year-long tokens of auto-mounted volumes: when the requested lifetime ran out. */
  warnAfterSeconds?: number;
}

export interface IssuedToken {
  token: string;
  claims: KubernetesClaims;
  issuedAt: number;
}

interface Ref {
  name: string;
  uid: string;
}
export interface KubernetesClaims extends JwtClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io': { namespace: string; serviceaccount: Ref; pod?: Ref; secret?: Ref; warnafter?: number };
}

/** A service account as the authenticator reports it: uid of the account, pod extras for pod-bound tokens. */
export interface ServiceAccountUser extends UserInfo {
  uid: string;
  extra?: Record<string, string[]>;
}

export type VerifyResult = { ok: true; user: ServiceAccountUser; claims: KubernetesClaims } | { ok: false; reason: string };

/** go-jose's default leeway: tolerated clock skew for exp/nbf, and grace for objects being deleted. */
const LEEWAY_S = 60;

const refOf = (o: KObject): Ref => ({ name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' });
const isRef = (v: unknown): v is Ref =>
  !!v && typeof v === 'object' && typeof (v as Ref).name === 'string' && typeof (v as Ref).uid === 'string';

export interface TokenServiceOptions {
  issuer?: string;
  /** Audiences this API server accepts (`--api-audiences`). */
  audiences?: readonly string[];
  /** Seconds since the epoch; tests move time. */
  now?: () => number;
}

export class ServiceAccountTokens {
  readonly issuer: string;
  readonly audiences: readonly string[];
  private now: () => number;

  constructor(
    private key: SigningKey,
    private lookup: ObjectLookup,
    opts: TokenServiceOptions = {},
  ) {
    this.issuer = opts.issuer ?? ISSUER;
    this.audiences = opts.audiences ?? API_AUDIENCES;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Signs a token for the request; iat = nbf = now, exp = now + expirationSeconds. */
  async issue(req: IssueRequest): Promise<IssuedToken> {
    const now = this.now();
    const sa = req.serviceAccount;
    const k8s: KubernetesClaims['kubernetes.io'] = { namespace: sa.metadata.namespace ?? '', serviceaccount: refOf(sa) };
    if (req.pod) k8s.pod = refOf(req.pod);
    else if (req.secret) k8s.secret = refOf(req.secret);
    if (req.warnAfterSeconds) k8s.warnafter = now + req.warnAfterSeconds;
    const claims: KubernetesClaims = {
      aud: [...req.audiences],
      exp: now + req.expirationSeconds,
      iat: now,
      iss: this.issuer,
      nbf: now,
      sub: serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name),
      'kubernetes.io': k8s,
    };
    return { token: await signJwt(claims, this.key.privateKey, this.key.keyId), claims, issuedAt: now };
  }

  /** Checks a token for one of `audiences` (default: the API's); the reason says why a token is refused. */
  async verify(token: string, audiences: readonly string[] = this.audiences): Promise<VerifyResult> {
    const raw = await verifyJwt(token, this.key.publicKey);
    if (!raw) return { ok: false, reason: 'invalid signature' };
    if (raw.iss !== this.issuer) return { ok: false, reason: 'issuer does not match' };
    const aud =
      typeof raw.aud === 'string' ? [raw.aud] : Array.isArray(raw.aud) ? raw.aud.filter((a): a is string => typeof a === 'string') : [];
    if (!aud.some((a) => audiences.includes(a))) return { ok: false, reason: 'token audiences do not match' };
    const now = this.now();
    if (typeof raw.exp !== 'number' || now > raw.exp + LEEWAY_S) return { ok: false, reason: 'service account token has expired' };
    if (typeof raw.nbf === 'number' && now < raw.nbf - LEEWAY_S) return { ok: false, reason: 'service account token is not valid yet' };
    const k8s = raw['kubernetes.io'] as Partial<KubernetesClaims['kubernetes.io']> | undefined;
    if (!k8s || typeof k8s.namespace !== 'string' || !isRef(k8s.serviceaccount))
      return { ok: false, reason: 'not a service account token' };
    const claims = raw as KubernetesClaims;
    const ns = k8s.namespace;
    const deletedLongAgo = (o: KObject) =>
      !!o.metadata.deletionTimestamp && Date.parse(o.metadata.deletionTimestamp) / 1000 < now - LEEWAY_S;

    const sa = await this.lookup('ServiceAccount', ns, k8s.serviceaccount.name);
    if (!sa) return { ok: false, reason: `serviceaccounts "${k8s.serviceaccount.name}" not found` };
    if (deletedLongAgo(sa)) return { ok: false, reason: `service account ${ns}/${k8s.serviceaccount.name} has been deleted` };
    if (sa.metadata.uid !== k8s.serviceaccount.uid)
      return { ok: false, reason: `service account UID (${sa.metadata.uid}) does not match claim (${k8s.serviceaccount.uid})` };
    for (const kind of ['Secret', 'Pod'] as const) {
      const ref = kind === 'Pod' ? k8s.pod : k8s.secret;
      if (ref === undefined) continue;
      if (!isRef(ref)) return { ok: false, reason: 'service account token has been invalidated' };
      const obj = await this.lookup(kind, ns, ref.name);
      if (!obj || deletedLongAgo(obj)) return { ok: false, reason: 'service account token has been invalidated' };
      if (obj.metadata.uid !== ref.uid)
        return {
          ok: false,
          reason: `${kind.toLowerCase()} UID (${obj.metadata.uid}) does not match service account ${kind.toLowerCase()} ref claim (${ref.uid})`,
        };
    }
    const user: ServiceAccountUser = {
      name: serviceAccountUsername(ns, k8s.serviceaccount.name),
      uid: k8s.serviceaccount.uid,
      groups: [...serviceAccountGroups(ns), 'system:authenticated'],
    };
    if (isRef(k8s.pod)) user.extra = { [EXTRA_POD_NAME]: [k8s.pod.name], [EXTRA_POD_UID]: [k8s.pod.uid] };
    return { ok: true, user, claims };
  }

  /** The authenticator's view: the user, or undefined when the token is not a valid service account token. */
  async authenticate(token: string): Promise<ServiceAccountUser | undefined> {
    const r = await this.verify(token);
    return r.ok ? r.user : undefined;
  }
}
