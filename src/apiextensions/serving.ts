// Serving custom resources (apiextensions-apiserver's crdHandler and its OpenAPI/discovery controllers): every
// established CRD in the watch cache becomes ResourceDefs in the Registry, so routing, discovery, OpenAPI, RBAC and
// the client seam see its kinds at once; a changed CRD replaces them, a deleted one removes them.
import type { Logger } from 'pino';
import { StatusError } from '../machinery/api/errors.js';
import type { ResourceService } from '../registry/service.js';
import type { KObject, ResourceDef } from '../registry/types.js';
import { ObjectFilter } from '../registry/object-filter.js';
import type { Watcher } from '../storage/store.js';
import { customresourcedefinitions } from './crd-resource.js';
import { customResourceDefs } from './custom-resource.js';
import type { CallWebhook } from './conversion/webhook-converter.js';
import { publishDefinitions, unpublishDefinitions } from './openapi.js';
import { isEstablished, type Crd } from './types.js';

interface Served {
  defs: ResourceDef[];
  definitions: string[];
  /** The CRD's resourceVersion these were built from. */
  rv: string;
}

export interface CustomResourceServing {
  /** Resolves once the CRDs stored at start are served. */
  synced: Promise<void>;
  stop(): void;
}

/** create of a custom resource whose CRD is being deleted: 405, as upstream. */
function refuseCreatesWhileTerminating(def: ResourceDef, crdName: string): ResourceDef {
  return {
    ...def,
    admit: (obj, old, ctx) => {
      if (old) return def.admit?.(obj, old, ctx);
      if (!old)
        throw new StatusError(405, 'MethodNotAllowed', `create not allowed while custom resource definition is terminating`, {
          name: crdName,
          kind: 'customresourcedefinitions',
          group: 'apiextensions.k8s.io',
        });
    },
  };
}

export function serveCustomResources(
  service: ResourceService,
  log: Pick<Logger, 'warn' | 'info'>,
  callWebhook?: CallWebhook,
): CustomResourceServing {
  const served = new Map<string, Served>();
  const registry = service.registry;
  let watcher: Watcher | undefined;
  let stopped = false;

  const unserve = (name: string) => {
    const s = served.get(name);
    if (!s) return;
    served.delete(name);
    unpublishDefinitions(s.definitions, s.defs);
    registry.change([], s.defs);
  };

  const serve = (crd: Crd) => {
    const name = crd.metadata.name!;
    const before = served.get(name);
    if (before?.rv === crd.metadata.resourceVersion) return;
    if (!isEstablished(crd) || !crd.spec?.versions?.length) {
      unserve(name);
      return;
    }
    let defs: ResourceDef[];
    try {
      defs = customResourceDefs(crd, callWebhook);
    } catch (e) {
      log.warn({ crd: name, err: (e as Error).message }, 'custom resource definition not served');
      return;
    }
    if (crd.metadata.deletionTimestamp) defs = defs.map((d) => refuseCreatesWhileTerminating(d, name));
    if (before) unpublishDefinitions(before.definitions, before.defs);
    const definitions = publishDefinitions(crd, defs);
    const gone = (before?.defs ?? []).filter((o) => !defs.some((d) => d.version === o.version && d.plural === o.plural));
    served.set(name, { defs, definitions, rv: crd.metadata.resourceVersion! });
    registry.change(defs, gone);
  };

  const onEvent = (type: string, obj: KObject) => {
    try {
      if (type === 'DELETED') unserve(obj.metadata.name!);
      else serve(obj as Crd);
    } catch (e) {
      log.warn({ crd: obj.metadata.name, err: (e as Error).message }, 'serving custom resources');
    }
  };

  const start = async (): Promise<void> => {
    if (stopped) return;
    // A restart lists again: what is no longer stored stops being served.
    const seen = new Set<string>();
    const relisting = served.size > 0;
    watcher = await service.watch(
      customresourcedefinitions,
      undefined,
      undefined,
      new ObjectFilter(customresourcedefinitions),
      (type, obj) => {
        if (type === 'ADDED') seen.add(obj.metadata.name!);
        onEvent(type, obj);
      },
      () => {
        if (!stopped) setTimeout(() => void start().catch((e) => log.warn({ err: (e as Error).message }, 'crd watch')), 100);
      },
    );
    if (relisting) for (const name of [...served.keys()]) if (!seen.has(name)) unserve(name);
  };

  return {
    synced: start(),
    stop: () => {
      stopped = true;
      watcher?.stop();
    },
  };
}
