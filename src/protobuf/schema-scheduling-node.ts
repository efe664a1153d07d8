// Wire schema of scheduling.k8s.io/v1 PriorityClass and node.k8s.io/v1 RuntimeClass (`kubectl create priorityclass`
// sends protobuf since kubectl 1.32). Field numbers from k8s.io/api scheduling/v1 and node/v1 generated.proto; see
// schema-notation.ts for the notation.
import { ALWAYS as A, CORE, META as M, QUANTITY as Q } from './schema-notation.js';

export const SCHEDULING_V1_PROTO = `
syntax = "proto3";
package k8s.io.api.scheduling.v1;

message PriorityClass {
  ${M}.ObjectMeta metadata = 1; int32 value = 2 ${A}; bool globalDefault = 3; string description = 4; optional string preemptionPolicy = 5;
}
`;

export const NODE_V1_PROTO = `
syntax = "proto3";
package k8s.io.api.node.v1;

message RuntimeClass { ${M}.ObjectMeta metadata = 1; string handler = 2 ${A}; Overhead overhead = 3; Scheduling scheduling = 4; }
message Overhead { map<string, ${Q}> podFixed = 1; }
message Scheduling { map<string, string> nodeSelector = 1; repeated ${CORE}.Toleration tolerations = 2; }
`;
