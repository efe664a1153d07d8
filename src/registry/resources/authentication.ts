// authentication.k8s.io: SelfSubjectReview (`kubectl auth whoami`) answered from the authenticated user, and
// TokenReview answered by the server's token authenticators; neither is stored.
import type { KObject, ResourceDef, UserInfo } from '../types.js';
import { nowTimestamp } from '../object-meta.js';
import { badRequest } from '../../machinery/api/errors.js';

/** The user as UserInfo of authentication/v1: extra (pod name/uid of service account tokens) when the authenticator set it. */
export function userInfoOf(user: UserInfo): Record<string, unknown> {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: [...user.groups],
    ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
  };
}

export const selfsubjectreviews: ResourceDef = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  verbs: ['create'],
  strategy: {},
  virtualCreate: (obj: KObject, user: UserInfo) => ({
    ...obj,
    metadata: { creationTimestamp: nowTimestamp() },
    status: { userInfo: userInfoOf(user) },
  }),
};

interface TokenReviewSpec {
  token?: string;
  audiences?: string[];
}

/** Whether spec.token authenticates, as whom and for which of spec.audiences (tokenreview's REST Create). */
export const tokenreviews: ResourceDef = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  verbs: ['create'],
  strategy: {},
  virtualCreate: async (obj, _user, { reviewToken }) => {
    const spec = (obj.spec ?? {}) as TokenReviewSpec;
    if (!spec.token) throw badRequest('token is required for TokenReview in authentication');
    const metadata = { creationTimestamp: null };
    // A server without token authenticators answers the review unchanged, as upstream's nil authenticator does.
    if (!reviewToken) return { ...obj, metadata, status: {} };
    const r = await reviewToken(spec.token, spec.audiences ?? []);
    // status.user is a struct without omitempty effect: `{}` when nobody was authenticated.
    const status: Record<string, unknown> = r.user
      ? { authenticated: true, user: userInfoOf(r.user), audiences: r.audiences ?? [] }
      : { user: {} };
    if (r.error) status.error = r.error;
    return { ...obj, metadata, status };
  },
};
