// Every served resource. Adding a kind is adding a file and a line here.
import type { ResourceDef } from '../types.js';
import { namespaces } from './namespaces.js';
import { pods } from './pods.js';
import { services } from './services.js';
import { configmaps, endpoints, nodes, persistentvolumeclaims, secrets, serviceaccounts } from './simple-core.js';
import { deployments, replicasets } from './apps.js';
import { controllerrevisions, daemonsets, statefulsets } from './apps-stateful.js';
import { replicationcontrollers } from './replication-controllers.js';
import { endpointslices, leases } from './other-groups.js';
import { events, eventsV1 } from './events.js';
import { localsubjectaccessreviews, selfsubjectrulesreviews, selfsubjectaccessreviews, subjectaccessreviews } from './authorization.js';
import { nodeMetrics, podMetrics } from './metrics.js';
import { METRICS_DEFINITIONS } from '../../metrics/openapi-definitions.js';
import { selfsubjectreviews, tokenreviews } from './authentication.js';
import { storageclasses } from './storage.js';
import { poddisruptionbudgets } from './policy.js';
import { certificatesigningrequests } from './certificates.js';
import { cronjobs, jobs } from './batch.js';
import { horizontalpodautoscalers, horizontalpodautoscalersV1 } from './autoscaling.js';
import { RBAC_RESOURCES } from './rbac.js';
import { DEFAULT_API_RESOURCES } from './default-api.js';
import { customresourcedefinitions } from '../../apiextensions/crd-resource.js';
import { POLICY_KINDS } from './policy-kinds.js';

export const RESOURCES: ResourceDef[] = [
  namespaces,
  pods,
  services,
  endpoints,
  configmaps,
  secrets,
  serviceaccounts,
  events,
  nodes,
  persistentvolumeclaims,
  replicationcontrollers,
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
  endpointslices,
  eventsV1,
  leases,
  storageclasses,
  poddisruptionbudgets,
  jobs,
  cronjobs,
  horizontalpodautoscalers,
  horizontalpodautoscalersV1,
  selfsubjectaccessreviews,
  selfsubjectreviews,
  podMetrics,
  nodeMetrics,
  selfsubjectrulesreviews,
  subjectaccessreviews,
  localsubjectaccessreviews,
  tokenreviews,
  certificatesigningrequests,
  ...RBAC_RESOURCES,
  ...DEFAULT_API_RESOURCES,
  customresourcedefinitions,
  ...POLICY_KINDS,
];

/** OpenAPI schemas of served kinds that the generated definitions lack. */
export const EXTRA_OPENAPI_DEFINITIONS = { ...METRICS_DEFINITIONS };
