// Converts a Kubernetes JSON object into the plain message protobufjs encodes: the inverse of to-json.ts, with the
// apimachinery special types (Time, IntOrString, Quantity, RawExtension, FieldsV1) in their wire shapes. Members the
// wire schema does not know are dropped (a Go server never has them either); null is absent.
import type protobuf from 'protobufjs';
import { setOwn } from '../machinery/own-keys.js';
import { durationFromJson } from './duration.js';
import { INLINE, jsonNameOf } from './schema.js';

type Msg = Record<string, unknown>;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const EXTRA_VALUE = /^\.k8s\.io\.api\.\w+\.v1\.ExtraValue$/;

/** RFC 3339 → Timestamp parts; nanos kept for MicroTime. Unparseable → undefined (left out). */
function timeToWire(v: unknown): Msg | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return undefined;
  const frac = /\.(\d+)/.exec(v)?.[1] ?? '';
  return { seconds: Math.floor(ms / 1000), nanos: Number(frac.padEnd(9, '0').slice(0, 9)) };
}

const rawJson = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

const APIEXT = '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';

/** A nested JSONSchemaProps of an apiextensions union. */
const schemaOf = (type: protobuf.Type, v: unknown) => jsonToMessage(type.fields.schema!.resolvedType as protobuf.Type, v);

function specialToWire(type: protobuf.Type, v: unknown): { value: unknown } | undefined {
  switch (type.fullName) {
    // apiextensions' JSON and its "schema or ..." unions are one JSON value (their UnmarshalJSON).
    case `${APIEXT}.JSON`:
      return { value: { raw: rawJson(v) } };
    case `${APIEXT}.JSONSchemaPropsOrBool`:
      return { value: typeof v === 'boolean' ? { allows: v } : { allows: true, schema: schemaOf(type, v) } };
    case `${APIEXT}.JSONSchemaPropsOrArray`:
      return { value: Array.isArray(v) ? { jSONSchemas: v.map((e) => schemaOf(type, e)) } : { schema: schemaOf(type, v) } };
    case `${APIEXT}.JSONSchemaPropsOrStringArray`:
      return { value: Array.isArray(v) ? { property: v.map(String) } : { schema: schemaOf(type, v) } };
    case `${META}.Time`:
    case `${META}.MicroTime`:
      return { value: timeToWire(v) };
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { value: typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) } };
    case `${META}.Duration`: {
      const ns = typeof v === 'string' ? durationFromJson(v) : undefined;
      return { value: ns === undefined ? undefined : { duration: ns } };
    }
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { value: { string: String(v) } };
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { value: { raw: rawJson(v) } };
    case `${META}.FieldsV1`:
      return { value: { Raw: rawJson(v) } };
    default:
      return EXTRA_VALUE.test(type.fullName) && Array.isArray(v) ? { value: { items: v.map(String) } } : undefined;
  }
}

function scalarToWire(fieldType: string, v: unknown): unknown {
  switch (fieldType) {
    case 'bytes':
      return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
    case 'string':
      return typeof v === 'string' ? v : v === undefined ? undefined : String(v);
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    default:
      // Numbers (int32, int64...): JSON numbers, or numeric strings some clients send for int64.
      return typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
  }
}

function valueToWire(field: protobuf.FieldBase, v: unknown): unknown {
  const rt = field.resolvedType;
  if (rt && 'fieldsArray' in rt) return jsonToMessage(rt as protobuf.Type, v);
  return scalarToWire(field.type, v);
}

/** One JSON value of `type` → its wire message (undefined when there is nothing to write). */
export function jsonToMessage(type: protobuf.Type, json: unknown): Msg | undefined {
  if (json === null || json === undefined) return undefined;
  const special = specialToWire(type, json);
  if (special) return special.value as Msg | undefined;
  if (typeof json !== 'object' || Array.isArray(json)) return undefined;
  const obj = json as Msg;
  const out: Msg = {};
  for (const field of type.fieldsArray) {
    const name = jsonNameOf(field);
    if (field.options?.[INLINE] === true) {
      // An embedded struct: its members are this object's own (Volume's volumeSource, a Probe's handler).
      const inner = jsonToMessage(field.resolvedType as protobuf.Type, obj);
      if (inner && Object.keys(inner).length) out[field.name] = inner;
      continue;
    }
    if (!Object.hasOwn(obj, name)) continue;
    const v = obj[name];
    if (v === null || v === undefined) continue;
    if (field.map) {
      if (typeof v !== 'object' || Array.isArray(v)) continue;
      const entries: Msg = {};
      for (const [k, ev] of Object.entries(v as Msg)) {
        const wire = valueToWire(field, ev);
        // Map keys are data: a label named `__proto__` is an ordinary entry.
        if (wire !== undefined) setOwn(entries, k, wire);
      }
      out[field.name] = entries;
    } else if (field.repeated) {
      if (!Array.isArray(v)) continue;
      out[field.name] = v.map((e) => valueToWire(field, e)).filter((e) => e !== undefined);
    } else {
      const wire = valueToWire(field, v);
      if (wire !== undefined) out[field.name] = wire;
    }
  }
  return out;
}
