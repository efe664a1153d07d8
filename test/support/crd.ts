// A namespaced CustomResourceDefinition with one served, stored version v1 whose `spec` has the given schema: the
// frame the CRD tests repeat around the part each of them is about.
export function namespacedCrd(group: string, names: { plural: string; singular: string; kind: string }, spec: object) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names,
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
  };
}
