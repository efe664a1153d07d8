// CONNECT admission (the apiserver's ConnectResource handler): exec, attach, port-forward and the proxy subresources are
// admitted before anything reaches a node or backend, with the request's connect options as the object and their
// kind as the request's kind (PodExecOptions, PodAttachOptions, PodPortForwardOptions, PodProxyOptions,
// ServiceProxyOptions, NodeProxyOptions), so webhooks and policies whose rules name CONNECT on them can refuse it.
// What a mutating plugin changes in the options is not used.
import type { KObject, UserInfo } from '../registry/types.js';
import type { AdmissionChain } from './chain.js';

/** The connect options kind of each resource/subresource served with CONNECT. */
const KINDS = {
  'pods/exec': 'PodExecOptions',
  'pods/attach': 'PodAttachOptions',
  'pods/portforward': 'PodPortForwardOptions',
  'pods/proxy': 'PodProxyOptions',
  'services/proxy': 'ServiceProxyOptions',
  'nodes/proxy': 'NodeProxyOptions',
} as const;

export type ConnectTarget = keyof typeof KINDS;

export interface ConnectRequest {
  target: ConnectTarget;
  version: string;
  /** '' for nodes. */
  namespace: string;
  /** As the URL names it (`web:8080` for a proxy to a port). */
  name: string;
  user: UserInfo;
  /** The options' fields as the query (and for proxies the subpath) give them; empty ones left out. */
  options: Record<string, unknown>;
}

/** A proxy's options: the subpath after /proxy, decoded, as getRequestOptions puts it in `path` ('' is left out). */
export function proxyOptions(rawSubpath: string): Record<string, unknown> {
  let path = rawSubpath;
  try {
    path = decodeURIComponent(rawSubpath);
  } catch {
    // The proxy itself refuses a bad escape; admission sees the path as sent.
  }
  return path ? { path } : {};
}

/** Throws the refusal (a StatusError) of the first plugin that refuses. */
export async function admitConnect(chain: AdmissionChain, r: ConnectRequest): Promise<void> {
  const kind = KINDS[r.target];
  const [resource, subresource] = r.target.split('/') as [string, string];
  const object = { kind, apiVersion: 'v1', ...r.options } as unknown as KObject;
  const attrs = {
    operation: 'CONNECT' as const,
    kind: { group: '', version: 'v1', kind },
    resource: { group: '', version: r.version, resource },
    subresource,
    namespace: r.namespace,
    name: r.name,
    object,
    user: r.user,
    dryRun: false,
    warnings: [],
  };
  await chain.admit(attrs);
  await chain.validate(attrs);
}
