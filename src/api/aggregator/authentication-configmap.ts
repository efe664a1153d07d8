// kube-apiserver's cluster authentication trust controller: kube-system/extension-apiserver-authentication tells
// extension API servers which client CA signs users' certificates and which front proxy (CA, allowed names, header
// names) they may take request-header identities from. Written when missing or different.
import { StatusError } from '../../machinery/api/errors.js';
import type { Client } from '../../client/types.js';
import { FRONT_PROXY_CLIENT_NAME } from '../../pki/front-proxy.js';
import { REQUEST_HEADER_DEFAULTS, type RequestHeaderNames } from '../request-header-auth.js';

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };
export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };

export function authenticationData(
  clientCaPem: string,
  frontProxyCaPem: string,
  allowedNames = [FRONT_PROXY_CLIENT_NAME],
  headers: RequestHeaderNames = {},
): Record<string, string> {
  const h = { ...REQUEST_HEADER_DEFAULTS, ...headers };
  return {
    'client-ca-file': clientCaPem,
    'requestheader-allowed-names': JSON.stringify(allowedNames),
    'requestheader-client-ca-file': frontProxyCaPem,
    'requestheader-extra-headers-prefix': JSON.stringify(h.extraHeadersPrefixes),
    'requestheader-group-headers': JSON.stringify(h.groupHeaders),
    'requestheader-username-headers': JSON.stringify(h.usernameHeaders),
  };
}

export async function publishAuthenticationConfigMap(client: Client, data: Record<string, string>): Promise<void> {
  const { namespace, name } = AUTHENTICATION_CONFIGMAP;
  let current;
  try {
    current = await client.get(CONFIGMAPS, namespace, name);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
    await client.create(CONFIGMAPS, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } as never);
    return;
  }
  if (JSON.stringify((current as { data?: unknown }).data) === JSON.stringify(data)) return;
  await client.update(CONFIGMAPS, namespace, { ...current, data } as never);
}
