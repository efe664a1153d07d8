// The parts of core/v1 Pod the translation reads. Loose on purpose: stored objects are plain JSON
// that already passed validation, so these only name the fields we use.
export interface KeyRef {
  name?: string;
  key: string;
  optional?: boolean;
}
export interface ObjectFieldSelector {
  apiVersion?: string;
  fieldPath: string;
}
export interface ResourceFieldSelector {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector; configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef };
}
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  subPathExpr?: string;
  mountPropagation?: string;
}
export interface Capabilities {
  add?: string[];
  drop?: string[];
}
export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: Capabilities;
  seccompProfile?: { type: string; localhostProfile?: string };
  appArmorProfile?: { type: string; localhostProfile?: string };
}
export interface PodSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  /** Always (default) or OnRootMismatch: whether volume ownership is changed when the volume's root already matches */
  fsGroupChangePolicy?: string;
  supplementalGroups?: number[];
  sysctls?: { name: string; value: string }[];
  seccompProfile?: { type: string; localhostProfile?: string };
}
export interface ResourceRequirements {
  limits?: Record<string, string | number>;
  requests?: Record<string, string | number>;
}
export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  volumeMounts?: VolumeMount[];
  resources?: ResourceRequirements;
  securityContext?: SecurityContext;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  imagePullPolicy?: string;
  lifecycle?: { stopSignal?: string; [k: string]: unknown };
  [field: string]: unknown;
}
export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}
export interface DownwardAPIFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  mode?: number;
}
export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string | number };
  hostPath?: { path: string; type?: string };
  configMap?: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  secret?: { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIFile[]; defaultMode?: number };
  projected?: { defaultMode?: number; sources?: ProjectedSource[] };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [source: string]: unknown;
}
export interface ProjectedSource {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIFile[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  /** added through pods/ephemeralcontainers; started once, never restarted */
  ephemeralContainers?: (Container & { targetContainerName?: string })[];
  volumes?: Volume[];
  nodeName?: string;
  serviceAccountName?: string;
  hostname?: string;
  subdomain?: string;
  setHostnameAsFQDN?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  shareProcessNamespace?: boolean;
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  hostAliases?: { ip: string; hostnames?: string[] }[];
  securityContext?: PodSecurityContext;
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  [field: string]: unknown;
}
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  spec: PodSpec;
  status?: { podIP?: string; podIPs?: { ip: string }[]; hostIP?: string; hostIPs?: { ip: string }[]; [k: string]: unknown };
}
export interface ConfigMapData {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
/** Secret data as stored: values base64 encoded (stringData already folded in by the API). */
export interface SecretData {
  data?: Record<string, string>;
}
