// Kubelet's token manager for projected serviceAccountToken volumes: a token per (pod, audience, lifetime), bound
// to the pod and asked for through `requestToken` (the kubelet's TokenRequest, serviceaccounts/token), kept until
// 80% of its requested lifetime has passed (or it is a day old) and then replaced, so the file in the pod is
// rewritten well before the token expires.
import type { Pod } from '../translate/k8s-types.js';
import { DEFAULT_EXPIRATION_SECONDS, DEFAULT_SERVICE_ACCOUNT, MAX_REFRESH_AGE_SECONDS, REFRESH_FRACTION } from './constants.js';

export type TokenSource = (req: { audience?: string; expirationSeconds: number }) => string | undefined;

/** A TokenRequest's spec, as the kubelet fills it for a pod. */
export interface PodTokenRequestSpec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef: { apiVersion: 'v1'; kind: 'Pod'; name: string; uid: string };
}

/** Issues a token for a service account (the TokenRequest's status: the token and when it expires). */
export type RequestToken = (
  namespace: string,
  serviceAccount: string,
  spec: PodTokenRequestSpec,
) => Promise<{ token: string; expirationTimestamp: string }>;

interface Cached {
  token: string;
  expiresAtMs: number;
  requestedSeconds: number;
}

const keyOf = (uid: string, audience: string | undefined, seconds: number) => `${uid}\0${audience ?? ''}\0${seconds}`;

/** Kubelet's requiresRefresh: past 80% of the requested lifetime, or older than a day. */
export function requiresRefresh(c: Cached, nowMs: number): boolean {
  const issuedAtMs = c.expiresAtMs - c.requestedSeconds * 1000;
  if (nowMs > issuedAtMs + MAX_REFRESH_AGE_SECONDS * 1000) return true;
  return nowMs > c.expiresAtMs - c.requestedSeconds * (1 - REFRESH_FRACTION) * 1000;
}

export class PodTokenManager {
  private cache = new Map<string, Cached>();
  constructor(
    private requestToken: RequestToken,
    private now: () => number = Date.now,
    private onError: (err: Error) => void = () => undefined,
  ) {}

  /**
   * Makes sure every serviceAccountToken projection of the pod has a fresh token, then returns the synchronous
   * source volumePlan asks (undefined when the pod projects no token). A failed request (token issuing not
   * configured, the service account missing) leaves the token out; a failed refresh keeps serving a token that has
   * not expired yet, as kubelet does.
   */
  async prepare(pod: Pod): Promise<TokenSource | undefined> {
    const projections = (pod.spec.volumes ?? []).flatMap((v) =>
      (v.projected?.sources ?? []).flatMap((s) => (s.serviceAccountToken ? [s.serviceAccountToken] : [])),
    );
    if (!projections.length) return undefined;
    const { name = '', namespace = '', uid = '' } = pod.metadata;
    const now = this.now();
    for (const p of projections) {
      const seconds = p.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
      const key = keyOf(uid, p.audience, seconds);
      const cached = this.cache.get(key);
      if (cached && !requiresRefresh(cached, now)) continue;
      try {
        const out = await this.requestToken(namespace, pod.spec.serviceAccountName || DEFAULT_SERVICE_ACCOUNT, {
          audiences: p.audience ? [p.audience] : [],
          expirationSeconds: seconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid },
        });
        this.cache.set(key, { token: out.token, expiresAtMs: Date.parse(out.expirationTimestamp), requestedSeconds: seconds });
      } catch (e) {
        this.onError(e as Error);
        if (cached && cached.expiresAtMs <= now) this.cache.delete(key);
      }
    }
    return (req) => this.cache.get(keyOf(uid, req.audience, req.expirationSeconds))?.token;
  }

  /** Drops the tokens of a pod that is gone. */
  forget(uid: string): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${uid}\0`)) this.cache.delete(k);
  }
}
