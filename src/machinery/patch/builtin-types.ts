// The field → definition graph of the common built-in kinds, so strategic merge can still descend
// (spec.template.spec.containers → Container) when openapi/definitions.json is absent or partial.
// Map-valued fields point at their definition; list fields at their element definition.

const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const batch = 'io.k8s.api.batch.v1.';
const policy = 'io.k8s.api.policy.v1.';
const discovery = 'io.k8s.api.discovery.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const OM = `${meta}ObjectMeta`;

const workload = (spec: string, status: string) => ({ metadata: OM, spec, status });

export const BUILTIN_FIELD_TYPES: Record<string, Record<string, string>> = {
  [OM]: { ownerReferences: `${meta}OwnerReference`, managedFields: `${meta}ManagedFieldsEntry` },
  [`${meta}LabelSelector`]: { matchExpressions: `${meta}LabelSelectorRequirement` },

  [`${core}Pod`]: workload(`${core}PodSpec`, `${core}PodStatus`),
  [`${core}PodTemplate`]: { metadata: OM, template: `${core}PodTemplateSpec` },
  [`${core}PodTemplateSpec`]: { metadata: OM, spec: `${core}PodSpec` },
  [`${core}PodSpec`]: {
    volumes: `${core}Volume`,
    initContainers: `${core}Container`,
    containers: `${core}Container`,
    ephemeralContainers: `${core}EphemeralContainer`,
    imagePullSecrets: `${core}LocalObjectReference`,
    hostAliases: `${core}HostAlias`,
    topologySpreadConstraints: `${core}TopologySpreadConstraint`,
    schedulingGates: `${core}PodSchedulingGate`,
    resourceClaims: `${core}PodResourceClaim`,
    tolerations: `${core}Toleration`,
    readinessGates: `${core}PodReadinessGate`,
    securityContext: `${core}PodSecurityContext`,
    affinity: `${core}Affinity`,
    dnsConfig: `${core}PodDNSConfig`,
  },
  [`${core}Container`]: {
    ports: `${core}ContainerPort`,
    env: `${core}EnvVar`,
    envFrom: `${core}EnvFromSource`,
    volumeMounts: `${core}VolumeMount`,
    volumeDevices: `${core}VolumeDevice`,
    resources: `${core}ResourceRequirements`,
    resizePolicy: `${core}ContainerResizePolicy`,
    livenessProbe: `${core}Probe`,
    readinessProbe: `${core}Probe`,
    startupProbe: `${core}Probe`,
    lifecycle: `${core}Lifecycle`,
    securityContext: `${core}SecurityContext`,
  },
  [`${core}EphemeralContainer`]: {
    ports: `${core}ContainerPort`,
    env: `${core}EnvVar`,
    envFrom: `${core}EnvFromSource`,
    volumeMounts: `${core}VolumeMount`,
    volumeDevices: `${core}VolumeDevice`,
    resources: `${core}ResourceRequirements`,
  },
  [`${core}EnvVar`]: { valueFrom: `${core}EnvVarSource` },
  [`${core}Probe`]: { exec: `${core}ExecAction`, httpGet: `${core}HTTPGetAction`, tcpSocket: `${core}TCPSocketAction` },
  [`${core}SecurityContext`]: { capabilities: `${core}Capabilities` },
  [`${core}Affinity`]: {
    nodeAffinity: `${core}NodeAffinity`,
    podAffinity: `${core}PodAffinity`,
    podAntiAffinity: `${core}PodAntiAffinity`,
  },
  [`${core}NodeAffinity`]: { requiredDuringSchedulingIgnoredDuringExecution: `${core}NodeSelector` },
  [`${core}NodeSelector`]: { nodeSelectorTerms: `${core}NodeSelectorTerm` },
  [`${core}Volume`]: {
    configMap: `${core}ConfigMapVolumeSource`,
    secret: `${core}SecretVolumeSource`,
    projected: `${core}ProjectedVolumeSource`,
    downwardAPI: `${core}DownwardAPIVolumeSource`,
  },
  [`${core}PodStatus`]: {
    conditions: `${core}PodCondition`,
    podIPs: `${core}PodIP`,
    hostIPs: `${core}HostIP`,
    initContainerStatuses: `${core}ContainerStatus`,
    containerStatuses: `${core}ContainerStatus`,
    ephemeralContainerStatuses: `${core}ContainerStatus`,
    resourceClaimStatuses: `${core}PodResourceClaimStatus`,
  },
  [`${core}Service`]: workload(`${core}ServiceSpec`, `${core}ServiceStatus`),
  [`${core}ServiceSpec`]: { ports: `${core}ServicePort` },
  [`${core}ServiceStatus`]: { loadBalancer: `${core}LoadBalancerStatus`, conditions: `${meta}Condition` },
  [`${core}Node`]: workload(`${core}NodeSpec`, `${core}NodeStatus`),
  [`${core}NodeSpec`]: { taints: `${core}Taint` },
  [`${core}NodeStatus`]: { addresses: `${core}NodeAddress`, conditions: `${core}NodeCondition`, images: `${core}ContainerImage` },
  [`${core}Namespace`]: workload(`${core}NamespaceSpec`, `${core}NamespaceStatus`),
  [`${core}NamespaceStatus`]: { conditions: `${core}NamespaceCondition` },
  [`${core}ReplicationController`]: workload(`${core}ReplicationControllerSpec`, `${core}ReplicationControllerStatus`),
  [`${core}ReplicationControllerSpec`]: { template: `${core}PodTemplateSpec` },
  [`${core}ReplicationControllerStatus`]: { conditions: `${core}ReplicationControllerCondition` },
  [`${core}PersistentVolumeClaim`]: workload(`${core}PersistentVolumeClaimSpec`, `${core}PersistentVolumeClaimStatus`),
  [`${core}PersistentVolumeClaimStatus`]: { conditions: `${core}PersistentVolumeClaimCondition` },
  [`${core}PersistentVolume`]: { metadata: OM, spec: `${core}PersistentVolumeSpec` },
  [`${core}ServiceAccount`]: { metadata: OM, secrets: `${core}ObjectReference`, imagePullSecrets: `${core}LocalObjectReference` },
  [`${core}Endpoints`]: { metadata: OM, subsets: `${core}EndpointSubset` },
  [`${core}ConfigMap`]: { metadata: OM },
  [`${core}Secret`]: { metadata: OM },
  [`${core}Event`]: { metadata: OM, involvedObject: `${core}ObjectReference` },
  [`${core}LimitRange`]: { metadata: OM },
  [`${core}ResourceQuota`]: { metadata: OM },

  [`${apps}Deployment`]: workload(`${apps}DeploymentSpec`, `${apps}DeploymentStatus`),
  [`${apps}DeploymentSpec`]: {
    selector: `${meta}LabelSelector`,
    template: `${core}PodTemplateSpec`,
    strategy: `${apps}DeploymentStrategy`,
  },
  [`${apps}DeploymentStrategy`]: { rollingUpdate: `${apps}RollingUpdateDeployment` },
  [`${apps}DeploymentStatus`]: { conditions: `${apps}DeploymentCondition` },
  [`${apps}ReplicaSet`]: workload(`${apps}ReplicaSetSpec`, `${apps}ReplicaSetStatus`),
  [`${apps}ReplicaSetSpec`]: { selector: `${meta}LabelSelector`, template: `${core}PodTemplateSpec` },
  [`${apps}ReplicaSetStatus`]: { conditions: `${apps}ReplicaSetCondition` },
  [`${apps}StatefulSet`]: workload(`${apps}StatefulSetSpec`, `${apps}StatefulSetStatus`),
  [`${apps}StatefulSetSpec`]: {
    selector: `${meta}LabelSelector`,
    template: `${core}PodTemplateSpec`,
    volumeClaimTemplates: `${core}PersistentVolumeClaim`,
    updateStrategy: `${apps}StatefulSetUpdateStrategy`,
  },
  [`${apps}StatefulSetStatus`]: { conditions: `${apps}StatefulSetCondition` },
  [`${apps}DaemonSet`]: workload(`${apps}DaemonSetSpec`, `${apps}DaemonSetStatus`),
  [`${apps}DaemonSetSpec`]: {
    selector: `${meta}LabelSelector`,
    template: `${core}PodTemplateSpec`,
    updateStrategy: `${apps}DaemonSetUpdateStrategy`,
  },
  [`${apps}DaemonSetStatus`]: { conditions: `${apps}DaemonSetCondition` },

  [`${batch}Job`]: workload(`${batch}JobSpec`, `${batch}JobStatus`),
  [`${batch}JobSpec`]: {
    selector: `${meta}LabelSelector`,
    template: `${core}PodTemplateSpec`,
    podFailurePolicy: `${batch}PodFailurePolicy`,
  },
  [`${batch}JobStatus`]: { conditions: `${batch}JobCondition` },
  [`${batch}CronJob`]: workload(`${batch}CronJobSpec`, `${batch}CronJobStatus`),
  [`${batch}CronJobSpec`]: { jobTemplate: `${batch}JobTemplateSpec` },
  [`${batch}JobTemplateSpec`]: { metadata: OM, spec: `${batch}JobSpec` },
  [`${batch}CronJobStatus`]: { active: `${core}ObjectReference` },

  [`${policy}PodDisruptionBudget`]: workload(`${policy}PodDisruptionBudgetSpec`, `${policy}PodDisruptionBudgetStatus`),
  [`${policy}PodDisruptionBudgetSpec`]: { selector: `${meta}LabelSelector` },
  [`${policy}PodDisruptionBudgetStatus`]: { conditions: `${meta}Condition` },

  [`${discovery}EndpointSlice`]: { metadata: OM, endpoints: `${discovery}Endpoint`, ports: `${discovery}EndpointPort` },
  ['io.k8s.api.events.v1.Event']: { metadata: OM },
  ['io.k8s.api.coordination.v1.Lease']: { metadata: OM },
};
