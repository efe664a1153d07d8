// The OpenAPI v2 document in gnostic's protobuf form (what kube-openapi's ToProtoBinary serves as
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf): the JSON document walked into gnostic's model —
// maps become ordered (name, value) lists, `type` a TypeItem, `items` an ItemsItem, parameters split by `in`,
// `$ref`s JsonReferences, and every `x-` extension a NamedAny whose `yaml` holds the value (JSON is YAML).
import protobuf from 'protobufjs';
import { OPENAPI_V2_PROTO } from './proto-v2-schema.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let documentType: protobuf.Type | undefined;
const docType = () => {
  if (!documentType) {
    const root = new protobuf.Root();
    protobuf.parse(OPENAPI_V2_PROTO, root, { keepCase: true });
    root.resolveAll();
    documentType = root.lookupType('openapi.v2.Document');
  }
  return documentType;
};

const any = (v: unknown) => ({ yaml: `${JSON.stringify(v)}\n` });
const named = <T>(obj: J | undefined, f: (v: any) => T) => Object.entries(obj ?? {}).map(([name, value]) => ({ name, value: f(value) })); // eslint-disable-line @typescript-eslint/no-explicit-any
const extensions = (o: J) =>
  Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: any(value) }));
const defined = (o: J) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function schema(s: J): J {
  return defined({
    _ref: s.$ref,
    format: s.format,
    title: s.title,
    description: s.description,
    default: s.default !== undefined ? any(s.default) : undefined,
    multiple_of: s.multipleOf,
    maximum: s.maximum,
    exclusive_maximum: s.exclusiveMaximum,
    minimum: s.minimum,
    exclusive_minimum: s.exclusiveMinimum,
    max_length: s.maxLength,
    min_length: s.minLength,
    pattern: s.pattern,
    max_items: s.maxItems,
    min_items: s.minItems,
    unique_items: s.uniqueItems,
    max_properties: s.maxProperties,
    min_properties: s.minProperties,
    required: s.required,
    enum: Array.isArray(s.enum) ? s.enum.map(any) : undefined,
    additional_properties:
      s.additionalProperties === undefined
        ? undefined
        : typeof s.additionalProperties === 'boolean'
          ? { boolean: s.additionalProperties }
          : { schema: schema(s.additionalProperties) },
    type: s.type === undefined ? undefined : { value: Array.isArray(s.type) ? s.type : [s.type] },
    items: s.items === undefined ? undefined : { schema: (Array.isArray(s.items) ? s.items : [s.items]).map(schema) },
    all_of: Array.isArray(s.allOf) ? s.allOf.map(schema) : undefined,
    properties: s.properties ? { additional_properties: named(s.properties, schema) } : undefined,
    discriminator: s.discriminator,
    read_only: s.readOnly,
    example: s.example !== undefined ? any(s.example) : undefined,
    vendor_extension: extensions(s),
  });
}

function primitives(p: J): J {
  return defined({
    type: p.type,
    format: p.format,
    items: p.items ? primitives(p.items) : undefined,
    collection_format: p.collectionFormat,
    default: p.default !== undefined ? any(p.default) : undefined,
    unique_items: p.uniqueItems,
    enum: Array.isArray(p.enum) ? p.enum.map(any) : undefined,
    vendor_extension: extensions(p),
  });
}

const SUB_SCHEMA: Record<string, string> = {
  header: 'header_parameter_sub_schema',
  formData: 'form_data_parameter_sub_schema',
  query: 'query_parameter_sub_schema',
  path: 'path_parameter_sub_schema',
};

