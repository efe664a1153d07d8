// The authorizer's vocabulary (k8s.io/apiserver's authorizer.Attributes, Decision and RuleResolver): what a request
// does, whether it may, and the rules that apply to a user (SelfSubjectRulesReview, escalation checks).
import type { UserInfo } from '../machinery/api/user.js';

/** What a request does, as the apiserver's RequestInfo / authorizer.Attributes describe it. */
export interface RequestAttributes {
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection...) for resource requests;
   * the lower-case HTTP method for non-resource paths. */
  verb: string;
  resourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Request path; what non-resource requests are judged by. */
  path?: string;
  /** The raw fieldSelector of a list or watch (the Node authorizer allows a kubelet's `spec.nodeName=<node>` lists). */
  fieldSelector?: string;
}

export interface Decision {
  allowed: boolean;
  /** Why (RBAC: which binding and role allowed it), or why not. */
  reason?: string;
}

/** rbacv1.PolicyRule's resource half, as SelfSubjectRulesReview lists it. */
export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs: string[];
}

/** The rules that apply to a user in a namespace (authorizer.RuleResolver's RulesFor). */
export interface SubjectRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** True when some rules could not be resolved (a binding naming a missing role), as SelfSubjectRulesReview says. */
  incomplete: boolean;
  evaluationError?: string;
}

/**
 * One server's authorizer: synchronous, so every request and every in-process call can ask it without a round trip.
 * The HTTP layer, the in-process client, the reviews and the RBAC escalation checks all ask the same instance.
 */
export interface Authorizer {
  authorize(user: UserInfo, attrs: RequestAttributes): Decision;
  rulesFor(user: UserInfo, namespace: string): SubjectRules;
}
