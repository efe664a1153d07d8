// The proxy subresource of pods, services and nodes as discovery lists it (verbs as upstream's ProxyREST: one per
// HTTP method it passes on). It is served by src/api/proxy, which streams requests to the backend before the generic
// resource path ever sees them.
import type { SubresourceDef } from '../types.js';

export const proxySubresource = (kind: 'PodProxyOptions' | 'ServiceProxyOptions' | 'NodeProxyOptions'): SubresourceDef => ({
  name: 'proxy',
  kind,
  verbs: ['create', 'delete', 'get', 'patch', 'update'],
});
