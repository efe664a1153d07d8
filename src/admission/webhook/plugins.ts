// The two webhook admission plugins on the server's admission chain, sharing one configuration source (informers
// through the client seam), one HTTPS caller and the equivalent-resource lookup.
import type { Authorizer } from '../../authorization/types.js';
import { StatusError } from '../../machinery/api/errors.js';
import type { Client } from '../../client/types.js';
import type { Registry } from '../../registry/registry.js';
import { WebhookCaller } from '../../webhook/https-caller.js';
import { endpointsServiceResolver } from '../../webhook/service-resolver.js';
import type { AdmissionChain } from '../chain.js';
import type { DispatcherDeps } from './dispatcher.js';
import { EquivalentResources } from './equivalents.js';
import { MutatingWebhookPlugin } from './mutating.js';
import { WebhookConfigurationSource } from './source.js';
import { ValidatingWebhookPlugin } from './validating.js';

export interface AdmissionWebhookOptions {
  /** Reads the configurations, namespaces, services and endpoints (the API server's own loopback identity). */
  client: Client;
  registry: Registry;
  chain: AdmissionChain;
  authorizer?: Authorizer;
  /** Told of failures a failurePolicy Ignore let through (upstream logs them). */
  onFailOpen?: (webhookName: string, message: string) => void;
}

export interface AdmissionWebhooks {
  stop(): void;
}

/** Registers MutatingAdmissionWebhook and ValidatingAdmissionWebhook once their configurations are listed. */
export async function startAdmissionWebhooks(o: AdmissionWebhookOptions): Promise<AdmissionWebhooks> {
  const source = new WebhookConfigurationSource(o.client);
  await source.start();
  const caller = new WebhookCaller(endpointsServiceResolver(o.client));
  const deps: DispatcherDeps = {
    caller,
    equivalents: new EquivalentResources(o.registry),
    async namespaceLabels(name) {
      try {
        const ns = await o.client.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, name);
        return ns.metadata.labels ?? {};
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) return undefined;
        throw e;
      }
    },
    // The CEL environment loads with the first webhook that has matchConditions, not at start-up.
    matchConditions: async (hook, attrs, matched) =>
      (await import('./match-conditions.js')).matchConditionsHold(hook, attrs, matched, o.authorizer),
    onFailOpen: (hook, failure) => o.onFailOpen?.(hook.spec.name, failure.message),
  };
  o.chain.addMutating(new MutatingWebhookPlugin(source, deps));
  o.chain.addValidating(new ValidatingWebhookPlugin(source, deps));
  return {
    stop() {
      source.stop();
      caller.close();
    },
  };
}
