// Wire schema of the named API groups kubectl's typed clients write to (apps, batch, authorization,
// authentication, policy, rbac). Field numbers from k8s.io/api <group>/<version>/generated.proto.
// See schema-notation.ts for the notation.
import { ALWAYS as A, CORE as C, INT_OR_STRING as IOS, META as M } from './schema-notation.js';

export const APPS_PROTO = `
syntax = "proto3";
package k8s.io.api.apps.v1;

message Deployment { ${M}.ObjectMeta metadata = 1; DeploymentSpec spec = 2; DeploymentStatus status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1; ${M}.LabelSelector selector = 2; ${C}.PodTemplateSpec template = 3;
  DeploymentStrategy strategy = 4; int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6;
  bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message DeploymentStrategy { string type = 1; RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { ${IOS} maxUnavailable = 1; ${IOS} maxSurge = 2; }
message DeploymentStatus {
  int64 observedGeneration = 1; int32 replicas = 2; int32 updatedReplicas = 3; int32 readyReplicas = 7;
  int32 availableReplicas = 4; int32 unavailableReplicas = 5; optional int32 terminatingReplicas = 9;
  repeated DeploymentCondition conditions = 6; optional int32 collisionCount = 8;
}
message DeploymentCondition {
  string type = 1 ${A}; string status = 2 ${A}; ${M}.Time lastUpdateTime = 6; ${M}.Time lastTransitionTime = 7;
  string reason = 4; string message = 5;
}
`;

export const BATCH_PROTO = `
syntax = "proto3";
package k8s.io.api.batch.v1;

message Job { ${M}.ObjectMeta metadata = 1; JobSpec spec = 2; JobStatus status = 3; }
message JobSpec {
  optional int32 parallelism = 1; optional int32 completions = 2; optional int64 activeDeadlineSeconds = 3;
  ${M}.LabelSelector selector = 4; optional bool manualSelector = 5; ${C}.PodTemplateSpec template = 6 ${A};
  optional int32 backoffLimit = 7; optional int32 ttlSecondsAfterFinished = 8; optional string completionMode = 9;
  optional bool suspend = 10; PodFailurePolicy podFailurePolicy = 11; optional int32 backoffLimitPerIndex = 12;
  optional int32 maxFailedIndexes = 13; optional string podReplacementPolicy = 14; optional string managedBy = 15;
}
message PodFailurePolicy { repeated PodFailurePolicyRule rules = 1; }
message PodFailurePolicyRule {
  string action = 1 ${A}; PodFailurePolicyOnExitCodesRequirement onExitCodes = 2;
  repeated PodFailurePolicyOnPodConditionsPattern onPodConditions = 3;
}
message PodFailurePolicyOnExitCodesRequirement { optional string containerName = 1; string operator = 2 ${A}; repeated int32 values = 3; }
message PodFailurePolicyOnPodConditionsPattern { string type = 1 ${A}; string status = 2; }
message JobStatus {
  repeated JobCondition conditions = 1; ${M}.Time startTime = 2; ${M}.Time completionTime = 3;
  int32 active = 4; int32 succeeded = 5; int32 failed = 6; optional int32 terminating = 11;
  string completedIndexes = 7; optional string failedIndexes = 10; optional int32 ready = 9;
}
message JobCondition {
  string type = 1 ${A}; string status = 2 ${A}; ${M}.Time lastProbeTime = 3; ${M}.Time lastTransitionTime = 4;
  string reason = 5; string message = 6;
}

message CronJob { ${M}.ObjectMeta metadata = 1; CronJobSpec spec = 2; CronJobStatus status = 3; }
message CronJobSpec {
  string schedule = 1 ${A}; optional string timeZone = 8; optional int64 startingDeadlineSeconds = 2;
  string concurrencyPolicy = 3; optional bool suspend = 4; JobTemplateSpec jobTemplate = 5 ${A};
  optional int32 successfulJobsHistoryLimit = 6; optional int32 failedJobsHistoryLimit = 7;
}
message JobTemplateSpec { ${M}.ObjectMeta metadata = 1; JobSpec spec = 2; }
message CronJobStatus { repeated ${C}.ObjectReference active = 1; ${M}.Time lastScheduleTime = 4; ${M}.Time lastSuccessfulTime = 5; }
`;