function parameter(p: J): J {
  if (p.in === 'body')
    return {
      body_parameter: defined({
        description: p.description,
        name: p.name,
        in: p.in,
        required: p.required,
        schema: p.schema ? schema(p.schema) : undefined,
        vendor_extension: extensions(p),
      }),
    };
  const sub = defined({
    required: p.required,
    in: p.in,
    description: p.description,
    name: p.name,
    allow_empty_value: p.in === 'query' || p.in === 'formData' ? p.allowEmptyValue : undefined,
    type: p.type,
    format: p.format,
    items: p.items ? primitives(p.items) : undefined,
    collection_format: p.collectionFormat,
    default: p.default !== undefined ? any(p.default) : undefined,
    unique_items: p.uniqueItems,
    enum: Array.isArray(p.enum) ? p.enum.map(any) : undefined,
    vendor_extension: extensions(p),
  });
  return { non_body_parameter: { [SUB_SCHEMA[p.in] ?? 'query_parameter_sub_schema']: sub } };
}

const parametersItem = (p: J) => (p.$ref ? { json_reference: { _ref: p.$ref } } : { parameter: parameter(p) });

function response(r: J): J {
  return defined({ description: r.description, schema: r.schema ? { schema: schema(r.schema) } : undefined, vendor_extension: extensions(r) });
}

function operation(o: J): J {
  return defined({
    tags: o.tags,
    summary: o.summary,
    description: o.description,
    operation_id: o.operationId,
    produces: o.produces,
    consumes: o.consumes,
    parameters: Array.isArray(o.parameters) ? o.parameters.map(parametersItem) : undefined,
    responses: o.responses
      ? {
          response_code: named(o.responses, (r: J) => (r.$ref ? { json_reference: { _ref: r.$ref } } : { response: response(r) })),
          vendor_extension: [],
        }
      : undefined,
    schemes: o.schemes,
    deprecated: o.deprecated,
    vendor_extension: extensions(o),
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItem(p: J): J {
  return defined({
    _ref: p.$ref,
    ...Object.fromEntries(METHODS.filter((m) => p[m]).map((m) => [m, operation(p[m])])),
    parameters: Array.isArray(p.parameters) ? p.parameters.map(parametersItem) : undefined,
    vendor_extension: extensions(p),
  });
}

const security = (reqs: J[] | undefined) =>
  reqs?.map((r) => ({ additional_properties: named(r, (scopes: string[]) => ({ value: scopes })) }));

function securityDefinition(d: J): J {
  if (d.type === 'basic') return { basic_authentication_security: defined({ type: d.type, description: d.description }) };
  return { api_key_security: defined({ type: d.type, name: d.name, in: d.in, description: d.description }) };
}

/** The gnostic model of an OpenAPI v2 JSON document, as plain fields of the protobuf messages. */
export function gnosticDocument(doc: J): J {
  return defined({
    swagger: doc.swagger,
    info: doc.info ? defined({ title: doc.info.title, version: doc.info.version, description: doc.info.description }) : undefined,
    host: doc.host,
    base_path: doc.basePath,
    schemes: doc.schemes,
    consumes: doc.consumes,
    produces: doc.produces,
    paths: { vendor_extension: [], path: named(doc.paths, pathItem) },
    definitions: { additional_properties: named(doc.definitions, schema) },
    parameters: doc.parameters ? { additional_properties: named(doc.parameters, parameter) } : undefined,
    responses: doc.responses ? { additional_properties: named(doc.responses, response) } : undefined,
    security: security(doc.security),
    security_definitions: doc.securityDefinitions ? { additional_properties: named(doc.securityDefinitions, securityDefinition) } : undefined,
    vendor_extension: extensions(doc),
  });
}

/** The protobuf bytes of an OpenAPI v2 JSON document. */
export function openapiV2Protobuf(json: string): Buffer {
  const type = docType();
  return Buffer.from(type.encode(type.fromObject(gnosticDocument(JSON.parse(json) as J))).finish());
}

/** Decodes the bytes back to the gnostic model (tests). */
export function decodeOpenapiV2Protobuf(bytes: Uint8Array): J {
  const type = docType();
  return type.toObject(type.decode(bytes), { defaults: false, longs: Number, arrays: false }) as J;
}
