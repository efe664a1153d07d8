// The OpenAPI of an extension API server, for kube-aggregator's OpenAPI aggregation: its v3 document for the
// APIService's group/version (found through its /openapi/v3 root, as the v3 aggregator follows serverRelativeURL)
// and the paths and definitions of its /openapi/v2, merged into this server's documents so `kubectl explain`
// knows the remote kinds. A server that serves neither simply adds nothing.
import type { FrontProxyCredentials } from '../../pki/front-proxy.js';
import type { UserInfo } from '../../machinery/api/user.js';
import { getJson, type Backend } from './backend.js';

export interface RemoteOpenAPI {
  /** The serialized v3 document of `apis/<group>/<version>`, when the server has one. */
  v3?: string;
  /** Its v2 paths and definitions. */
  v2?: { paths: Record<string, unknown>; definitions: Record<string, unknown> };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function fetchRemoteOpenAPI(
  backend: Backend,
  creds: FrontProxyCredentials,
  group: string,
  version: string,
  user: UserInfo,
  timeoutMs: number,
): Promise<RemoteOpenAPI> {
  const get = (path: string) => getJson(backend, creds, path, user, timeoutMs).catch(() => undefined);
  const out: RemoteOpenAPI = {};
  const [root, v2] = await Promise.all([get('/openapi/v3'), get('/openapi/v2')]);
  const link = isObject(root) && isObject(root.paths) ? root.paths[`apis/${group}/${version}`] : undefined;
  const url = isObject(link) && typeof link.serverRelativeURL === 'string' ? link.serverRelativeURL : undefined;
  // Only a path on the server itself: the link is the remote's, never a way to make this server fetch elsewhere.
  if (url?.startsWith('/openapi/v3/')) {
    const doc = await get(url);
    if (isObject(doc)) out.v3 = JSON.stringify(doc);
  }
  if (isObject(v2)) out.v2 = { paths: isObject(v2.paths) ? v2.paths : {}, definitions: isObject(v2.definitions) ? v2.definitions : {} };
  return out;
}
