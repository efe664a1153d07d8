// authorization.k8s.io: access reviews answered from the server's authorizer, never stored (pkg/registry/authorization):
// the self reviews for the caller, SubjectAccessReview and LocalSubjectAccessReview for the user the spec names.
import type { KObject, ResourceDef, UserInfo, VirtualCreateContext } from '../types.js';
import type { Decision, RequestAttributes } from '../../authorization/types.js';
import { badRequest, invalid, type FieldError } from '../../machinery/api/errors.js';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}
interface NonResourceAttributes {
  path?: string;
  verb?: string;
}
interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

const GROUP = 'authorization.k8s.io';
const specOf = (obj: KObject) => (obj.spec ?? {}) as AccessReviewSpec;

/** authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom: what the review asks the authorizer. */
export function attributesFrom(spec: AccessReviewSpec): RequestAttributes {
  const ra = spec.resourceAttributes;
  if (ra)
    return {
      verb: ra.verb ?? '',
      resourceRequest: true,
      apiGroup: ra.group ?? '',
      // An empty version matches all versions.
      apiVersion: ra.version || '*',
      resource: ra.resource ?? '',
      subresource: ra.subresource || undefined,
      namespace: ra.namespace || undefined,
      name: ra.name || undefined,
    };
  return { verb: spec.nonResourceAttributes?.verb ?? '', resourceRequest: false, path: spec.nonResourceAttributes?.path ?? '' };
}

/** authorizationutil.AuthorizationAttributesFrom's user: exactly as the spec names it (no groups are added). */
export function userFrom(spec: AccessReviewSpec): UserInfo {
  return {
    name: spec.user ?? '',
    groups: [...(spec.groups ?? [])],
    ...(spec.uid ? { uid: spec.uid } : {}),
    ...(spec.extra && Object.keys(spec.extra).length ? { extra: spec.extra } : {}),
  };
}

/** ValidateSubjectAccessReviewSpec: exactly one kind of attributes, and a user or a group. */
export function validateAccessReviewSpec(spec: AccessReviewSpec, subject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.nonResourceAttributes',
      value: spec.nonResourceAttributes,
      detail: 'cannot be specified in combination with resourceAttributes',
    });
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.resourceAttributes',
      value: 'null',
      detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  if (subject && !spec.user && !spec.groups?.length)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.user',
      value: spec.user ?? '',
      detail: 'at least one of user or group must be specified',
    });
  return errs;
}

/** SubjectAccessReviewStatus from a decision (denied only an explicit deny would set, which no authorizer here gives). */
const statusOf = (d: Decision) => (d.reason ? { allowed: d.allowed, reason: d.reason } : { allowed: d.allowed });

const review = (
  kind: string,
  plural: string,
  singular: string,
  answer: (obj: KObject, user: UserInfo, env: VirtualCreateContext) => Record<string, unknown>,
  opts: { namespaced?: boolean; shortNames?: string[] } = {},
): ResourceDef => ({
  group: GROUP,
  version: 'v1',
  kind,
  plural,
  singular,
  namespaced: !!opts.namespaced,
  verbs: ['create'],
  strategy: {},
  virtualCreate: (obj, user, env) => {
    const status = answer(obj, user, env);
    const metadata = opts.namespaced ? { namespace: obj.metadata.namespace, creationTimestamp: null } : { creationTimestamp: null };
    return { ...obj, metadata, status };
  },
});

/** `kubectl auth can-i VERB RESOURCE`. */
export const selfsubjectaccessreviews = review(
  'SelfSubjectAccessReview',
  'selfsubjectaccessreviews',
  'selfsubjectaccessreview',
  (obj, user, { authorizer }) => {
    const spec = specOf(obj);
    const errs = validateAccessReviewSpec(spec, false);
    if (errs.length) throw invalid('SelfSubjectAccessReview', GROUP, '', errs);
    return statusOf(authorizer.authorize(user, attributesFrom(spec)));
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

/** Whether the user, groups, uid and extra of spec may do what its attributes say, anywhere in the cluster. */
export const subjectaccessreviews = review(
  'SubjectAccessReview',
  'subjectaccessreviews',
  'subjectaccessreview',
  (obj, _user, { authorizer }) => {
    const spec = specOf(obj);
    const errs = validateAccessReviewSpec(spec, true);
    if (errs.length) throw invalid('SubjectAccessReview', GROUP, '', errs);
    return statusOf(authorizer.authorize(userFrom(spec), attributesFrom(spec)));
  },
);

/** The same within one namespace: the one it is created in, which spec.resourceAttributes.namespace must name. */
export const localsubjectaccessreviews = review(
  'LocalSubjectAccessReview',
  'localsubjectaccessreviews',
  'localsubjectaccessreview',
  (obj, _user, { authorizer }) => {
    const spec = specOf(obj);
    const errs = validateAccessReviewSpec(spec, true);
    if (errs.length) throw invalid('LocalSubjectAccessReview', GROUP, '', errs);
    const namespace = obj.metadata.namespace ?? '';
    if (!namespace) throw badRequest(`namespace is required on this type: ${namespace}`);
    // A non-resource review has no namespace to compare; a resource review must name this one.
    if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== namespace)
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
    return statusOf(authorizer.authorize(userFrom(spec), attributesFrom(spec)));
  },
  { namespaced: true },
);
