// Builds the protobufjs Root from the one wire-schema source (wire-schema.ts, generated from upstream's descriptors)
// on first use, not at import, to keep start-up fast; maps apiVersion/kind to the message that carries it.
import protobuf from 'protobufjs';
import { WIRE_PACKAGES } from './wire-schema.js';
import { GROUP_PACKAGES } from './wire-groups.js';

/** Field options read by to-json.ts / from-json.ts: the Go JSON semantics of each field. */
export const POINTER = '(pointer)';
export const ALWAYS = '(always)';
export const INLINE = '(inline)';
/** The member's JSON name where it is not the proto name (JSONSchemaProps' `$ref`, `x-kubernetes-...`). */
export const JSON_NAME = '(json)';

/** The JSON member a field is written as. */
export const jsonNameOf = (field: protobuf.FieldBase): string => (field.options?.[JSON_NAME] as string | undefined) ?? field.name;

const SCALAR_TYPES = new Set(['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'bytes', 'double', 'float', 'fixed64', 'sfixed64']);

/** `name=number:type[flags]` → a protobufjs field (see wire-schema.ts for the notation). */
function fieldOf(word: string): protobuf.FieldBase {
  const m = /^(\w+(?:\/[$\w-]+)?)=(\d+):(map<(\w+),([\w.]+)>|[\w.]+)([*?!^]*)$/.exec(word);
  if (!m) throw new Error(`protobuf wire schema: malformed field "${word}"`);
  const [, names, id, type, mapKey, mapValue, flags] = m as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
    string,
  ];
  const [name, json] = names.split('/') as [string, string | undefined];
  if (mapKey && mapValue) return new protobuf.MapField(name, Number(id), mapKey, mapValue);
  const options: Record<string, boolean | string> = {};
  if (json) options[JSON_NAME] = json;
  if (flags.includes('?')) options[POINTER] = true;
  if (flags.includes('!')) options[ALWAYS] = true;
  if (flags.includes('^')) options[INLINE] = true;
  const repeated = flags.includes('*');
  // proto2 as upstream: repeated scalars unpacked (Go's decoder takes both; this is what it writes).
  if (repeated && SCALAR_TYPES.has(type) && type !== 'string' && type !== 'bytes') options.packed = false;
  return new protobuf.Field(name, Number(id), type, repeated ? 'repeated' : 'optional', undefined, options);
}

let root: protobuf.Root | undefined;

/** The resolved schema; built once. */
export function schemaRoot(): protobuf.Root {
  if (!root) {
    const r = new protobuf.Root();
    for (const [pkg, messages] of Object.entries(WIRE_PACKAGES)) {
      const ns = r.define(pkg);
      for (const [name, fields] of Object.entries(messages)) {
        const type = new protobuf.Type(name);
        for (const word of fields.split(' ')) if (word) type.add(fieldOf(word));
        ns.add(type);
      }
    }
    r.resolveAll();
    root = r;
  }
  return root;
}

/** DeleteOptions is registered in every group version (kubectl sends it as v1 on core resources). */
const DELETE_OPTIONS = 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const META_PACKAGE = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Kinds of meta/v1 that every group version carries on the wire (as upstream's scheme registers them). */
const META_KINDS = new Set([
  'DeleteOptions',
  'Status',
  'WatchEvent',
  'PartialObjectMetadata',
  'PartialObjectMetadataList',
  'APIResourceList',
]);

/** The wire message for apiVersion+kind, or undefined when the schema does not know it (custom resources: JSON only). */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  if (META_KINDS.has(kind)) return `${META_PACKAGE}.${kind}`;
  // The envelope's names come from the request: own keys only.
  const pkg = Object.hasOwn(GROUP_PACKAGES, apiVersion) ? GROUP_PACKAGES[apiVersion]! : undefined;
  const messages = pkg && Object.hasOwn(WIRE_PACKAGES, pkg) ? WIRE_PACKAGES[pkg]! : undefined;
  // A kind is a message with metadata (the envelope never names a nested type such as DeploymentSpec).
  return messages && Object.hasOwn(messages, kind) && /(^| )metadata=1:/.test(messages[kind]!) ? `${pkg}.${kind}` : undefined;
}

/** Every apiVersion/kind the schema carries (top-level kinds and their lists), e.g. for tests. */
export function protobufKinds(): { apiVersion: string; kind: string; message: string }[] {
  const out: { apiVersion: string; kind: string; message: string }[] = [];
  for (const [apiVersion, pkg] of Object.entries(GROUP_PACKAGES)) {
    for (const kind of Object.keys(WIRE_PACKAGES[pkg] ?? {})) {
      const message = protobufMessageFor(apiVersion, kind);
      if (message && !META_KINDS.has(kind)) out.push({ apiVersion, kind, message });
    }
  }
  out.push({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', message: DELETE_OPTIONS });
  return out;
}
