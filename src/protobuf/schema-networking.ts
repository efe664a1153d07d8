// Wire schema of networking.k8s.io/v1 (Ingress, IngressClass, NetworkPolicy, ServiceCIDR, IPAddress): what typed
// clients (`kubectl create ingress`, client-go) send as protobuf. Field numbers from k8s.io/api
// networking/v1/generated.proto; see schema-notation.ts for the notation.
import { ALWAYS as A, CORE as C, INLINE, INT_OR_STRING as IOS, META as M } from './schema-notation.js';

export const NETWORKING_V1_PROTO = `
syntax = "proto3";
package k8s.io.api.networking.v1;

message Ingress { ${M}.ObjectMeta metadata = 1; IngressSpec spec = 2; IngressStatus status = 3; }
message IngressSpec {
  optional string ingressClassName = 4; IngressBackend defaultBackend = 1; repeated IngressTLS tls = 2;
  repeated IngressRule rules = 3;
}
message IngressBackend { IngressServiceBackend service = 4; ${C}.TypedLocalObjectReference resource = 3; }
message IngressServiceBackend { string name = 1 ${A}; ServiceBackendPort port = 2; }
message ServiceBackendPort { string name = 1; int32 number = 2; }
message IngressTLS { repeated string hosts = 1; string secretName = 2; }
message IngressRule { string host = 1; IngressRuleValue ingressRuleValue = 2 ${INLINE}; }
message IngressRuleValue { HTTPIngressRuleValue http = 1; }
message HTTPIngressRuleValue { repeated HTTPIngressPath paths = 1; }
message HTTPIngressPath { string path = 1; optional string pathType = 3; IngressBackend backend = 2; }
message IngressStatus { IngressLoadBalancerStatus loadBalancer = 1; }
message IngressLoadBalancerStatus { repeated IngressLoadBalancerIngress ingress = 1; }
message IngressLoadBalancerIngress { string ip = 1; string hostname = 2; repeated IngressPortStatus ports = 4; }
message IngressPortStatus { int32 port = 1 ${A}; string protocol = 2 ${A}; optional string error = 3; }

message IngressClass { ${M}.ObjectMeta metadata = 1; IngressClassSpec spec = 2; }
message IngressClassSpec { string controller = 1; IngressClassParametersReference parameters = 2; }
message IngressClassParametersReference {
  optional string apiGroup = 1; string kind = 2 ${A}; string name = 3 ${A}; optional string scope = 4;
  optional string namespace = 5;
}

message NetworkPolicy { ${M}.ObjectMeta metadata = 1; NetworkPolicySpec spec = 2; }
message NetworkPolicySpec {
  ${M}.LabelSelector podSelector = 1 ${A}; repeated NetworkPolicyIngressRule ingress = 2;
  repeated NetworkPolicyEgressRule egress = 3; repeated string policyTypes = 4;
}
message NetworkPolicyIngressRule { repeated NetworkPolicyPort ports = 1; repeated NetworkPolicyPeer from = 2; }
message NetworkPolicyEgressRule { repeated NetworkPolicyPort ports = 1; repeated NetworkPolicyPeer to = 2; }
message NetworkPolicyPort { optional string protocol = 1; ${IOS} port = 2; optional int32 endPort = 3; }
message NetworkPolicyPeer { ${M}.LabelSelector podSelector = 1; ${M}.LabelSelector namespaceSelector = 2; IPBlock ipBlock = 3; }
message IPBlock { string cidr = 1 ${A}; repeated string except = 2; }

message ServiceCIDR { ${M}.ObjectMeta metadata = 1; ServiceCIDRSpec spec = 2; ServiceCIDRStatus status = 3; }
message ServiceCIDRSpec { repeated string cidrs = 1; }
message ServiceCIDRStatus { repeated ServiceCIDRCondition conditions = 1; }
// metav1.Condition's wire form (the meta schema does not carry it).
message ServiceCIDRCondition {
  string type = 1 ${A}; string status = 2 ${A}; int64 observedGeneration = 3; ${M}.Time lastTransitionTime = 4 ${A};
  string reason = 5 ${A}; string message = 6 ${A};
}

message IPAddress { ${M}.ObjectMeta metadata = 1; IPAddressSpec spec = 2; }
message IPAddressSpec { ParentReference parentRef = 1; }
message ParentReference { string group = 1; string resource = 2; string namespace = 3; string name = 4; }
`;

/** apiVersion → kind → message for the decoder's table. */
export const NETWORKING_V1_KINDS: Record<string, string> = {
  Ingress: 'k8s.io.api.networking.v1.Ingress',
  IngressClass: 'k8s.io.api.networking.v1.IngressClass',
  NetworkPolicy: 'k8s.io.api.networking.v1.NetworkPolicy',
  ServiceCIDR: 'k8s.io.api.networking.v1.ServiceCIDR',
  IPAddress: 'k8s.io.api.networking.v1.IPAddress',
};
