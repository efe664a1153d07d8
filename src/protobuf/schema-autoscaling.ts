// Wire schema of autoscaling/v2 and autoscaling/v1 HorizontalPodAutoscalers (`kubectl autoscale` sends them as
// protobuf since kubectl 1.32). Field numbers from k8s.io/api autoscaling/{v2,v1}/generated.proto; see
// schema-notation.ts for the notation.
import { ALWAYS as A, META as M, QUANTITY as Q } from './schema-notation.js';

export const AUTOSCALING_V2_PROTO = `
syntax = "proto3";
package k8s.io.api.autoscaling.v2;

message HorizontalPodAutoscaler { ${M}.ObjectMeta metadata = 1; HorizontalPodAutoscalerSpec spec = 2; HorizontalPodAutoscalerStatus status = 3; }
message CrossVersionObjectReference { string kind = 1 ${A}; string name = 2 ${A}; string apiVersion = 3; }
message HorizontalPodAutoscalerSpec {
  CrossVersionObjectReference scaleTargetRef = 1 ${A}; optional int32 minReplicas = 2; int32 maxReplicas = 3 ${A};
  repeated MetricSpec metrics = 4; HorizontalPodAutoscalerBehavior behavior = 5;
}
message HorizontalPodAutoscalerBehavior { HPAScalingRules scaleUp = 1; HPAScalingRules scaleDown = 2; }
message HPAScalingRules {
  optional int32 stabilizationWindowSeconds = 3; optional string selectPolicy = 1; repeated HPAScalingPolicy policies = 2;
  ${Q} tolerance = 4;
}
message HPAScalingPolicy { string type = 1 ${A}; int32 value = 2 ${A}; int32 periodSeconds = 3 ${A}; }
message MetricSpec {
  string type = 1 ${A}; ObjectMetricSource object = 2; PodsMetricSource pods = 3; ResourceMetricSource resource = 4;
  ContainerResourceMetricSource containerResource = 7; ExternalMetricSource external = 5;
}
message MetricTarget { string type = 1 ${A}; ${Q} value = 2; ${Q} averageValue = 3; optional int32 averageUtilization = 4; }
message MetricValueStatus { ${Q} value = 1; ${Q} averageValue = 2; optional int32 averageUtilization = 3; }
message MetricIdentifier { string name = 1 ${A}; ${M}.LabelSelector selector = 2; }
message ObjectMetricSource { CrossVersionObjectReference describedObject = 1 ${A}; MetricTarget target = 2 ${A}; MetricIdentifier metric = 3 ${A}; }
message PodsMetricSource { MetricIdentifier metric = 1 ${A}; MetricTarget target = 2 ${A}; }
message ResourceMetricSource { string name = 1 ${A}; MetricTarget target = 2 ${A}; }
message ContainerResourceMetricSource { string name = 1 ${A}; MetricTarget target = 2 ${A}; string container = 3 ${A}; }
message ExternalMetricSource { MetricIdentifier metric = 1 ${A}; MetricTarget target = 2 ${A}; }
message MetricStatus {
  string type = 1 ${A}; ObjectMetricStatus object = 2; PodsMetricStatus pods = 3; ResourceMetricStatus resource = 4;
  ContainerResourceMetricStatus containerResource = 7; ExternalMetricStatus external = 5;
}
message ObjectMetricStatus { MetricIdentifier metric = 1 ${A}; MetricValueStatus current = 2 ${A}; CrossVersionObjectReference describedObject = 3 ${A}; }
message PodsMetricStatus { MetricIdentifier metric = 1 ${A}; MetricValueStatus current = 2 ${A}; }
message ResourceMetricStatus { string name = 1 ${A}; MetricValueStatus current = 2 ${A}; }
message ContainerResourceMetricStatus { string name = 1 ${A}; MetricValueStatus current = 2 ${A}; string container = 3 ${A}; }
message ExternalMetricStatus { MetricIdentifier metric = 1 ${A}; MetricValueStatus current = 2 ${A}; }
message HorizontalPodAutoscalerStatus {
  optional int64 observedGeneration = 1; ${M}.Time lastScaleTime = 2; int32 currentReplicas = 3;
  int32 desiredReplicas = 4 ${A}; repeated MetricStatus currentMetrics = 5; repeated HorizontalPodAutoscalerCondition conditions = 6;
}
message HorizontalPodAutoscalerCondition {
  string type = 1 ${A}; string status = 2 ${A}; ${M}.Time lastTransitionTime = 3; string reason = 4; string message = 5;
  optional int64 observedGeneration = 6;
}
`;

export const AUTOSCALING_V1_PROTO = `
syntax = "proto3";
package k8s.io.api.autoscaling.v1;

message HorizontalPodAutoscaler { ${M}.ObjectMeta metadata = 1; HorizontalPodAutoscalerSpec spec = 2; HorizontalPodAutoscalerStatus status = 3; }
message CrossVersionObjectReference { string kind = 1 ${A}; string name = 2 ${A}; string apiVersion = 3; }
message HorizontalPodAutoscalerSpec {
  CrossVersionObjectReference scaleTargetRef = 1 ${A}; optional int32 minReplicas = 2; int32 maxReplicas = 3 ${A};
  optional int32 targetCPUUtilizationPercentage = 4;
}
message HorizontalPodAutoscalerStatus {
  optional int64 observedGeneration = 1; ${M}.Time lastScaleTime = 2; int32 currentReplicas = 3 ${A};
  int32 desiredReplicas = 4 ${A}; optional int32 currentCPUUtilizationPercentage = 5;
}
`;
