// authorization.k8s.io: self reviews answered from the authorizer, never stored.
import type { KObject, ResourceDef, UserInfo, VirtualCreateContext } from '../types.js';

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
  answer: (obj: KObject, user: UserInfo, env: VirtualCreateContext) => Record<string, unknown>,
): ResourceDef => ({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind,
  plural,
  singular,
  namespaced: false,
  verbs: ['create'],
  strategy: {},
  virtualCreate: (obj, user, env) => ({ ...obj, metadata: { creationTimestamp: null }, status: answer(obj, user, env) }),
});

/** `kubectl auth can-i VERB RESOURCE`. */
export const selfsubjectaccessreviews = review(
  'SelfSubjectAccessReview',
  'selfsubjectaccessreviews',
  'selfsubjectaccessreview',
  (obj, user, { authorizer }) => {
    const spec = (obj.spec ?? {}) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } };
    const ra = spec.resourceAttributes;
    const decision = ra
      ? authorizer.authorize(user, {
          verb: ra.verb ?? '',
          resourceRequest: true,
          apiGroup: ra.group ?? '',
          resource: ra.resource ?? '',
          namespace: ra.namespace,
          name: ra.name,
          subresource: ra.subresource,
        })
      : authorizer.authorize(user, {
          verb: spec.nonResourceAttributes?.verb ?? '',
          resourceRequest: false,
          path: spec.nonResourceAttributes?.path,
        });
    return decision.reason ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed };
  },
);

/** `kubectl auth can-i --list`: every rule that applies to the caller in spec.namespace. */
export const selfsubjectrulesreviews = review(
  'SelfSubjectRulesReview',
  'selfsubjectrulesreviews',
  'selfsubjectrulesreview',
  (obj, user, { authorizer }) => {
    const rules = authorizer.rulesFor(user, String((obj.spec as { namespace?: string } | undefined)?.namespace ?? ''));
    return {
      resourceRules: rules.resourceRules,
      nonResourceRules: rules.nonResourceRules,
      incomplete: rules.incomplete,
      ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
    };
  },
);
