// Wire schema of the apimachinery types (meta/v1, runtime, intstr, resource). See schema-notation.ts.
import { ALWAYS, META } from './schema-notation.js';

export const META_PROTO = `
syntax = "proto3";
package k8s.io.apimachinery.pkg.apis.meta.v1;

message Time { int64 seconds = 1; int32 nanos = 2; }
message MicroTime { int64 seconds = 1; int32 nanos = 2; }
message Duration { int64 duration = 1; }
message TypeMeta { string apiVersion = 1; string kind = 2; }
message FieldsV1 { bytes Raw = 1; }

message OwnerReference {
  string apiVersion = 5 ${ALWAYS};
  string kind = 1 ${ALWAYS};
  string name = 3 ${ALWAYS};
  string uid = 4 ${ALWAYS};
  optional bool controller = 6;
  optional bool blockOwnerDeletion = 7;
}

message ManagedFieldsEntry {
  string manager = 1;
  string operation = 2;
  string apiVersion = 3;
  ${META}.Time time = 4;
  string fieldsType = 6;
  ${META}.FieldsV1 fieldsV1 = 7;
  string subresource = 8;
}

message ObjectMeta {
  string name = 1;
  string generateName = 2;
  string namespace = 3;
  string selfLink = 4;
  string uid = 5;
  string resourceVersion = 6;
  int64 generation = 7;
  ${META}.Time creationTimestamp = 8;
  ${META}.Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated ${META}.OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ${META}.ManagedFieldsEntry managedFields = 17;
}

message ListMeta {
  string selfLink = 1;
  string resourceVersion = 2;
  string continue = 3;
  optional int64 remainingItemCount = 4;
}

message LabelSelectorRequirement {
  string key = 1 ${ALWAYS};
  string operator = 2 ${ALWAYS};
  repeated string values = 3;
}

message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated ${META}.LabelSelectorRequirement matchExpressions = 2;
}

message Condition {
  string type = 1 ${ALWAYS};
  string status = 2 ${ALWAYS};
  int64 observedGeneration = 3;
  ${META}.Time lastTransitionTime = 4 ${ALWAYS};
  string reason = 5 ${ALWAYS};
  string message = 6 ${ALWAYS};
}

message Preconditions {
  optional string uid = 1;
  optional string resourceVersion = 2;
}

message DeleteOptions {
  optional int64 gracePeriodSeconds = 1;
  ${META}.Preconditions preconditions = 2;
  optional bool orphanDependents = 3;
  optional string propagationPolicy = 4;
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6;
}
`;

export const RUNTIME_PROTO = `
syntax = "proto3";
package k8s.io.apimachinery.pkg.runtime;

message TypeMeta { string apiVersion = 1; string kind = 2; }
message RawExtension { bytes raw = 1; }
message Unknown {
  .k8s.io.apimachinery.pkg.runtime.TypeMeta typeMeta = 1;
  bytes raw = 2;
  string contentEncoding = 3;
  string contentType = 4;
}
`;

export const INTSTR_PROTO = `
syntax = "proto3";
package k8s.io.apimachinery.pkg.util.intstr;
message IntOrString { int64 type = 1; int32 intVal = 2; string strVal = 3; }
`;

export const RESOURCE_PROTO = `
syntax = "proto3";
package k8s.io.apimachinery.pkg.api.resource;
message Quantity { string string = 1; }
`;
