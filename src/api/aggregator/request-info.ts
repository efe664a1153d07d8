// What a request to an aggregated API asks, for the authorizer (apiserver's RequestInfoFactory over paths this server
// does not serve itself): `/apis/<group>/<version>` alone is discovery, a non-resource request; below it
// `[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`, the verb from the method (a GET without a name is a list,
// `?watch=true` a watch; a DELETE without a name a deletecollection).
import type { RequestAttributes } from '../../authorization/types.js';

export interface AggregatedPath {
  group: string;
  version: string;
  /** The path segments after /apis/<group>/<version>. */
  rest: string[];
}

/** `/apis/<group>/<version>[/...]`, or undefined for any other path. */
export function parseAggregatedPath(path: string): AggregatedPath | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'apis' || parts.length < 3) return undefined;
  return { group: parts[1]!, version: parts[2]!, rest: parts.slice(3).map((p) => decodeURIComponent(p)) };
}

const WATCH_TRUE = new Set(['1', 'true']);

export function requestAttributes(method: string, path: string, p: AggregatedPath, query: URLSearchParams): RequestAttributes {
  if (!p.rest.length) return { verb: method.toLowerCase(), resourceRequest: false, path };
  let rest = p.rest;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    rest = rest.length > 2 ? rest.slice(2) : ['namespaces', rest[1]!];
  }
  const [resource, name, subresource] = rest;
  let verb: string;
  switch (method.toUpperCase()) {
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = WATCH_TRUE.has(query.get('watch') ?? '') ? 'watch' : name ? 'get' : 'list';
  }
  return {
    verb,
    resourceRequest: true,
    apiGroup: p.group,
    apiVersion: p.version,
    resource: resource!,
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}
