// Every kind's write-path strategy, plus the shared helpers other areas may call.
export { namespaceStrategy, namespaceFinalizeStrategy, namespaceStatusStrategy, NAMESPACE_NAME_LABEL } from './namespace.js';
export {
  podStrategy,
  validatePod,
  validatePodSpec,
  validatePodSpecUpdate,
  computeQOSClass,
  defaultPod,
  defaultPodSpec,
  admitNewPod,
  defaultPullPolicy,
} from './pod.js';
export {
  serviceStrategy,
  serviceStatusStrategy,
  defaultService,
  validateService,
  validateClusterIPInRange,
  validateNodePortInRange,
  DEFAULT_NODE_PORT_RANGE,
} from './service.js';
export { endpointsStrategy, validateEndpoints } from './endpoints.js';
export { configMapStrategy, validateConfigMap } from './configmap.js';
export { secretStrategy, validateSecret, mergeStringData } from './secret.js';
export { serviceAccountStrategy } from './serviceaccount.js';
export { nodeStrategy, validateNode } from './node.js';
export { persistentVolumeClaimStrategy, validatePVC, validatePVCUpdate } from './pvc.js';
export { leaseStrategy } from './lease.js';
export { endpointSliceStrategy, validateEndpointSlice } from './endpointslice.js';
export { deploymentStrategy, defaultDeployment, validateDeployment } from './deployment.js';
export { replicaSetStrategy, defaultReplicaSet, validateReplicaSet } from './replicaset.js';
export { podDisruptionBudgetStrategy, validatePodDisruptionBudget } from './poddisruptionbudget.js';

export { prepareStatusUpdate, statusStrategy } from './common/status.js';
export {
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateLabels,
  validateAnnotations,
  immutable,
  type MetaOptions,
} from './common/meta.js';
export {
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1035Label,
  isQualifiedName,
  isValidLabelValue,
  isConfigMapKey,
  isPathSegmentName,
  nameIsDNSSubdomain,
  nameIsDNSLabel,
  nameIsDNS1035Label,
  nameIsPathSegment,
  type NameFn,
} from './common/names.js';
export {
  parseQuantity,
  formatQuantity,
  canonicalQuantity,
  compareQuantity,
  isValidQuantity,
  canonicalizeResourceList,
  type Quantity,
} from '../../machinery/api/quantity.js';
export { deepEqual, specChanged, clone } from '../../machinery/api/equality.js';
export { selectorMatches, validateLabelSelector } from './common/selector.js';
export { cidrContains, parseCIDR, isValidIP } from './common/ip.js';
