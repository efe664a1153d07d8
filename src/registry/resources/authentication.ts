// authentication.k8s.io: SelfSubjectReview (`kubectl auth whoami`) answered from the authenticated user, never stored.
import type { KObject, ResourceDef, UserInfo } from '../types.js';
import { nowTimestamp } from '../object-meta.js';

/** The user as UserInfo of authentication/v1: extra (pod name/uid of service account tokens) when the authenticator set it. */
function userInfoOf(user: UserInfo): Record<string, unknown> {
  const extra = (user as UserInfo & { extra?: Record<string, string[]> }).extra;
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: [...user.groups],
    ...(extra && Object.keys(extra).length ? { extra } : {}),
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
