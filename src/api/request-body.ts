// Decodes request bodies: JSON, YAML, or Kubernetes protobuf (kubectl 1.32+ imperative commands).
import yaml from 'js-yaml';
import type { Request } from 'express';
import { badRequest, unsupportedMediaType } from './errors.js';

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

export function parseJson(text: string): unknown {
  if (!text.trim()) throw badRequest("Object 'Kind' is missing in ''");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function parseYaml(text: string): unknown {
  try {
    // json: true lets duplicate keys through (last wins); duplicates are reported by field validation.
    return yaml.load(text, { json: true });
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: yaml: ${(e as Error).message.split('\n')[0]}`);
  }
}
