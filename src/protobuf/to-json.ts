// Converts a decoded protobufjs message into the Kubernetes JSON form, following the presence rules of
// wire-schema.ts (Go pointer, value with or without omitempty, inline) and the JSON encodings of the apimachinery
// special types.
import type protobuf from 'protobufjs';
import { setOwn } from '../machinery/own-keys.js';
import { durationToJson } from './duration.js';
import { ALWAYS, INLINE, POINTER, jsonNameOf } from './schema.js';

type Json = unknown;
type Msg = Record<string, unknown>;

const TIME = '.k8s.io.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime';
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
const DURATION = '.k8s.io.apimachinery.pkg.apis.meta.v1.Duration';
const RAW_EXTENSION = '.k8s.io.apimachinery.pkg.runtime.RawExtension';
const FIELDS_V1 = '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1';
/** user.Info's extra values: a Go []string, so a JSON array (the message only wraps it for the map). */
const EXTRA_VALUES = new Set(['authentication', 'authorization', 'certificates'].map((g) => `.k8s.io.api.${g}.v1.ExtraValue`));

const has = (m: Msg, k: string) => Object.prototype.hasOwnProperty.call(m, k);

/** int64 arrives as a Long object; Kubernetes values fit in a JS number. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean };
    return (l.unsigned ? l.high >>> 0 : l.high) * 4294967296 + (l.low >>> 0);
  }
  return Number(v);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** metav1.Time: RFC3339 in UTC with whole seconds; the zero time is null (as Go marshals it). */
function timeToJson(m: Msg, micro: boolean): string | null {
  const seconds = toNumber(m.seconds ?? 0);
  const nanos = toNumber(m.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return null;
  const d = new Date(seconds * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function rawJson(bytes: unknown): Json {
  const buf = Buffer.from(bytes as Uint8Array);
  if (buf.length === 0) return null;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return buf.toString('base64');
  }
}

const APIEXT = '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';

/** A nested message of `type` as JSON (the apiextensions unions below hold JSONSchemaProps). */
const sub = (type: protobuf.Type, field: string, v: unknown): Json =>
  messageToJson(type.fields[field]!.resolvedType as protobuf.Type, v as Msg);

/** Special messages with their own JSON form; undefined when `type` is an ordinary message. */
function specialToJson(type: protobuf.Type, m: Msg): { value: Json } | undefined {
  switch (type.fullName) {
    // apiextensions' JSON and its "schema or ..." unions marshal as one JSON value (their MarshalJSON).
    case `${APIEXT}.JSON`:
      return { value: rawJson(m.raw ?? []) };
    case `${APIEXT}.JSONSchemaPropsOrBool`:
      return { value: m.schema ? sub(type, 'schema', m.schema) : m.allows === true };
    case `${APIEXT}.JSONSchemaPropsOrArray`: {
      const list = (m.jSONSchemas as unknown[] | undefined) ?? [];
      return { value: list.length ? list.map((e) => sub(type, 'jSONSchemas', e)) : m.schema ? sub(type, 'schema', m.schema) : null };
    }
    case `${APIEXT}.JSONSchemaPropsOrStringArray`: {
      const list = (m.property as string[] | undefined) ?? [];
      return { value: list.length ? [...list] : m.schema ? sub(type, 'schema', m.schema) : null };
    }
    case TIME:
      return { value: timeToJson(m, false) };
    case MICRO_TIME:
      return { value: timeToJson(m, true) };
    case INT_OR_STRING:
      return { value: toNumber(m.type ?? 0) === 1 ? (m.strVal ?? '') : toNumber(m.intVal ?? 0) };
    case DURATION:
      return { value: durationToJson(toNumber(m.duration ?? 0)) };
    case QUANTITY:
      return { value: (m.string as string | undefined) ?? '' };
    case RAW_EXTENSION:
      return { value: rawJson(m.raw ?? []) };
    case FIELDS_V1:
      return { value: rawJson(m.Raw ?? []) };
    default:
      return EXTRA_VALUES.has(type.fullName) ? { value: [...((m.items as string[] | undefined) ?? [])] } : undefined;
  }
}

function scalarToJson(field: protobuf.Field, v: unknown): Json {
  switch (field.type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return toNumber(v);
    case 'bytes':
      return Buffer.from(v as Uint8Array).toString('base64');
    default:
      return v;
  }
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && 'low' in (v as object)) return toNumber(v) === 0;
  return false;
}

function zeroOf(field: protobuf.Field): Json {
  switch (field.type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return '';
    default:
      return 0;
  }
}

function valueToJson(field: protobuf.Field, v: unknown): Json {
  const rt = field.resolvedType;
  if (rt && 'fieldsArray' in rt) return messageToJson(rt as protobuf.Type, v as Msg);
  return scalarToJson(field, v);
}

/** One decoded message → JSON object (or the special form for Time, IntOrString, Quantity...). */
export function messageToJson(type: protobuf.Type, m: Msg): Json {
  const special = specialToJson(type, m);
  if (special) return special.value;
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    const name = jsonNameOf(field);
    const opts = field.options ?? {};
    const always = opts[ALWAYS] === true;
    const v = m[field.name];
    if (field.map) {
      const entries = Object.entries((v ?? {}) as Record<string, unknown>);
      if (entries.length === 0) continue;
      const obj: Record<string, Json> = {};
      // Map keys are data: a label or ConfigMap key named `__proto__` stays an ordinary member.
      for (const [k, ev] of entries) setOwn(obj, k, valueToJson(field, ev));
      out[name] = obj;
      continue;
    }
    if (field.repeated) {
      const arr = (v ?? []) as unknown[];
      if (arr.length === 0) continue;
      out[name] = arr.map((e) => valueToJson(field, e));
      continue;
    }
    const isMessage = !!field.resolvedType && 'fieldsArray' in field.resolvedType;
    const present = has(m, field.name) && v !== null && v !== undefined;
    if (isMessage) {
      if (!present) {
        if (always) out[name] = null;
        continue;
      }
      const j = valueToJson(field, v);
      if (opts[INLINE] === true && j && typeof j === 'object') Object.assign(out, j);
      else out[name] = j;
      continue;
    }
    if (opts[POINTER] === true) {
      if (present) out[name] = scalarToJson(field, v);
      continue;
    }
    if (present && !isZero(v)) out[name] = scalarToJson(field, v);
    else if (always) out[name] = present ? scalarToJson(field, v) : zeroOf(field);
  }
  return out;
}
