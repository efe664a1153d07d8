// Request bodies of every content type the server decodes, mostly malformed: JSON (syntax errors, deep nesting,
// duplicate keys), YAML (anchors, aliases, alias bombs, self-references, merge keys, tags, documents), and
// Kubernetes protobuf (bad magic, random bytes, truncated envelopes, JSON carried inside runtime.Unknown).
import yaml from 'js-yaml';
import { schemaRoot } from '../../../src/protobuf/schema.js';
import type { Prng } from './prng.js';
import { toJson, type Value } from './values.js';

export interface Body {
  contentType: string;
  data: Buffer;
}

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Broken JSON text around a value. */
export function brokenJson(r: Prng, v: Value): string {
  const text = toJson(v);
  return r.pick([
    () => text.slice(0, Math.max(1, r.int(text.length))),
    () => `${text}}`,
    () => `${text} trailing`,
    () => `\ufeff${text}`,
    () => text.replace(/:/, ''),
    () => '{"a":NaN}',
    () => '{/* comment */}',
    () => "{'single':1}",
    () => '',
    () => '   ',
    () => '{"a":"\u0001"}',
  ])();
}

/** A YAML document that leans on anchors and aliases: small and valid, a bomb, or a self-reference. */
export function aliasYaml(r: Prng, base: Value): string {
  const levels = r.range(2, 12);
  const width = r.range(2, 10);
  return r.weighted<() => string>([
    [
      3,
      () => {
        // A "billion laughs": each level lists the previous one `width` times.
        const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(',')}]`];
        for (let i = 1; i <= levels; i++)
          lines.push(
            `l${i}: &l${i} [${Array(width)
              .fill(`*l${i - 1}`)
              .join(',')}]`,
          );
        return `${lines.join('\n')}\nmetadata: {name: bomb, labels: *l${levels}}\ndata: *l${levels}\n`;
      },
    ],
    [2, () => `${toJson(base).replace(/^\{/, '{"x-anchor": &a {"k": "v"}, "y": *a, ')}`],
    [1, () => 'a: &a [*a]\n'],
    [1, () => 'a: &a\n  b: *a\n'],
    [1, () => 'base: &b {name: x}\nmetadata:\n  <<: *b\n  <<: [*b, *b]\n'],
    [1, () => 'metadata: *undefined\n'],
    [1, () => '--- {}\n--- {}\n'],
    [1, () => `data: !!binary ${Buffer.from('x').toString('base64')}\n`],
    [1, () => 'data: !!js/function "function(){}"\n'],
    [1, () => 'data: !!python/object:os.system [ls]\n'],
    [1, () => 'metadata:\n\tname: tab\n'],
    [1, () => `${'- '.repeat(r.range(100, 5000))}x\n`],
    [1, () => `${'['.repeat(r.range(100, 20_000))}${']'.repeat(r.range(0, 20_000))}`],
    [1, () => `a: &${'x'.repeat(r.range(1, 2000))} 1\nb: *${'x'.repeat(r.range(1, 2000))}\n`],
  ])();
}

/** YAML for a value: its JSON (YAML is a superset), js-yaml's block style when it can write it, or an alias document. */
export function yamlBody(r: Prng, v: Value): string {
  return r.weighted<() => string>([
    [3, () => toJson(v)],
    [
      2,
      () => {
        // Block style near the top, flow style below (block indentation grows with depth), no folding.
        const text = toJson(v);
        if (text.length > 64 * 1024) return text;
        try {
          return yaml.dump(JSON.parse(text), { lineWidth: -1, flowLevel: 4 });
        } catch {
          return text;
        }
      },
    ],
    [3, () => aliasYaml(r, v)],
  ])();
}

const unknownType = () => schemaRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

/** A Kubernetes protobuf body: the magic, a runtime.Unknown naming apiVersion/kind, and raw bytes of some kind. */
export function protobufBody(r: Prng, apiVersion: string, kind: string, v: Value): Buffer {
  const envelope = (raw: Buffer, contentType = '', typeMeta = { apiVersion, kind }) =>
    Buffer.concat([MAGIC, Buffer.from(unknownType().encode({ typeMeta, raw, contentType }).finish())]);
  return r.weighted<() => Buffer>([
    [2, () => r.bytes(r.range(1, 64))],
    [2, () => Buffer.concat([MAGIC, r.bytes(r.range(0, 256))])],
    [3, () => envelope(r.bytes(r.range(0, 256)))],
    [3, () => envelope(Buffer.from(toJson(v)), 'application/json')],
    [1, () => envelope(Buffer.from('{"kind":'), 'application/json')],
    [1, () => envelope(Buffer.alloc(0), '', { apiVersion: '', kind: '' })],
    [1, () => envelope(r.bytes(16), '', { apiVersion: 'example.com/v1', kind: 'Widget' })],
    [
      1,
      () => {
        const b = envelope(Buffer.from(toJson(v)), 'application/json');
        return b.subarray(0, r.int(b.length));
      },
    ],
    [
      1,
      () => {
        const b = envelope(r.bytes(32));
        b[r.range(4, b.length - 1)] = 0xff;
        return b;
      },
    ],
  ])();
}

/** A body of a random content type for a value. */
export function anyBody(r: Prng, apiVersion: string, kind: string, v: Value): Body {
  return r.weighted<() => Body>([
    [5, () => ({ contentType: JSON_TYPE, data: Buffer.from(toJson(v)) })],
    [2, () => ({ contentType: JSON_TYPE, data: Buffer.from(brokenJson(r, v)) })],
    [3, () => ({ contentType: r.pick([YAML_TYPE, 'application/x-yaml', 'text/yaml']), data: Buffer.from(yamlBody(r, v)) })],
    [2, () => ({ contentType: PROTOBUF_TYPE, data: protobufBody(r, apiVersion, kind, v) })],
    [
      1,
      () => ({
        contentType: r.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '']),
        data: Buffer.from(toJson(v)),
      }),
    ],
  ])();
}