export const AUTHORIZATION_PROTO = `
syntax = "proto3";
package k8s.io.api.authorization.v1;

message SelfSubjectAccessReview {
  ${M}.ObjectMeta metadata = 1; SelfSubjectAccessReviewSpec spec = 2 ${A}; SubjectAccessReviewStatus status = 3;
}
message SelfSubjectAccessReviewSpec { ResourceAttributes resourceAttributes = 1; NonResourceAttributes nonResourceAttributes = 2; }
message ResourceAttributes {
  string namespace = 1; string verb = 2; string group = 3; string version = 4; string resource = 5;
  string subresource = 6; string name = 7; FieldSelectorAttributes fieldSelector = 8;
  LabelSelectorAttributes labelSelector = 9;
}
message FieldSelectorAttributes { string rawSelector = 1; repeated ${M}.FieldSelectorRequirement requirements = 2; }
message LabelSelectorAttributes { string rawSelector = 1; repeated ${M}.LabelSelectorRequirement requirements = 2; }
message NonResourceAttributes { string path = 1; string verb = 2; }
message SubjectAccessReviewStatus { bool allowed = 1 ${A}; bool denied = 4; string reason = 2; string evaluationError = 3; }
message SubjectAccessReview { ${M}.ObjectMeta metadata = 1; SubjectAccessReviewSpec spec = 2 ${A}; SubjectAccessReviewStatus status = 3; }
message LocalSubjectAccessReview { ${M}.ObjectMeta metadata = 1; SubjectAccessReviewSpec spec = 2 ${A}; SubjectAccessReviewStatus status = 3; }
message SubjectAccessReviewSpec {
  ResourceAttributes resourceAttributes = 1; NonResourceAttributes nonResourceAttributes = 2; string user = 3;
  repeated string groups = 4; map<string, ExtraValue> extra = 5; string uid = 6;
}
message ExtraValue { repeated string items = 1; }

message SelfSubjectRulesReview { ${M}.ObjectMeta metadata = 1; SelfSubjectRulesReviewSpec spec = 2 ${A}; SubjectRulesReviewStatus status = 3; }
message SelfSubjectRulesReviewSpec { string namespace = 1; }
message SubjectRulesReviewStatus {
  repeated ResourceRule resourceRules = 1 ${A}; repeated NonResourceRule nonResourceRules = 2 ${A};
  bool incomplete = 3 ${A}; string evaluationError = 4;
}
message ResourceRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; }
message NonResourceRule { repeated string verbs = 1; repeated string nonResourceURLs = 2; }
`;

// FieldSelectorRequirement lives in meta/v1 upstream; it is only used by authorization, so it is declared here.
export const META_FIELD_SELECTOR_PROTO = `
syntax = "proto3";
package k8s.io.apimachinery.pkg.apis.meta.v1;
message FieldSelectorRequirement { string key = 1 ${A}; string operator = 2 ${A}; repeated string values = 3; }
`;

export const AUTHENTICATION_PROTO = `
syntax = "proto3";
package k8s.io.api.authentication.v1;

message TokenRequest { ${M}.ObjectMeta metadata = 1; TokenRequestSpec spec = 2 ${A}; TokenRequestStatus status = 3; }
message TokenRequestSpec { repeated string audiences = 1; optional int64 expirationSeconds = 4; BoundObjectReference boundObjectRef = 3 ${A}; }
message BoundObjectReference { string kind = 1; string apiVersion = 2; string name = 3; string uid = 4; }
message TokenRequestStatus { string token = 1 ${A}; ${M}.Time expirationTimestamp = 2 ${A}; }
message SelfSubjectReview { ${M}.ObjectMeta metadata = 1; SelfSubjectReviewStatus status = 2; }
message SelfSubjectReviewStatus { UserInfo userInfo = 1; }
message UserInfo { string username = 1; string uid = 2; repeated string groups = 3; map<string, ExtraValue> extra = 4; }
message ExtraValue { repeated string items = 1; }
message TokenReview { ${M}.ObjectMeta metadata = 1; TokenReviewSpec spec = 2 ${A}; TokenReviewStatus status = 3; }
message TokenReviewSpec { string token = 1; repeated string audiences = 2; }
message TokenReviewStatus { bool authenticated = 1; UserInfo user = 2; repeated string audiences = 4; string error = 3; }
`;

export const POLICY_PROTO = `
syntax = "proto3";
package k8s.io.api.policy.v1;

message Eviction { ${M}.ObjectMeta metadata = 1; ${M}.DeleteOptions deleteOptions = 2; }
message PodDisruptionBudget { ${M}.ObjectMeta metadata = 1; PodDisruptionBudgetSpec spec = 2; PodDisruptionBudgetStatus status = 3; }
message PodDisruptionBudgetSpec {
  ${IOS} minAvailable = 1; ${M}.LabelSelector selector = 2; ${IOS} maxUnavailable = 3;
  optional string unhealthyPodEvictionPolicy = 4;
}
message PodDisruptionBudgetStatus {
  int64 observedGeneration = 1; map<string, ${M}.Time> disruptedPods = 2; int32 disruptionsAllowed = 3 ${A};
  int32 currentHealthy = 4 ${A}; int32 desiredHealthy = 5 ${A}; int32 expectedPods = 6 ${A};
  repeated ${M}.Condition conditions = 7;
}
`;

export const RBAC_PROTO = `
syntax = "proto3";
package k8s.io.api.rbac.v1;

message PolicyRule {
  repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3;
  repeated string resourceNames = 4; repeated string nonResourceURLs = 5;
}
message Role { ${M}.ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message ClusterRole { ${M}.ObjectMeta metadata = 1; repeated PolicyRule rules = 2; AggregationRule aggregationRule = 3; }
message AggregationRule { repeated ${M}.LabelSelector clusterRoleSelectors = 1; }
message Subject { string kind = 1 ${A}; string apiGroup = 2; string name = 3 ${A}; string namespace = 4; }
message RoleRef { string apiGroup = 1 ${A}; string kind = 2 ${A}; string name = 3 ${A}; }
message RoleBinding { ${M}.ObjectMeta metadata = 1; repeated Subject subjects = 2; RoleRef roleRef = 3 ${A}; }
message ClusterRoleBinding { ${M}.ObjectMeta metadata = 1; repeated Subject subjects = 2; RoleRef roleRef = 3 ${A}; }
`;
