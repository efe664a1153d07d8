// OpenAPI schemas of metrics.k8s.io/v1beta1 (the generated definitions lack them: kubernetes-models has no metrics
// group). Named as upstream names them, with the GVK extension kubectl explain looks for.
import type { Definitions, Schema } from '../openapi/definitions.js';

const PKG = 'io.k8s.metrics.pkg.apis.metrics.v1beta1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string, description?: string): Schema =>
  description ? { description, allOf: [{ $ref: `#/definitions/${name}` }] } : { $ref: `#/definitions/${name}` };
const gvk = (kind: string) => [{ group: 'metrics.k8s.io', version: 'v1beta1', kind }];

const typeMeta: Record<string, Schema> = {
  apiVersion: {
    type: 'string',
    description:
      'APIVersion is the versioned schema of this representation of the object (metrics.k8s.io/v1beta1). More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  },
  kind: {
    type: 'string',
    description:
      'Kind is the REST resource this object represents, in CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
  },
};
const usage: Schema = {
  type: 'object',
  description: 'The resources used (cpu in cores, memory as the working set in bytes).',
  additionalProperties: { $ref: `#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity` },
};
const timestamp = ref(`${META}.Time`, 'The end of the interval [timestamp-window, timestamp] over which the usage was measured.');
const windowField: Schema = {
  type: 'string',
  description: 'The length of the interval over which the usage was measured, as a duration string such as "10s".',
};

const list = (kind: string, item: string, what: string): Schema => ({
  type: 'object',
  description: `${kind} is a list of ${what}.`,
  required: ['items'],
  properties: {
    ...typeMeta,
    items: { type: 'array', description: `The list of ${what}.`, items: { $ref: `#/definitions/${PKG}.${item}` } },
    metadata: ref(
      `${META}.ListMeta`,
      'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
    ),
  },
  'x-kubernetes-group-version-kind': gvk(kind),
});

export const METRICS_DEFINITIONS: Definitions = {
  [`${PKG}.ContainerMetrics`]: {
    type: 'object',
    description: 'ContainerMetrics is the resource usage of one container.',
    required: ['name', 'usage'],
    properties: {
      name: { type: 'string', description: 'The name of the container, as in the pod spec.' },
      usage: usage,
    },
  },
  [`${PKG}.PodMetrics`]: {
    type: 'object',
    description: 'PodMetrics is the resource usage of a pod, one entry per container.',
    required: ['timestamp', 'window', 'containers'],
    properties: {
      ...typeMeta,
      containers: {
        type: 'array',
        description: 'The usage of each container, all measured over the same interval.',
        items: { $ref: `#/definitions/${PKG}.ContainerMetrics` },
      },
      metadata: ref(
        `${META}.ObjectMeta`,
        "The pod's name, namespace and labels. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      ),
      timestamp,
      window: windowField,
    },
    'x-kubernetes-group-version-kind': gvk('PodMetrics'),
  },
  [`${PKG}.PodMetricsList`]: list('PodMetricsList', 'PodMetrics', 'pod metrics'),
  [`${PKG}.NodeMetrics`]: {
    type: 'object',
    description: 'NodeMetrics is the resource usage of a node.',
    required: ['timestamp', 'window', 'usage'],
    properties: {
      ...typeMeta,
      metadata: ref(
        `${META}.ObjectMeta`,
        "The node's name and labels. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      ),
      timestamp,
      usage,
      window: windowField,
    },
    'x-kubernetes-group-version-kind': gvk('NodeMetrics'),
  },
  [`${PKG}.NodeMetricsList`]: list('NodeMetricsList', 'NodeMetrics', 'node metrics'),
};
