// The policy plugin's view of the server (its informers and listers upstream): policies, bindings, namespaces and
// params read from the watch cache through the ResourceService (fresh: a policy created just before a request applies
// to it), plus a watched count of policies so requests pass untouched while there are none.
import type { Authorizer } from '../../authorization/types.js';
import { labelSelectorFromObject, selectorToString } from '../../machinery/labels.js';
import { StatusError } from '../../machinery/api/errors.js';
import { listPrefix } from '../../registry/registry.js';
import type { ResourceService } from '../../registry/service.js';
import type { ResourceDef } from '../../registry/types.js';
import type { Matched } from './matching.js';
import type { ParamSource } from './params.js';
import type { PolicyHost } from './plugin.js';

const GROUP = 'admissionregistration.k8s.io';

export interface ServicePolicyHost extends PolicyHost {
  /** Lists and starts watching the policies; resolves once the first list is in. */
  start(): Promise<void>;
  stop(): void;
}

export function servicePolicyHost(service: ResourceService, authorizer: Authorizer): ServicePolicyHost {
  const registry = service.registry;
  const def = (plural: string) => registry.find(GROUP, 'v1', plural)!;
  const policyDef = def('validatingadmissionpolicies');
  const bindingDef = def('validatingadmissionpolicybindings');
  const names = new Set<string>();
  let watcher: { stop(): void } | undefined;
  let stopped = false;

  const sync = async (): Promise<void> => {
    const prefix = listPrefix(policyDef);
    const { keys, revision } = await service.cache.list(prefix);
    names.clear();
    for (const k of keys) names.add(k);
    watcher = service.cache.watch(
      prefix,
      revision,
      (e) => (e.type === 'DELETED' ? names.delete(e.key) : names.add(e.key)),
      () => {
        if (!stopped) void sync();
      },
    );
  };

  const getOrUndefined = async (d: ResourceDef, ns: string | undefined, name: string) => {
    try {
      return await service.get(d, ns, name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    }
  };

  const storageOf = (d: ResourceDef) => `${(d.storage ?? d).group}/${(d.storage ?? d).plural}`;

  return {
    authorizer,
    hasPolicies: () => names.size > 0,
    policies: async () => (await service.list(policyDef, undefined)).items,
    bindings: async () => (await service.list(bindingDef, undefined)).items,
    namespace: (name) => getOrUndefined(registry.find('', 'v1', 'namespaces')!, undefined, name),
    paramSource(apiVersion, kind): ParamSource | undefined {
      const slash = apiVersion.indexOf('/');
      const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
      const d = registry.defs.find((x) => x.group === group && x.version === version && x.kind === kind && !x.virtualCreate);
      if (!d) return undefined;
      return {
        namespaced: d.namespaced,
        get: (ns, name) => getOrUndefined(d, ns, name),
        list: async (ns, selector) => {
          labelSelectorFromObject(selector); // a bad selector is the binding's configuration error
          return (await service.list(d, ns, { labelSelector: selectorToString(selector) })).items;
        },
      };
    },
    equivalents(resource, subresource): Matched[] {
      const own = registry.find(resource.group, resource.version, resource.resource);
      if (!own) return [];
      const storage = storageOf(own);
      return registry.defs
        .filter((d) => d !== own && storageOf(d) === storage && (!subresource || d.plural === own.plural))
        .map((d) => ({
          resource: { group: d.group, version: d.version, resource: d.plural },
          kind: { group: d.group, version: d.version, kind: d.kind },
        }));
    },
    start: () => sync(),
    stop: () => {
      stopped = true;
      watcher?.stop();
    },
  };
}
