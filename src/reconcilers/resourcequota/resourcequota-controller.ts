// The resourcequota controller (kube-controller-manager's pkg/controller/resourcequota): keeps every ResourceQuota's
// status.hard (= spec.hard) and status.used, recounted from the namespace's objects. Like upstream's QuotaMonitor it
// watches only the resources some quota names (a monitor started when a quota first names one), and recounts a
// namespace's quotas when those objects go or change what they use (replenishment) and every 5 minutes
// (--resource-quota-sync-period).
// Through the client seam as kube-system/resourcequota-controller.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import { objectKey, splitKey, type Client, type Gvr } from '../../client/types.js';
import { evaluatorFor, type QuotaTarget } from '../../admission/resource-quota/evaluators.js';
import { Controller, type ReconcileResult } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { calculateUsed, targetKey, targetsOf } from './usage.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const RESOURCE_QUOTAS: Gvr = { group: '', version: 'v1', resource: 'resourcequotas' };
const FIELD_MANAGER = 'kube-controller-manager';
const SYNC_PERIOD_MS = 5 * 60_000;

export interface RunningResourceQuotaController {
  controller: Controller;
  stop(): void;
}

export interface ResourceQuotaControllerOptions {
  now?: () => number;
  resyncMs?: number;
}

export async function startResourceQuotaController(
  ctx: ReconcilerContext,
  opts: ResourceQuotaControllerOptions = {},
): Promise<RunningResourceQuotaController> {
  const client: Client = ctx.client(controllerIdentity('resourcequota-controller'));
  const now = opts.now ?? Date.now;
  const onError = (err: Error) => ctx.log.warn({ controller: 'resourcequota', err: err.message }, 'informer');
  const quotas = new Informer(client, RESOURCE_QUOTAS, { onError, resyncMs: opts.resyncMs ?? SYNC_PERIOD_MS });
  const monitors = new Map<string, Informer>();
  let served: Map<string, Gvr> | undefined;

  /** The served version of a resource (discovery), asked again when a quota names one not seen before. */
  const resolve = async (t: QuotaTarget): Promise<Gvr | undefined> => {
    const k = targetKey(t);
    if (!served?.has(k)) {
      served = new Map((await client.resources()).map((r) => [targetKey({ group: r.gvr.group, resource: r.gvr.resource }), r.gvr]));
    }
    return served.get(k);
  };

  /** Quotas of the namespace that name something counted on this resource. */
  const quotasCounting = (namespace: string, key: string) =>
    quotas
      .byIndex('namespace', namespace)
      .filter((q) => targetsOf((q as J).spec?.hard ?? {}).has(key))
      .map(objectKey);

  const monitor = async (t: QuotaTarget): Promise<Informer | undefined> => {
    const k = targetKey(t);
    let m = monitors.get(k);
    if (!m) {
      const gvr = await resolve(t);
      if (!gvr) return undefined;
      // Another worker may have started it while discovery answered.
      const started = monitors.get(k);
      if (started) {
        await started.waitForSync();
        return started;
      }
      m = new Informer(client, gvr, { onError });
      monitors.set(k, m);
      // A source of the controller (stopped with it), added after its start: started here.
      // Replenishment, as upstream: what admission charged needs no recount on ADDED; a deletion, or a change of what
      // the object uses (a pod turning terminal), does.
      const evaluator = evaluatorFor(t);
      const usageChanged = (type: string, old: KObject | undefined, obj: KObject) =>
        type === 'DELETED' ||
        (type === 'MODIFIED' && !!old && old !== obj && !deepEqual(evaluator.usage(old, now()), evaluator.usage(obj, now())));
      c.source(
        m,
        (_type, old, obj) => {
          const ns = obj.metadata.namespace ?? old?.metadata.namespace;
          return ns ? quotasCounting(ns, k) : [];
        },
        usageChanged,
      );
      m.start();
    }
    await m.waitForSync();
    return m;
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = splitKey(key);
    const quota = quotas.get(namespace, name);
    if (!quota || quota.metadata.deletionTimestamp) return;
    const hard: Record<string, string> = (quota as J).spec?.hard ?? {};
    const objects = new Map<string, KObject[]>();
    for (const [k, { target }] of targetsOf(hard)) {
      const m = await monitor(target);
      if (m) objects.set(k, m.byIndex('namespace', namespace));
    }
    const used = calculateUsed(quota, (k) => objects.get(k), now());
    const old: J = (quota as J).status ?? {};
    const status = { ...old, hard, used };
    if (deepEqual(status, old)) return;
    try {
      await client.updateStatus(RESOURCE_QUOTAS, namespace, { ...quota, status } as KObject, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      // Gone, or charged by admission meanwhile: the newer object enqueues another recount.
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
    }
  };

  const c = new Controller('resourcequota', reconcile, ctx.log, 2);
  // Status-only writes (admission's charges, our own) do not enqueue: only new quotas, changed hard limits, a status.hard
  // that disagrees with the spec, and the periodic resync (old === obj) do, as upstream's informer handlers.
  const needsSync = (t: string, old: KObject | undefined, q: KObject) =>
    t === 'ADDED' ||
    old === q ||
    !deepEqual((old as J | undefined)?.spec?.hard, (q as J).spec?.hard) ||
    !deepEqual((q as J).status?.hard, (q as J).spec?.hard);
  c.source(quotas, (_t, _old, q) => [objectKey(q)], needsSync);
  await c.start();
  return {
    controller: c,
    stop: () => c.stop(),
  };
}
