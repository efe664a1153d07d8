// The service account machinery of one running server, installed by src/server/server.ts the way kube-apiserver
// enables its ServiceAccount admission plugin and token issuer: until `configureServiceAccounts` is called, pods
// are admitted untouched, serviceaccounts/token is unavailable and the kubelet mounts no tokens.
import { StatusError } from '../machinery/api/errors.js';
import type { ResourceService } from '../registry/service.js';

import type { SigningKey } from './signing-key.js';
import { ServiceAccountTokens, type BoundKind, type ObjectLookup, type TokenServiceOptions } from './tokens.js';

/** How pods reach the API server (KUBERNETES_SERVICE_HOST/PORT). */
export interface ApiEndpoint {
  host: string;
  port: number;
}

export interface ServiceAccountRuntime {
  tokens: ServiceAccountTokens;
  service: ResourceService;
  endpoint?: ApiEndpoint;
}

let current: ServiceAccountRuntime | undefined;

const PLURAL: Record<BoundKind, string> = { ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets' };

/** Reads core/v1 objects straight from the store (no cache: a deleted pod must invalidate its token at once). */
export function lookupFrom(service: ResourceService): ObjectLookup {
  return async (kind, namespace, name) => {
    const def = service.registry.find('', 'v1', PLURAL[kind]);
    if (!def) return undefined;
    try {
      return await service.get(def, namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    }
  };
}

export function configureServiceAccounts(
  service: ResourceService,
  key: SigningKey,
  opts: TokenServiceOptions & { endpoint?: ApiEndpoint } = {},
): ServiceAccountRuntime {
  current = { tokens: new ServiceAccountTokens(key, lookupFrom(service), opts), service, endpoint: opts.endpoint };
  return current;
}

/** Sets where pods reach the API server (known once the server listens). */
export function setApiEndpoint(endpoint: ApiEndpoint): void {
  if (current) current.endpoint = endpoint;
}

export function serviceAccountRuntime(): ServiceAccountRuntime | undefined {
  return current;
}

/** For tests: back to the unconfigured state. */
export function resetServiceAccounts(): void {
  current = undefined;
}
