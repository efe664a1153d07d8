// The kubelet's way to a projected service account token: the TokenRequest subresource (POST
// serviceaccounts/<name>/token) as the node, as kubelet's token manager asks the API server (it holds no signing key).
import { GVR, type Client } from '../../client/types.js';
import type { RequestToken } from '../../serviceaccount/pod-tokens.js';

export function tokenRequestsVia(client: Client): RequestToken {
  return async (namespace, serviceAccount, spec) => {
    const tr = await client.createSubresource(GVR.serviceaccounts, namespace, serviceAccount, 'token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec,
    });
    const status = tr.status as { token?: string; expirationTimestamp?: string } | undefined;
    if (!status?.token || !status.expirationTimestamp) throw new Error(`TokenRequest for ${namespace}/${serviceAccount} returned no token`);
    return { token: status.token, expirationTimestamp: status.expirationTimestamp };
  };
}
