// The service account machinery of one running server, installed by src/server/server.ts the way kube-apiserver
// enables its ServiceAccount admission plugin and token issuer: until `configureServiceAccounts` is called, pods
// are admitted untouched and serviceaccounts/token is unavailable (so the kubelet, which asks that subresource,
// mounts no tokens). Only the API server's side uses it: the signing key stays here.
import { StatusError } from '../machinery/api/errors.js';
import type { ResourceService } from '../registry/service.js';

import type { SigningKey } from './signing-key.js';
import { ServiceAccountTokens, type BoundKind, type ObjectLookup, type TokenServiceOptions } from './tokens.js';

export interface ServiceAccountRuntime {
  tokens: ServiceAccountTokens;
  service: ResourceService;
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

export function configureServiceAccounts(service: ResourceService, key: SigningKey, opts: TokenServiceOptions = {}): ServiceAccountRuntime {
  current = { tokens: new ServiceAccountTokens(key, lookupFrom(service), opts), service };
  return current;
}

export function serviceAccountRuntime(): ServiceAccountRuntime | undefined {
  return current;
}

/** For tests: back to the unconfigured state. */
export function resetServiceAccounts(): void {
  current = undefined;
}
