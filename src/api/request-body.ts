// Decodes request bodies: JSON, YAML, or Kubernetes protobuf (kubectl 1.32+ imperative commands), each within the
// decoders' bounds (machinery/decode/limits.ts): too deep is a 400, a YAML or embedded value that expands past the
// body limit a 413, like the body itself.
import type { Request } from 'express';
import { badRequest, tooLarge, unsupportedMediaType } from './errors.js';
import { DecodeLimitError, checkDecodedValue } from '../machinery/decode/limits.js';
import { YamlDecodeError, decodeYaml } from '../machinery/decode/yaml.js';
import { GoJSONSyntaxError, parseJSONLikeGo } from '../machinery/patch/go-json.js';

export type BodyFormat = 'json' | 'yaml' | 'protobuf';
export interface DecodedBody { value: unknown; raw: string; format: BodyFormat }

export const mediaType = (req: Request) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

export function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export async function decodeBody(req: Request): Promise<DecodedBody> {
  const buf = rawBody(req);
  const type = mediaType(req);
  if (type === 'application/vnd.kubernetes.protobuf') {
    // protobufjs and the wire schema load on the first protobuf body, not at start-up.
    const { decodeKubernetesProtobuf } = await import('../protobuf/decode.js');
    const { object } = decodeKubernetesProtobuf(buf);
    // Embedded JSON (RawExtension, FieldsV1, a JSON runtime.Unknown) is free to nest: bound it as a JSON body is.
    try { checkDecodedValue(object); } catch (e) { throw limitError(e, (m) => `the body of the request could not be decoded: ${m}`); }
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

/** A decoder's refusal as a Status: 413 when the decoded value is too large, else 400 with `message(detail)`. */
function limitError(e: unknown, message: (detail: string) => string): unknown {
  if (e instanceof DecodeLimitError && e.tooLarge) return tooLarge();
  if (e instanceof DecodeLimitError || e instanceof YamlDecodeError || e instanceof GoJSONSyntaxError) return badRequest(message(e.message));
  return e;
}

/** A JSON body, with encoding/json's messages (nesting past the bound included). */
export function parseJson(text: string): unknown {
  if (!text.trim()) throw badRequest("Object 'Kind' is missing in ''");
  try {
    return parseJSONLikeGo(text);
  } catch (e) {
    throw limitError(e, (m) => `couldn't get version/kind; json parse error: ${m}`);
  }
}

/** A YAML body (duplicate keys: last wins; field validation reports them), aliases and nesting bounded. */
export function parseYaml(text: string): unknown {
  try {
    return decodeYaml(text);
  } catch (e) {
    throw limitError(e, (m) => `error converting YAML to JSON: ${m}`);
  }
}
