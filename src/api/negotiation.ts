// Content negotiation on Accept: plain JSON/YAML objects, server-side Tables, or PartialObjectMetadata.
import { notAcceptable } from '../machinery/api/errors.js';

export type ResponseShape =
  { kind: 'object'; format: 'json' | 'yaml' | 'protobuf' } | { kind: 'table' } | { kind: 'partial'; list: boolean };

/** The protobuf media type (its watch streams add `;stream=watch`). */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header
    .split(',')
    .map((part) => {
      const [type, ...ps] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of ps) {
        const i = p.indexOf('=');
        if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((m) => m.type && m.params.q !== '0');
}

const isJsonish = (t: string) => t === 'application/json' || t === '*/*' || t === 'application/*';

/**
 * Picks the first acceptable representation, in the client's order. `protobuf`: whether the resource has a wire
 * schema (built-in kinds); custom resources are JSON only, as upstream, so a protobuf clause is passed over.
 */
export function negotiateObject(header: string | undefined, protobuf = false): ResponseShape {
  for (const m of parseAccept(header)) {
    const as = m.params.as;
    if (as) {
      if (m.params.g !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(m.params.v ?? '')) continue;
      if (as === 'Table') return { kind: 'table' };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')
        return { kind: 'partial', list: as === 'PartialObjectMetadataList' };
      continue;
    }
    if (isJsonish(m.type)) return { kind: 'object', format: 'json' };
    if (m.type === 'application/yaml') return { kind: 'object', format: 'yaml' };
    if (protobuf && m.type === PROTOBUF_MEDIA_TYPE) return { kind: 'object', format: 'protobuf' };
  }
  // Protobuf-only clients of a JSON-only resource are told no; everyone else (json in the list) got JSON above.
  throw notAcceptable();
}

/** Upstream's 406 when no Accept clause can be served: the media types the server encodes. */
export const notAcceptableMediaTypes = () =>
  notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');

/**
 * A write is negotiated before it runs, as upstream's create/update handlers do. A backend without a TableConvertor
 * (the reviews, pods/binding, pods/eviction, serviceaccounts/token) passes over a Table clause; an Accept with nothing
 * else is 406. Other clauses keep the JSON answer (protobuf-only clients of writes get JSON as before).
 */
export function checkTablelessWriteAcceptable(header: string | undefined): void {
  if (!header) return;
  const ranges = parseAccept(header);
  if (ranges.length && ranges.every((m) => m.params.as === 'Table')) throw notAcceptableMediaTypes();
}

/** PartialObjectMetadata for a list, or a PartialObjectMetadataList for one object, is 406 as upstream. */
export function checkPartialFits(shape: ResponseShape, isList: boolean): void {
  if (shape.kind !== 'partial' || shape.list === isList) return;
  throw notAcceptable(
    isList
      ? 'you requested PartialObjectMetadata, but the requested object is a list'
      : 'you requested PartialObjectMetadataList, but the requested object is not a list',
  );
}

/** For aggregated discovery: the apidiscovery version asked for, if any (v2 or v2beta1). */
export function aggregatedDiscoveryVersion(header: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const m of parseAccept(header)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io') {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return m.params.v;
      continue;
    }
    if (isJsonish(m.type) && !m.params.as) return undefined;
  }
  return undefined;
}
