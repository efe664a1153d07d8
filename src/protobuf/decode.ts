// Decodes `application/vnd.kubernetes.protobuf` request bodies (kubectl 1.32+ typed clients send them for
// create, auth can-i, create token, drain...) into the JSON form the rest of the server works with.
//
// Body layout: the 4 magic bytes `k8s\0`, then a runtime.Unknown message whose typeMeta names the
// apiVersion/kind and whose `raw` holds the object in generated.proto encoding.
import type protobuf from 'protobufjs';
import { StatusError, badRequest } from '../machinery/api/errors.js';
import { protobufMessageFor, schemaRoot } from './schema.js';
import { messageToJson } from './to-json.js';

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentType: string;
  contentEncoding: string;
}

function decodeType(name: string, bytes: Uint8Array, what: string): Record<string, unknown> {
  const type = schemaRoot().lookupType(name);
  try {
    return type.decode(bytes) as unknown as Record<string, unknown>;
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as ${what}: ${(e as Error).message}`);
  }
}

/** Splits the k8s envelope; 400 when the magic or the runtime.Unknown message is malformed. */
export function decodeEnvelope(body: Buffer): Envelope {
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw badRequest('the body of the request is not a Kubernetes protobuf message: the "k8s\\x00" prefix is missing');
  }
  const u = decodeType('k8s.io.apimachinery.pkg.runtime.Unknown', body.subarray(PROTOBUF_MAGIC.length), 'runtime.Unknown');
  const tm = (u.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  return {
    apiVersion: tm.apiVersion ?? '',
    kind: tm.kind ?? '',
    raw: Buffer.from((u.raw as Uint8Array | undefined) ?? []),
    contentType: (u.contentType as string | undefined) ?? '',
    contentEncoding: (u.contentEncoding as string | undefined) ?? '',
  };
}

/**
 * Decodes a Kubernetes protobuf body into { apiVersion, kind, object } where `object` is the JSON form
 * (with apiVersion and kind set). Throws StatusError 400 for malformed bytes, 415 for kinds the wire
 * schema does not cover.
 */
export function decodeKubernetesProtobuf(body: Buffer): DecodedObject {
  const env = decodeEnvelope(body);
  if (!env.kind || !env.apiVersion) throw badRequest('the protobuf envelope does not name an apiVersion and kind');
  if (env.contentEncoding) {
    throw new StatusError(415, 'UnsupportedMediaType', `protobuf content encoding "${env.contentEncoding}" is not supported`);
  }
  let object: Record<string, unknown>;
  if (env.contentType && env.contentType.startsWith('application/json')) {
    // runtime.Unknown may carry JSON; accept it as is.
    try {
      object = JSON.parse(env.raw.toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      throw badRequest(`the embedded JSON object could not be parsed: ${(e as Error).message}`);
    }
  } else {
    const message = protobufMessageFor(env.apiVersion, env.kind);
    if (!message) {
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        `the server cannot decode ${env.kind} (${env.apiVersion}) sent as application/vnd.kubernetes.protobuf; send it as application/json`,
      );
    }
    const decoded = decodeType(message, env.raw, `${env.apiVersion} ${env.kind}`);
    const type: protobuf.Type = schemaRoot().lookupType(message);
    object = messageToJson(type, decoded) as Record<string, unknown>;
  }
  // Kubernetes' JSON puts kind and apiVersion first.
  return { apiVersion: env.apiVersion, kind: env.kind, object: { kind: env.kind, apiVersion: env.apiVersion, ...object } };
}
