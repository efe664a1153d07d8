// Encodes responses as `application/vnd.kubernetes.protobuf`, as kube-apiserver's protobuf serializer does: the
// magic `k8s\0`, then a runtime.Unknown naming apiVersion/kind around the object's generated.proto bytes. Watch
// streams (`;stream=watch`) are frames of a 4-byte big-endian length and a metav1.WatchEvent without the envelope
// (the raw serializer), whose object is the enveloped object.
import { protobufMessageFor, schemaRoot } from './schema.js';
import { jsonToMessage } from './from-json.js';
import { PROTOBUF_MAGIC } from './decode.js';

type Obj = { apiVersion?: unknown; kind?: unknown };

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';
const WATCH_EVENT = 'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent';

/** The object's generated.proto bytes, or undefined when the wire schema has no message for its kind. */
function encodeRaw(obj: Obj): Uint8Array | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const message = protobufMessageFor(obj.apiVersion, obj.kind);
  if (!message) return undefined;
  const type = schemaRoot().lookupType(message);
  return type.encode(jsonToMessage(type, obj) ?? {}).finish();
}

/** The whole body for one object (or list, or Status); undefined when its kind cannot be protobuf. */
export function encodeKubernetesProtobuf(value: object): Buffer | undefined {
  const obj = value as Obj;
  const raw = encodeRaw(obj);
  if (!raw) return undefined;
  const envelope = schemaRoot()
    .lookupType(UNKNOWN)
    .encode({ typeMeta: { apiVersion: obj.apiVersion, kind: obj.kind }, raw, contentEncoding: '', contentType: '' })
    .finish();
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

/**
 * The latest frame, shared by every watch that receives the same event (the store hands one event to all watches
 * before the next), as watch-encoding.ts shares JSON lines: an object is its kind, uid and resourceVersion.
 */
let latest: { key: string; frame: Buffer } | undefined;

/** One watch frame; undefined when the object's kind cannot be protobuf. */
export function encodeWatchFrame(type: string, value: object): Buffer | undefined {
  const obj = value as Obj;
  const m = (value as { metadata?: { uid?: string; resourceVersion?: string } }).metadata;
  const key =
    m?.uid && m.resourceVersion ? `${type} ${String(obj.apiVersion)} ${String(obj.kind)} ${m.uid} ${m.resourceVersion}` : undefined;
  if (key !== undefined && latest?.key === key) return latest.frame;
  const object = encodeKubernetesProtobuf(obj);
  if (!object) return undefined;
  const event = schemaRoot()
    .lookupType(WATCH_EVENT)
    .encode({ type, object: { raw: object } })
    .finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(event.length);
  const frame = Buffer.concat([length, event]);
  if (key !== undefined) latest = { key, frame };
  return frame;
}
