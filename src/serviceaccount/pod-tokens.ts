// Kubelet's token manager for projected serviceAccountToken volumes: a token per (pod, audience, lifetime), bound
// to the pod and requested through the TokenRequest logic, kept until 80% of its requested lifetime has passed
// (or it is a day old) and then replaced, so the file in the pod is rewritten well before the token expires.
import type { Pod } from '../translate/k8s-types.js';
import { DEFAULT_EXPIRATION_SECONDS, DEFAULT_SERVICE_ACCOUNT, MAX_REFRESH_AGE_SECONDS, REFRESH_FRACTION } from './constants.js';
import { lookupFrom, serviceAccountRuntime } from './runtime.js';
import { createTokenRequest } from './token-request.js';

export type TokenSource = (req: { audience?: string; expirationSeconds: number }) => string | undefined;

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
  constructor(private now: () => number = Date.now) {}

  /**
   * Makes sure every serviceAccountToken projection of the pod has a fresh token, then returns the synchronous
   * source volumePlan asks (undefined when the pod projects no token or service accounts are not configured).
   * A failed refresh keeps serving a token that has not expired yet, as kubelet does.
   */
  async prepare(pod: Pod): Promise<TokenSource | undefined> {
    const projections = (pod.spec.volumes ?? []).flatMap((v) =>
      (v.projected?.sources ?? []).flatMap((s) => (s.serviceAccountToken ? [s.serviceAccountToken] : [])),
    );
    const rt = serviceAccountRuntime();
    if (!projections.length || !rt) return undefined;
    const { name = '', namespace = '', uid = '' } = pod.metadata;
    const now = this.now();
    for (const p of projections) {
      const seconds = p.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
      const key = keyOf(uid, p.audience, seconds);
      const cached = this.cache.get(key);
      if (cached && !requiresRefresh(cached, now)) continue;
      try {
        const out = await createTokenRequest(
          rt.tokens,
          lookupFrom(rt.service),
          namespace,
          pod.spec.serviceAccountName || DEFAULT_SERVICE_ACCOUNT,
          {
            spec: {
              audiences: p.audience ? [p.audience] : [],
              expirationSeconds: seconds,
              boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid },
            },
          },
        );
        this.cache.set(key, {
          token: out.status!.token as string,
          expiresAtMs: Date.parse(out.status!.expirationTimestamp as string),
          requestedSeconds: seconds,
        });
      } catch {
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
