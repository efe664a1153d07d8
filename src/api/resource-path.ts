// Parses /api/v1/... and /apis/<group>/<version>/... into the resource a request addresses.
import type { Registry } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';
import { badRequest } from '../machinery/api/errors.js';

export interface ResourceRequest {
  def: ResourceDef;
  group: string;
  version: string;
  /** Namespace from the path (namespaced resources only; absent for all-namespaces lists). */
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Returns undefined when the path names no served resource (the caller answers 404). */
/**
 * A path segment unescaped as Go's url.PathUnescape does: a `%` not followed by two hex digits is the client's error
 * (400 with Go's EscapeError text); escapes of bytes that are not UTF-8 decode to replacement characters.
 */
function unescapeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(segment);
  if (bad) throw badRequest(`invalid URL escape ${JSON.stringify(segment.slice(bad.index, bad.index + 3))}`);
  const bytes: number[] = [];
  const raw = Buffer.from(segment, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else bytes.push(raw[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

export function parseResourcePath(path: string, registry: Registry): ResourceRequest | undefined {
  const parts = path.split('/').filter(Boolean).map(unescapeSegment);
  let group: string, version: string, rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;

  // namespaces/<ns>/<resource>[/<name>[/<sub>]] addresses a namespaced resource...
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const def = registry.find(group, version, rest[2]);
    if (def && def.namespaced && rest.length <= 5) {
      return { def, group, version, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
    if (group !== '' || rest.length > 3) return undefined;
  }
  // ...otherwise <resource>[/<name>[/<sub>]]: cluster-scoped objects, or a namespaced list across namespaces.
  const def = registry.find(group, version, rest[0]);
  if (!def || rest.length > 3) return undefined;
  if (def.namespaced && rest.length > 1) return undefined;
  return { def, group, version, name: rest[1], subresource: rest[2] };
}
