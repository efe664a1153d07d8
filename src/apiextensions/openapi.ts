// The OpenAPI definitions of a served CRD's kinds (apiextensions-apiserver's builder): each version's schema with
// apiVersion, kind and metadata (ObjectMeta) added, and its List, named as upstream names them
// (stable.example.com/v1 CronTab → com.example.stable.v1.CronTab). They go where every consumer reads definitions:
// the served v2/v3 documents (kubectl explain), fieldValidation, and server-side apply's schema (list-type, map-keys).
import { addDefinitions, customResourceDefinitionNames, removeDefinitions, type Definitions, type Schema } from '../openapi/definitions.js';
import { setDefinitionSchema } from '../machinery/apply/default-schema.js';
import { setDefinitionName } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';
import type { Crd } from './types.js';
import { servedNames, servedVersions } from './custom-resource.js';
import { bareInV2, toOpenApiV2 } from './openapi-v2.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** com.example.stable for stable.example.com. */
export const reversedGroup = (group: string) => group.split('.').reverse().join('.');

/** The version's schema with apiVersion, kind and metadata as the builder adds them. */
function withTypeAndObjectMeta(schema: Schema): Schema {
  schema.properties = {
    apiVersion: { type: 'string', description: API_VERSION_DOC },
    kind: { type: 'string', description: KIND_DOC },
    metadata: {
      $ref: `#/definitions/${META}.ObjectMeta`,
      description:
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    },
    ...Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k))),
  };
  return schema;
}

/**
 * The kinds' definitions in /openapi/v2's form: a bare `type: object` when the schema keeps unknown fields at its
 * root (kubectl would refuse anything beyond apiVersion, kind and metadata otherwise), else the v2 form of the schema.
 */
export function crdDefinitionsV2(crd: Crd): Definitions {
  const names = servedNames(crd);
  const out: Definitions = {};
  for (const v of servedVersions(crd)) {
    const root = v.schema?.openAPIV3Schema as Schema | undefined;
    const schema: Schema = bareInV2(root) ? { type: 'object' } : withTypeAndObjectMeta(toOpenApiV2(root!));
    schema['x-kubernetes-group-version-kind'] = [{ group: crd.spec.group, version: v.name, kind: names.kind }];
    out[`${reversedGroup(crd.spec.group)}.${v.name}.${names.kind}`] = schema;
  }
  return out;
}

/** The definitions (kind and list per served version) of one CRD. */
export function crdDefinitions(crd: Crd): Definitions {
  const names = servedNames(crd);
  const group = crd.spec.group;
  const out: Definitions = {};
  for (const v of servedVersions(crd)) {
    const base = `${reversedGroup(group)}.${v.name}`;
    const schema = withTypeAndObjectMeta(
      structuredClone(v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Schema,
    );
    schema['x-kubernetes-group-version-kind'] = [{ group, version: v.name, kind: names.kind }];
    out[`${base}.${names.kind}`] = schema;
    out[`${base}.${names.listKind ?? `${names.kind}List`}`] = {
      description: `${names.listKind ?? `${names.kind}List`} is a list of ${names.kind}`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { type: 'string', description: API_VERSION_DOC },
        items: {
          type: 'array',
          description: `List of ${names.plural.toLowerCase()}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
          items: { $ref: `#/definitions/${base}.${names.kind}` },
        },
        kind: { type: 'string', description: KIND_DOC },
        metadata: { $ref: `#/definitions/${META}.ListMeta`, description: 'Standard list metadata' },
      },
      'x-kubernetes-group-version-kind': [{ group, version: v.name, kind: names.listKind ?? `${names.kind}List` }],
    };
  }
  return out;
}

/** Publishes a CRD's definitions (replacing what it had before); returns their names, for unpublish. */
export function publishDefinitions(crd: Crd, defs: ResourceDef[]): string[] {
  const d = crdDefinitions(crd);
  addDefinitions(d, crdDefinitionsV2(crd));
  for (const [name, schema] of Object.entries(d)) {
    customResourceDefinitionNames.add(name);
    setDefinitionSchema(name, schema as never);
  }
  for (const r of defs) setDefinitionName(r.group, r.version, r.kind, `${reversedGroup(r.group)}.${r.version}.${r.kind}`);
  return Object.keys(d);
}

export function unpublishDefinitions(names: string[], defs: ResourceDef[]): void {
  removeDefinitions(names);
  for (const n of names) setDefinitionSchema(n, undefined);
  for (const r of defs) setDefinitionName(r.group, r.version, r.kind, undefined);
}
