// List and map semantics of the built-in kinds, transcribed from the Go struct tags and
// markers in k8s.io/api (patchStrategy / patchMergeKey / +listType / +listMapKey).
// No npm package carries them; strategic merge patch and the OpenAPI annotator both read this table.

export interface ListSemantics {
  /** patchStrategy tag: how strategic merge patch treats the field. Absent = replace. */
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  /** patchMergeKey tag: the field identifying list elements under strategy merge. */
  key?: string;
  /** +listType marker (server-side apply, OpenAPI x-kubernetes-list-type). */
  listType?: 'map' | 'set' | 'atomic';
  /** +listMapKey markers (x-kubernetes-list-map-keys). */
  listMapKeys?: string[];
}

const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const batch = 'io.k8s.api.batch.v1.';
const discovery = 'io.k8s.api.discovery.v1.';
const policy = 'io.k8s.api.policy.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

// Shorthands keep the table readable; each expands to the exact tag set.
const mergeBy = (key: string, listMapKeys: string[] = [key]): ListSemantics => ({ strategy: 'merge', key, listType: 'map', listMapKeys });
const atomic: ListSemantics = { listType: 'atomic' };
const set: ListSemantics = { listType: 'set' };
const conditions = mergeBy('type');

// Container and EphemeralContainer share their fields (EphemeralContainerCommon is inlined).
const containerFields: Record<string, ListSemantics> = {
  command: atomic,
  args: atomic,
  ports: mergeBy('containerPort', ['containerPort', 'protocol']),
  envFrom: atomic,
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
  resizePolicy: atomic,
};

export const MERGE_KEYS: Record<string, Record<string, ListSemantics>> = {
  // ---- meta/v1
  [`${meta}ObjectMeta`]: {
    ownerReferences: mergeBy('uid'),
    finalizers: { strategy: 'merge', listType: 'set' },
    managedFields: atomic,
  },
  [`${meta}LabelSelector`]: { matchExpressions: atomic },
  [`${meta}LabelSelectorRequirement`]: { values: atomic },
  [`${meta}StatusDetails`]: { causes: atomic },

  // ---- core/v1
  [`${core}PodSpec`]: {
    volumes: { strategy: 'merge,retainKeys', key: 'name', listType: 'map', listMapKeys: ['name'] },
    initContainers: mergeBy('name'),
    containers: mergeBy('name'),
    ephemeralContainers: mergeBy('name'),
    imagePullSecrets: mergeBy('name'),
    hostAliases: mergeBy('ip'),
    topologySpreadConstraints: mergeBy('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: mergeBy('name'),
    resourceClaims: { strategy: 'merge,retainKeys', key: 'name', listType: 'map', listMapKeys: ['name'] },
    tolerations: atomic,
    readinessGates: atomic,
  },
  [`${core}Container`]: containerFields,
  [`${core}EphemeralContainer`]: containerFields,
  [`${core}ExecAction`]: { command: atomic },
  [`${core}ResourceRequirements`]: { claims: { listType: 'map', listMapKeys: ['name'] } },
  [`${core}PodDNSConfig`]: { nameservers: atomic, searches: atomic, options: atomic },
  [`${core}HostAlias`]: { hostnames: atomic },
  [`${core}Capabilities`]: { add: atomic, drop: atomic },
  [`${core}PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${core}NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${core}NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${core}NodeSelectorRequirement`]: { values: atomic },
  [`${core}NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${core}PodAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}PodAntiAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}PodAffinityTerm`]: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  [`${core}TopologySpreadConstraint`]: { matchLabelKeys: atomic },
  [`${core}ConfigMapVolumeSource`]: { items: atomic },
  [`${core}SecretVolumeSource`]: { items: atomic },
  [`${core}ProjectedVolumeSource`]: { sources: atomic },
  [`${core}DownwardAPIVolumeSource`]: { items: atomic },
  [`${core}PodStatus`]: {
    conditions,
    podIPs: mergeBy('ip'),
    hostIPs: mergeBy('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { strategy: 'merge,retainKeys', key: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  [`${core}ContainerStatus`]: {
    volumeMounts: mergeBy('mountPath'),
    allocatedResourcesStatus: mergeBy('name'),
  },
  [`${core}ResourceStatus`]: { resources: { listType: 'map', listMapKeys: ['resourceID'] } },
  [`${core}NodeSpec`]: {
    podCIDRs: { strategy: 'merge', listType: 'set' },
    taints: atomic,
  },
  [`${core}NodeStatus`]: {
    addresses: mergeBy('type'),
    conditions,
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
  },
  [`${core}ContainerImage`]: { names: atomic },
  [`${core}ServiceSpec`]: {
    ports: mergeBy('port', ['port', 'protocol']),
    externalIPs: atomic,
    clusterIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  [`${core}ServiceStatus`]: { conditions },
  [`${core}LoadBalancerStatus`]: { ingress: atomic },
  [`${core}LoadBalancerIngress`]: { ports: atomic },
  [`${core}ServiceAccount`]: { secrets: mergeBy('name'), imagePullSecrets: atomic },
  [`${core}Endpoints`]: { subsets: atomic },
  [`${core}EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${core}NamespaceSpec`]: { finalizers: atomic },
  [`${core}NamespaceStatus`]: { conditions },
  [`${core}PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${core}PersistentVolumeClaimStatus`]: { accessModes: atomic, conditions },
  [`${core}PersistentVolumeSpec`]: { accessModes: atomic, mountOptions: atomic },
  [`${core}ReplicationControllerStatus`]: { conditions },
  [`${core}ComponentStatus`]: { conditions },
  [`${core}LimitRangeSpec`]: { limits: atomic },
  [`${core}ResourceQuotaSpec`]: { scopes: atomic },
  [`${core}ScopeSelector`]: { matchExpressions: atomic },

  // ---- apps/v1
  [`${apps}DeploymentSpec`]: { strategy: { strategy: 'retainKeys' } },
  [`${apps}DeploymentStatus`]: { conditions },
  [`${apps}ReplicaSetStatus`]: { conditions },
  [`${apps}StatefulSetSpec`]: { volumeClaimTemplates: atomic },
  [`${apps}StatefulSetStatus`]: { conditions },
  [`${apps}DaemonSetStatus`]: { conditions },

  // ---- batch/v1
  [`${batch}JobStatus`]: { conditions: { strategy: 'merge', key: 'type', listType: 'atomic' } },
  [`${batch}CronJobStatus`]: { active: atomic },
  [`${batch}PodFailurePolicy`]: { rules: atomic },
  [`${batch}PodFailurePolicyRule`]: { onPodConditions: atomic },
  [`${batch}PodFailurePolicyOnExitCodesRequirement`]: { values: set },
  [`${batch}SuccessPolicy`]: { rules: atomic },

  // ---- discovery.k8s.io/v1
  [`${discovery}EndpointSlice`]: { endpoints: atomic, ports: atomic },
  [`${discovery}Endpoint`]: { addresses: set },
  [`${discovery}EndpointHints`]: { forZones: atomic, forNodes: atomic },

  // ---- policy/v1
  [`${policy}PodDisruptionBudgetStatus`]: { conditions },

  // events.k8s.io/v1 Event and coordination.k8s.io/v1 Lease carry no list semantics.
};
