// TokenReview's authenticator (pkg/registry/authentication/tokenreview): a token is judged as a request carrying it as
// `Authorization: Bearer` would be, by the server's own authenticators (static tokens, service account JWTs), for the
// audiences the review asks (the API's own when none). Authenticators that know no audiences (static tokens) count
// for the API's audiences only, as upstream's audience-agnostic wrapper makes them.
import type { IncomingMessage } from 'node:http';
import type { Authenticator } from './auth.js';
import type { TokenReviewer } from '../registry/types.js';
import type { VerifyResult } from '../serviceaccount/tokens.js';

export interface TokenReviewerDeps {
  authenticate: Authenticator;
  /** Service account tokens checked for other audiences than the API's. */
  verifyServiceAccountToken: (token: string, audiences: readonly string[]) => Promise<VerifyResult>;
  apiAudiences: readonly string[];
}

/** The bearer authenticator's error when no authenticator had anything to say of a token. */
export const INVALID_BEARER_TOKEN = 'invalid bearer token';

const looksLikeJwt = (token: string) => token.split('.').length === 3;

export function createTokenReviewer(deps: TokenReviewerDeps): TokenReviewer {
  return async (token, requested) => {
    const audiences = requested.length ? requested : [...deps.apiAudiences];
    const forApi = audiences.filter((a) => deps.apiAudiences.includes(a));
    if (forApi.length) {
      // A request of its own, with no client certificate: only the token speaks.
      const fake = { headers: { authorization: `Bearer ${token}` }, socket: {} } as unknown as IncomingMessage;
      const user = await deps.authenticate(fake);
      if (user) return { user, audiences: forApi };
    }
    if (!looksLikeJwt(token)) return { error: INVALID_BEARER_TOKEN };
    const r = await deps.verifyServiceAccountToken(token, audiences);
    if (!r.ok) return { error: r.reason };
    return { user: r.user, audiences: audiences.filter((a) => r.claims.aud.includes(a)) };
  };
}
