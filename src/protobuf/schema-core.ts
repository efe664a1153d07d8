// Wire schema of core/v1 (field numbers from k8s.io/api core/v1 generated.proto). See schema-notation.ts.
// Covers what kubectl's typed clients send plus the full PodSpec/Container path; fields of types left out
// (exotic in-tree volume plugins, Node, PersistentVolume) are skipped by the decoder.
import { ALWAYS as A, INLINE as I, INT_OR_STRING as IOS, META as M, QUANTITY as Q } from './schema-notation.js';

export const CORE_PROTO = `
syntax = "proto3";
package k8s.io.api.core.v1;

message Namespace { ${M}.ObjectMeta metadata = 1; NamespaceSpec spec = 2; NamespaceStatus status = 3; }
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { string phase = 1; repeated NamespaceCondition conditions = 2; }
message NamespaceCondition {
  string type = 1 ${A}; string status = 2 ${A}; ${M}.Time lastTransitionTime = 4;
  string reason = 5; string message = 6;
}

message ConfigMap {
  ${M}.ObjectMeta metadata = 1; optional bool immutable = 4;
  map<string, string> data = 2; map<string, bytes> binaryData = 3;
}

message Secret {
  ${M}.ObjectMeta metadata = 1; optional bool immutable = 5;
  map<string, bytes> data = 2; map<string, string> stringData = 4; string type = 3;
}

message ObjectReference {
  string kind = 1; string namespace = 2; string name = 3; string uid = 4;
  string apiVersion = 5; string resourceVersion = 6; string fieldPath = 7;
}
message LocalObjectReference { string name = 1; }
message TypedLocalObjectReference { optional string apiGroup = 1; string kind = 2 ${A}; string name = 3 ${A}; }
message TypedObjectReference {
  optional string apiGroup = 1; string kind = 2 ${A}; string name = 3 ${A}; optional string namespace = 4;
}

message ServiceAccount {
  ${M}.ObjectMeta metadata = 1; repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3; optional bool automountServiceAccountToken = 4;
}

message Service { ${M}.ObjectMeta metadata = 1; ServiceSpec spec = 2; ServiceStatus status = 3; }
message ServicePort {
  string name = 1; string protocol = 2; optional string appProtocol = 6; int32 port = 3 ${A};
  ${IOS} targetPort = 4; int32 nodePort = 5;
}
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; string clusterIP = 3;
  repeated string clusterIPs = 18; string type = 4; repeated string externalIPs = 5;
  string sessionAffinity = 7; string loadBalancerIP = 8; repeated string loadBalancerSourceRanges = 9;
  string externalName = 10; string externalTrafficPolicy = 11; int32 healthCheckNodePort = 12;
  bool publishNotReadyAddresses = 13; SessionAffinityConfig sessionAffinityConfig = 14;
  repeated string ipFamilies = 19; optional string ipFamilyPolicy = 17;
  optional bool allocateLoadBalancerNodePorts = 20; optional string loadBalancerClass = 21;
  optional string internalTrafficPolicy = 22; optional string trafficDistribution = 23;
}
message SessionAffinityConfig { ClientIPConfig clientIP = 1; }
message ClientIPConfig { optional int32 timeoutSeconds = 1; }
message ServiceStatus { LoadBalancerStatus loadBalancer = 1; repeated ${M}.Condition conditions = 2; }
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message LoadBalancerIngress { string ip = 1; string hostname = 2; optional string ipMode = 3; repeated PortStatus ports = 4; }
message PortStatus { int32 port = 1 ${A}; string protocol = 2 ${A}; optional string error = 3; }

message ResourceQuota { ${M}.ObjectMeta metadata = 1; ResourceQuotaSpec spec = 2; ResourceQuotaStatus status = 3; }
message ResourceQuotaSpec { map<string, ${Q}> hard = 1; repeated string scopes = 2; ScopeSelector scopeSelector = 3; }
message ResourceQuotaStatus { map<string, ${Q}> hard = 1; map<string, ${Q}> used = 2; }
message ScopeSelector { repeated ScopedResourceSelectorRequirement matchExpressions = 1; }
message ScopedResourceSelectorRequirement { string scopeName = 1 ${A}; string operator = 2 ${A}; repeated string values = 3; }

message LimitRange { ${M}.ObjectMeta metadata = 1; LimitRangeSpec spec = 2; }
message LimitRangeSpec { repeated LimitRangeItem limits = 1; }
message LimitRangeItem {
  string type = 1 ${A}; map<string, ${Q}> max = 2; map<string, ${Q}> min = 3; map<string, ${Q}> default = 4;
  map<string, ${Q}> defaultRequest = 5; map<string, ${Q}> maxLimitRequestRatio = 6;
}

message Binding { ${M}.ObjectMeta metadata = 1; ObjectReference target = 2; }

message Pod { ${M}.ObjectMeta metadata = 1; PodSpec spec = 2; PodStatus status = 3; }
message PodTemplate { ${M}.ObjectMeta metadata = 1; PodTemplateSpec template = 2; }
message PodTemplateSpec { ${M}.ObjectMeta metadata = 1; PodSpec spec = 2; }

message PodSpec {
  repeated Volume volumes = 1; repeated Container initContainers = 20; repeated Container containers = 2;
  repeated EphemeralContainer ephemeralContainers = 34; string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4; optional int64 activeDeadlineSeconds = 5;
  string dnsPolicy = 6; map<string, string> nodeSelector = 7; string serviceAccountName = 8;
  string serviceAccount = 9; optional bool automountServiceAccountToken = 21; string nodeName = 10;
  bool hostNetwork = 11; bool hostPID = 12; bool hostIPC = 13; optional bool shareProcessNamespace = 27;
  PodSecurityContext securityContext = 14; repeated LocalObjectReference imagePullSecrets = 15;
  string hostname = 16; string subdomain = 17; Affinity affinity = 18; string schedulerName = 19;
  repeated Toleration tolerations = 22; repeated HostAlias hostAliases = 23; string priorityClassName = 24;
  optional int32 priority = 25; PodDNSConfig dnsConfig = 26; repeated PodReadinessGate readinessGates = 28;
  optional string runtimeClassName = 29; optional bool enableServiceLinks = 30; optional string preemptionPolicy = 31;
  map<string, ${Q}> overhead = 32; repeated TopologySpreadConstraint topologySpreadConstraints = 33;
  optional bool setHostnameAsFQDN = 35; PodOS os = 36; optional bool hostUsers = 37;
  repeated PodSchedulingGate schedulingGates = 38; repeated PodResourceClaim resourceClaims = 39;
  ResourceRequirements resources = 40; optional string hostnameOverride = 41;
}

message PodStatus {
  optional int64 observedGeneration = 17; string phase = 1; repeated PodCondition conditions = 2;
  string message = 3; string reason = 4; string nominatedNodeName = 11; string hostIP = 5;
  repeated HostIP hostIPs = 16; string podIP = 6; repeated PodIP podIPs = 12; ${M}.Time startTime = 7;
  repeated ContainerStatus initContainerStatuses = 10; repeated ContainerStatus containerStatuses = 8;
  string qosClass = 9; repeated ContainerStatus ephemeralContainerStatuses = 13; string resize = 14;
}
message PodCondition {
  string type = 1 ${A}; int64 observedGeneration = 7; string status = 2 ${A}; ${M}.Time lastProbeTime = 3;
  ${M}.Time lastTransitionTime = 4; string reason = 5; string message = 6;
}
message HostIP { string ip = 1 ${A}; }
message PodIP { string ip = 1 ${A}; }
message ContainerStatus {
  string name = 1 ${A}; ContainerState state = 2; ContainerState lastState = 3; bool ready = 4 ${A};
  int32 restartCount = 5 ${A}; string image = 6 ${A}; string imageID = 7 ${A}; string containerID = 8;
  optional bool started = 9; map<string, ${Q}> allocatedResources = 10; ResourceRequirements resources = 11;
  optional string stopSignal = 15;
}
message ContainerState { ContainerStateWaiting waiting = 1; ContainerStateRunning running = 2; ContainerStateTerminated terminated = 3; }
message ContainerStateWaiting { string reason = 1; string message = 2; }
message ContainerStateRunning { ${M}.Time startedAt = 1; }
message ContainerStateTerminated {
  int32 exitCode = 1 ${A}; int32 signal = 2; string reason = 3; string message = 4;
  ${M}.Time startedAt = 5; ${M}.Time finishedAt = 6; string containerID = 7;
}

message Container {
  string name = 1 ${A}; string image = 2; repeated string command = 3; repeated string args = 4;
  string workingDir = 5; repeated ContainerPort ports = 6; repeated EnvFromSource envFrom = 19;
  repeated EnvVar env = 7; ResourceRequirements resources = 8; repeated ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24; repeated ContainerRestartRule restartPolicyRules = 25;
  repeated VolumeMount volumeMounts = 9; repeated VolumeDevice volumeDevices = 21;
  Probe livenessProbe = 10; Probe readinessProbe = 11; Probe startupProbe = 22; Lifecycle lifecycle = 12;
  string terminationMessagePath = 13; string terminationMessagePolicy = 20; string imagePullPolicy = 14;
  SecurityContext securityContext = 15; bool stdin = 16; bool stdinOnce = 17; bool tty = 18;
}
// Same fields and numbers as Container; inlined into EphemeralContainer.
message EphemeralContainerCommon {
  string name = 1 ${A}; string image = 2; repeated string command = 3; repeated string args = 4;
  string workingDir = 5; repeated ContainerPort ports = 6; repeated EnvFromSource envFrom = 19;
  repeated EnvVar env = 7; ResourceRequirements resources = 8; repeated ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24; repeated ContainerRestartRule restartPolicyRules = 25;
  repeated VolumeMount volumeMounts = 9; repeated VolumeDevice volumeDevices = 21;
  Probe livenessProbe = 10; Probe readinessProbe = 11; Probe startupProbe = 22; Lifecycle lifecycle = 12;
  string terminationMessagePath = 13; string terminationMessagePolicy = 20; string imagePullPolicy = 14;
  SecurityContext securityContext = 15; bool stdin = 16; bool stdinOnce = 17; bool tty = 18;
}
message EphemeralContainer { EphemeralContainerCommon ephemeralContainerCommon = 1 ${I}; string targetContainerName = 2; }

message ContainerPort { string name = 1; int32 hostPort = 2; int32 containerPort = 3 ${A}; string protocol = 4; string hostIP = 5; }
message ContainerResizePolicy { string resourceName = 1 ${A}; string restartPolicy = 2 ${A}; }
message ContainerRestartRule { string action = 1 ${A}; ContainerRestartRuleOnExitCodes exitCodes = 2; }
message ContainerRestartRuleOnExitCodes { string operator = 1 ${A}; repeated int32 values = 2; }

message EnvVar { string name = 1 ${A}; string value = 2; EnvVarSource valueFrom = 3; }
message EnvVarSource {
  ObjectFieldSelector fieldRef = 1; ResourceFieldSelector resourceFieldRef = 2;
  ConfigMapKeySelector configMapKeyRef = 3; SecretKeySelector secretKeyRef = 4; FileKeySelector fileKeyRef = 5;
}
message ObjectFieldSelector { string apiVersion = 1; string fieldPath = 2 ${A}; }
message ResourceFieldSelector { string containerName = 1; string resource = 2 ${A}; ${Q} divisor = 3; }
message ConfigMapKeySelector { LocalObjectReference localObjectReference = 1 ${I}; string key = 2 ${A}; optional bool optional = 3; }
message SecretKeySelector { LocalObjectReference localObjectReference = 1 ${I}; string key = 2 ${A}; optional bool optional = 3; }
message FileKeySelector { string volumeName = 1 ${A}; string path = 2 ${A}; string key = 3 ${A}; optional bool optional = 4; }
message EnvFromSource { string prefix = 1; ConfigMapEnvSource configMapRef = 2; SecretEnvSource secretRef = 3; }
message ConfigMapEnvSource { LocalObjectReference localObjectReference = 1 ${I}; optional bool optional = 2; }
message SecretEnvSource { LocalObjectReference localObjectReference = 1 ${I}; optional bool optional = 2; }

message ResourceRequirements { map<string, ${Q}> limits = 1; map<string, ${Q}> requests = 2; repeated ResourceClaim claims = 3; }
message ResourceClaim { string name = 1 ${A}; string request = 2; }

message VolumeMount {
  string name = 1 ${A}; bool readOnly = 2; optional string recursiveReadOnly = 7; string mountPath = 3 ${A};
  string subPath = 4; optional string mountPropagation = 5; string subPathExpr = 6;
}
message VolumeDevice { string name = 1 ${A}; string devicePath = 2 ${A}; }

message Probe {
  ProbeHandler handler = 1 ${I}; int32 initialDelaySeconds = 2; int32 timeoutSeconds = 3; int32 periodSeconds = 4;
  int32 successThreshold = 5; int32 failureThreshold = 6; optional int64 terminationGracePeriodSeconds = 7;
}
message ProbeHandler { ExecAction exec = 1; HTTPGetAction httpGet = 2; TCPSocketAction tcpSocket = 3; GRPCAction grpc = 4; }
message Lifecycle { LifecycleHandler postStart = 1; LifecycleHandler preStop = 2; optional string stopSignal = 3; }
message LifecycleHandler { ExecAction exec = 1; HTTPGetAction httpGet = 2; TCPSocketAction tcpSocket = 3; SleepAction sleep = 4; }
message ExecAction { repeated string command = 1; }
message HTTPGetAction { string path = 1; ${IOS} port = 2 ${A}; string host = 3; string scheme = 4; repeated HTTPHeader httpHeaders = 5; }
message HTTPHeader { string name = 1 ${A}; string value = 2 ${A}; }
message TCPSocketAction { ${IOS} port = 1 ${A}; string host = 2; }
message GRPCAction { int32 port = 1 ${A}; optional string service = 2; }
message SleepAction { int64 seconds = 1 ${A}; }

message SecurityContext {
  Capabilities capabilities = 1; optional bool privileged = 2; SELinuxOptions seLinuxOptions = 3;
  WindowsSecurityContextOptions windowsOptions = 10; optional int64 runAsUser = 4; optional int64 runAsGroup = 8;
  optional bool runAsNonRoot = 5; optional bool readOnlyRootFilesystem = 6; optional bool allowPrivilegeEscalation = 7;
  optional string procMount = 9; SeccompProfile seccompProfile = 11; AppArmorProfile appArmorProfile = 12;
}
message PodSecurityContext {
  SELinuxOptions seLinuxOptions = 1; WindowsSecurityContextOptions windowsOptions = 8; optional int64 runAsUser = 2;
  optional int64 runAsGroup = 6; optional bool runAsNonRoot = 3; repeated int64 supplementalGroups = 4;
  optional string supplementalGroupsPolicy = 12; optional int64 fsGroup = 5; repeated Sysctl sysctls = 7;
  optional string fsGroupChangePolicy = 9; SeccompProfile seccompProfile = 10; AppArmorProfile appArmorProfile = 11;
  optional string seLinuxChangePolicy = 13;
}
message Capabilities { repeated string add = 1; repeated string drop = 2; }
message SELinuxOptions { string user = 1; string role = 2; string type = 3; string level = 4; }
message WindowsSecurityContextOptions {
  optional string gmsaCredentialSpecName = 1; optional string gmsaCredentialSpec = 2;
  optional string runAsUserName = 3; optional bool hostProcess = 4;
}
message SeccompProfile { string type = 1 ${A}; optional string localhostProfile = 2; }
message AppArmorProfile { string type = 1 ${A}; optional string localhostProfile = 2; }
message Sysctl { string name = 1 ${A}; string value = 2 ${A}; }

message Affinity { NodeAffinity nodeAffinity = 1; PodAffinity podAffinity = 2; PodAntiAffinity podAntiAffinity = 3; }
message NodeAffinity {
  NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message NodeSelector { repeated NodeSelectorTerm nodeSelectorTerms = 1; }
message NodeSelectorTerm { repeated NodeSelectorRequirement matchExpressions = 1; repeated NodeSelectorRequirement matchFields = 2; }
message NodeSelectorRequirement { string key = 1 ${A}; string operator = 2 ${A}; repeated string values = 3; }
message PreferredSchedulingTerm { int32 weight = 1 ${A}; NodeSelectorTerm preference = 2; }
message PodAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAntiAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAffinityTerm {
  ${M}.LabelSelector labelSelector = 1; repeated string namespaces = 2; string topologyKey = 3 ${A};
  ${M}.LabelSelector namespaceSelector = 4; repeated string matchLabelKeys = 5; repeated string mismatchLabelKeys = 6;
}
message WeightedPodAffinityTerm { int32 weight = 1 ${A}; PodAffinityTerm podAffinityTerm = 2; }

message Toleration { string key = 1; string operator = 2; string value = 3; string effect = 4; optional int64 tolerationSeconds = 5; }
message HostAlias { string ip = 1; repeated string hostnames = 2; }
message PodDNSConfig { repeated string nameservers = 1; repeated string searches = 2; repeated PodDNSConfigOption options = 3; }
message PodDNSConfigOption { string name = 1; optional string value = 2; }
message PodReadinessGate { string conditionType = 1 ${A}; }
message PodOS { string name = 1 ${A}; }
message PodSchedulingGate { string name = 1 ${A}; }
message PodResourceClaim { string name = 1 ${A}; optional string resourceClaimName = 3; optional string resourceClaimTemplateName = 4; }
message TopologySpreadConstraint {
  int32 maxSkew = 1 ${A}; string topologyKey = 2 ${A}; string whenUnsatisfiable = 3 ${A};
  ${M}.LabelSelector labelSelector = 4; optional int32 minDomains = 5; optional string nodeAffinityPolicy = 6;
  optional string nodeTaintsPolicy = 7; repeated string matchLabelKeys = 8;
}

message Volume { string name = 1 ${A}; VolumeSource volumeSource = 2 ${I}; }
message VolumeSource {
  HostPathVolumeSource hostPath = 1; EmptyDirVolumeSource emptyDir = 2; SecretVolumeSource secret = 6;
  NFSVolumeSource nfs = 7; PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10;
  DownwardAPIVolumeSource downwardAPI = 16; ConfigMapVolumeSource configMap = 19;
  ProjectedVolumeSource projected = 26; CSIVolumeSource csi = 28; EphemeralVolumeSource ephemeral = 29;
  ImageVolumeSource image = 30;
}
message HostPathVolumeSource { string path = 1 ${A}; optional string type = 2; }
message EmptyDirVolumeSource { string medium = 1; ${Q} sizeLimit = 2; }
message SecretVolumeSource { string secretName = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3; optional bool optional = 4; }
message ConfigMapVolumeSource {
  LocalObjectReference localObjectReference = 1 ${I}; repeated KeyToPath items = 2;
  optional int32 defaultMode = 3; optional bool optional = 4;
}
message KeyToPath { string key = 1 ${A}; string path = 2 ${A}; optional int32 mode = 3; }
message NFSVolumeSource { string server = 1 ${A}; string path = 2 ${A}; bool readOnly = 3; }
message PersistentVolumeClaimVolumeSource { string claimName = 1 ${A}; bool readOnly = 2; }
message DownwardAPIVolumeSource { repeated DownwardAPIVolumeFile items = 1; optional int32 defaultMode = 2; }
message DownwardAPIVolumeFile { string path = 1 ${A}; ObjectFieldSelector fieldRef = 2; ResourceFieldSelector resourceFieldRef = 3; optional int32 mode = 4; }
message DownwardAPIProjection { repeated DownwardAPIVolumeFile items = 1; }
message ProjectedVolumeSource { repeated VolumeProjection sources = 1; optional int32 defaultMode = 2; }
message VolumeProjection {
  SecretProjection secret = 1; DownwardAPIProjection downwardAPI = 2; ConfigMapProjection configMap = 3;
  ServiceAccountTokenProjection serviceAccountToken = 4; ClusterTrustBundleProjection clusterTrustBundle = 5;
}
message SecretProjection { LocalObjectReference localObjectReference = 1 ${I}; repeated KeyToPath items = 2; optional bool optional = 4; }
message ConfigMapProjection { LocalObjectReference localObjectReference = 1 ${I}; repeated KeyToPath items = 2; optional bool optional = 4; }
message ServiceAccountTokenProjection { string audience = 1; optional int64 expirationSeconds = 2; string path = 3 ${A}; }
message ClusterTrustBundleProjection {
  optional string name = 1; optional string signerName = 2; ${M}.LabelSelector labelSelector = 3;
  optional bool optional = 5; string path = 4 ${A};
}
message CSIVolumeSource {
  string driver = 1 ${A}; optional bool readOnly = 2; optional string fsType = 3;
  map<string, string> volumeAttributes = 4; LocalObjectReference nodePublishSecretRef = 5;
}
message EphemeralVolumeSource { PersistentVolumeClaimTemplate volumeClaimTemplate = 1; }
message PersistentVolumeClaimTemplate { ${M}.ObjectMeta metadata = 1; PersistentVolumeClaimSpec spec = 2 ${A}; }
message PersistentVolumeClaimSpec {
  repeated string accessModes = 1; ${M}.LabelSelector selector = 4; VolumeResourceRequirements resources = 2;
  string volumeName = 3; optional string storageClassName = 5; optional string volumeMode = 6;
  TypedLocalObjectReference dataSource = 7; TypedObjectReference dataSourceRef = 8;
  optional string volumeAttributesClassName = 9;
}
message VolumeResourceRequirements { map<string, ${Q}> limits = 1; map<string, ${Q}> requests = 2; }
message ImageVolumeSource { string reference = 1; string pullPolicy = 2; }
`;
