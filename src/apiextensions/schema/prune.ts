// Structural pruning (apiextensions-apiserver's pruning.Prune): fields the schema does not specify are dropped,
// except below x-kubernetes-preserve-unknown-fields; apiVersion, kind and metadata of the object and of every
// x-kubernetes-embedded-resource are always kept. Returns the paths it dropped (for fieldValidation's warnings).
import type { JSONSchemaProps } from '../types.js';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const TYPE_META = ['apiVersion', 'kind', 'metadata'];

export function prune(v: unknown, s: JSONSchemaProps | undefined, path = '', root = true): string[] {
  const dropped: string[] = [];
  walk(v, s, path, root, dropped);
  return dropped;
}

function walk(v: unknown, s: JSONSchemaProps | undefined, path: string, keepTypeMeta: boolean, dropped: string[]): void {
  if (Array.isArray(v)) {
    v.forEach((item, i) => walk(item, s?.items, `${path}[${i}]`, !!s?.items?.['x-kubernetes-embedded-resource'], dropped));
    return;
  }
  if (!isObj(v)) return;
  const preserve = !s || s['x-kubernetes-preserve-unknown-fields'] === true;
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    if (keepTypeMeta && TYPE_META.includes(k)) continue;
    const prop = s?.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : undefined;
    const child = prop ?? (isObj(s?.additionalProperties) ? (s!.additionalProperties as JSONSchemaProps) : undefined);
    if (child) {
      walk(v[k], child, prop ? p : `${path}[${k}]`, !!child['x-kubernetes-embedded-resource'], dropped);
      continue;
    }
    if (s?.additionalProperties === true || preserve) continue;
    dropped.push(p);
    delete v[k];
  }
}
