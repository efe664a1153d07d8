// authorization.k8s.io: self reviews answered from the authorizer, never stored.
import type { KObject, ResourceDef, UserInfo } from '../types.js';
import { authorize, rulesFor } from '../../authorization/authorizer.js';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

const review = (
  kind: string,
  plural: string,
  singular: string,
  answer: (obj: KObject, user: UserInfo) => Record<string, unknown>,
): ResourceDef => ({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind,
  plural,
  singular,
  namespaced: false,
  verbs: ['create'],
  strategy: {},
  virtualCreate: (obj, user) => ({ ...obj, metadata: { creationTimestamp: null }, status: answer(obj, user) }),
});

/** `kubectl auth can-i VERB RESOURCE`. */
export const selfsubjectaccessreviews = review(
  'SelfSubjectAccessReview',
  'selfsubjectaccessreviews',
  'selfsubjectaccessreview',
  (obj, user) => {
    const spec = (obj.spec ?? {}) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } };
    const ra = spec.resourceAttributes;
    const decision = ra
      ? authorize(user, {
          verb: ra.verb ?? '',
          resourceRequest: true,
          apiGroup: ra.group ?? '',
          resource: ra.resource ?? '',
          namespace: ra.namespace,
          name: ra.name,
          subresource: ra.subresource,
        })
      : authorize(user, { verb: spec.nonResourceAttributes?.verb ?? '', resourceRequest: false, path: spec.nonResourceAttributes?.path });
    return decision.reason ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed };
  },
);

/** `kubectl auth can-i --list`: every rule that applies to the caller. Filled in with the served resources. */
export function selfSubjectRulesReviews(served: () => [string, string][]): ResourceDef {
  return review('SelfSubjectRulesReview', 'selfsubjectrulesreviews', 'selfsubjectrulesreview', (_obj, user) => ({
    ...rulesFor(user, served()),
    incomplete: false,
  }));
}
