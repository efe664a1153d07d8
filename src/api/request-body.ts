// Decodes request bodies: JSON, YAML, or Kubernetes protobuf (kubectl 1.32+ imperative commands), each within the
// decoders' bounds (machinery/decode/limits.ts): too deep is a 400, a YAML or embedded value that expands past the
// body limit a 413, like the body itself.
import type { Request } from 'express';
import { unsupportedMediaType } from '../machinery/api/errors.js';
import { checkDecodedValue } from '../machinery/decode/limits.js';
import { limitError, parseJson, parseYaml } from '../machinery/decode/text.js';

export { parseJson, parseYaml } from '../machinery/decode/text.js';

export type BodyFormat = 'json' | 'yaml' | 'protobuf';
export interface DecodedBody {
  value: unknown;
  raw: string;
  format: BodyFormat;
}

export const mediaType = (req: Request) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

export function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export async function decodeBody(req: Request): Promise<DecodedBody> {
  const decoded = await decode(req);
  // The audit log's requestObject (audit/audit.ts), whatever the body's encoding.
  if (req.res?.locals.auditCapture) req.res.locals.auditRequestObject = decoded.value;
  return decoded;
}

async function decode(req: Request): Promise<DecodedBody> {
  const buf = rawBody(req);
  const type = mediaType(req);
  if (type === 'application/vnd.kubernetes.protobuf') {
    // protobufjs and the wire schema load on the first protobuf body, not at start-up.
    const { decodeKubernetesProtobuf } = await import('../protobuf/decode.js');
    const { object } = decodeKubernetesProtobuf(buf);
    // Embedded JSON (RawExtension, FieldsV1, a JSON runtime.Unknown) is free to nest: bound it as a JSON body is.
    try {
      checkDecodedValue(object);
    } catch (e) {
      throw limitError(e, (m) => `the body of the request could not be decoded: ${m}`);
    }
    return { value: object, raw: '', format: 'protobuf' };
  }
  const text = buf.toString('utf8');
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    return { value: parseYaml(text), raw: text, format: 'yaml' };
  }
  if (type === 'application/json' || type === '' || type === 'application/merge-patch+json') {
    return { value: parseJson(text), raw: text, format: 'json' };
  }
  throw unsupportedMediaType(type);
}
