// The paths of the proxy subresources (the apiserver's ProxyREST for pods, services and nodes):
// /api/v1/namespaces/NS/pods/ID/proxy[/PATH], /api/v1/namespaces/NS/services/ID/proxy[/PATH], /api/v1/nodes/ID/proxy[/PATH],
// where ID is `name`, `name:port` or `scheme:name:port` (utilnet.SplitSchemeNamePort). PATH stays escaped as the
// client sent it: it is the backend's path.
import { badRequest } from '../../machinery/api/errors.js';

export type ProxyResource = 'pods' | 'services' | 'nodes';

export interface ProxyRequestPath {
  resource: ProxyResource;
  namespace?: string;
  /** The ID segment as authorization sees the name (`web:8080`). */
  id: string;
  /** What follows /proxy ('' when nothing does, else starting with '/'), still escaped. */
  path: string;
}

const PATTERN = /^\/api\/v1\/(?:namespaces\/([^/]+)\/(pods|services)|(nodes))\/([^/]+)\/proxy(\/.*)?$/;

export function parseProxyPath(rawPath: string): ProxyRequestPath | undefined {
  const m = PATTERN.exec(rawPath);
  if (!m) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw badRequest(`invalid URL escape in ${JSON.stringify(s)}`);
    }
  };
  return {
    resource: (m[2] ?? m[3]) as ProxyResource,
    namespace: m[1] === undefined ? undefined : dec(m[1]),
    id: dec(m[4]!),
    path: m[5] ?? '',
  };
}

export interface SchemeNamePort {
  scheme: '' | 'http' | 'https';
  name: string;
  port: string;
}

/** utilnet.SplitSchemeNamePort: `name`, `name:port` or `scheme:name:port` (scheme http or https); undefined when invalid. */
export function splitSchemeNamePort(id: string): SchemeNamePort | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme: scheme as SchemeNamePort['scheme'], name, port };
}

/** The verb a proxy request is authorized with: the apiserver's RequestInfo maps the method, others lower-cased. */
export function proxyVerb(method: string): string {
  const verbs: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  return verbs[method] ?? method.toLowerCase();
}
