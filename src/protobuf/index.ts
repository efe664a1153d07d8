// Public surface of the Kubernetes protobuf codec: request bodies decoded, answers and watch frames encoded.
export { decodeKubernetesProtobuf, decodeEnvelope, PROTOBUF_MAGIC, type DecodedObject } from './decode.js';
export { encodeKubernetesProtobuf, encodeWatchFrame } from './encode.js';
export { protobufMessageFor, protobufKinds } from './schema.js';

/** True for `application/vnd.kubernetes.protobuf` (with or without parameters). */
export const isKubernetesProtobuf = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/vnd.kubernetes.protobuf';
