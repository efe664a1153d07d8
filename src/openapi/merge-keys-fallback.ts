// Stand-in for src/machinery/patch/merge-keys.ts (owned by the patch engine) while that table does not
// exist yet: the same shape, holding only the list semantics kubectl relies on most.
export type ListSemantics = {
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  key?: string;
  listType?: 'map' | 'set' | 'atomic';
  listMapKeys?: string[];
};
export type MergeKeyTable = Record<string /* definition name */, Record<string /* field */, ListSemantics>>;

const core = 'io.k8s.api.core.v1';
export const FALLBACK_MERGE_KEYS: MergeKeyTable = {
  [`${core}.PodSpec`]: {
    containers: { strategy: 'merge', key: 'name', listType: 'map', listMapKeys: ['name'] },
    initContainers: { strategy: 'merge', key: 'name', listType: 'map', listMapKeys: ['name'] },
    ephemeralContainers: { strategy: 'merge', key: 'name', listType: 'map', listMapKeys: ['name'] },
    volumes: { strategy: 'merge,retainKeys', key: 'name', listType: 'map', listMapKeys: ['name'] },
    imagePullSecrets: { strategy: 'merge', key: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  [`${core}.Container`]: {
    env: { strategy: 'merge', key: 'name', listType: 'map', listMapKeys: ['name'] },
    ports: { strategy: 'merge', key: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    volumeMounts: { strategy: 'merge', key: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  },
  [`${core}.ServiceSpec`]: {
    ports: { strategy: 'merge', key: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: { strategy: 'merge', listType: 'set' },
    ownerReferences: { strategy: 'merge', key: 'uid', listType: 'map', listMapKeys: ['uid'] },
  },
};
