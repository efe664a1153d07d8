// The apiextensions-apiserver's controllers, through the client seam as the API server's loopback identity:
// naming and establishing (status.acceptedNames, NamesAccepted, Established) and customresourcecleanup (a deleted
// CRD's objects are deleted, then its finalizer removed and the CRD goes).
import { StatusError } from '../machinery/api/errors.js';
import { deepEqual } from '../machinery/api/equality.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { Informer } from '../client/informer.js';
import type { Client, Gvr } from '../client/types.js';
import { Controller } from '../reconcilers/controller.js';
import type { Logger } from '../log.js';
import { setCondition } from './crd-resource.js';
import { decideNames } from './conditions.js';
import { servedNames, servedVersions } from './custom-resource.js';
import { CLEANUP_FINALIZER, GROUP, type Crd } from './types.js';

export const CRD_GVR: Gvr = { group: GROUP, version: 'v1', resource: 'customresourcedefinitions' };
const FIELD_MANAGER = 'apiextensions-apiserver';
const isGone = (e: unknown) => e instanceof StatusError && (e.code === 404 || e.code === 409);

export async function startCrdControllers(client: Client, log: Logger): Promise<Controller> {
  const crds = new Informer(client, CRD_GVR, { onError: (err) => log.warn({ controller: 'crd', err: err.message }, 'informer') });
  const writeStatus = async (crd: Crd) => {
    try {
      await client.updateStatus(CRD_GVR, undefined, crd, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      if (!isGone(e)) throw e;
    }
  };

  const naming = async (crd: Crd) => {
    const others = crds.list().map((o) => o as Crd);
    const d = decideNames(crd, others);
    const next = structuredClone(crd);
    const now = nowTimestamp();
    next.status ??= {};
    next.status.acceptedNames = d.acceptedNames;
    setCondition(next, d.namesAccepted, now);
    setCondition(next, d.established, now);
    if (!deepEqual(next.status, crd.status)) await writeStatus(next);
  };

  const cleanup = async (crd: Crd): Promise<{ requeueAfterMs: number } | void> => {
    const names = servedNames(crd);
    const version = servedVersions(crd)[0]?.name ?? crd.spec.versions[0]?.name;
    const now = nowTimestamp();
    if (names?.plural && version && crd.status?.acceptedNames?.plural) {
      const gvr: Gvr = { group: crd.spec.group, version, resource: names.plural };
      const progress = structuredClone(crd);
      setCondition(
        progress,
        { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' },
        now,
      );
      if (!deepEqual(progress.status, crd.status)) await writeStatus(progress);
      let remaining: number;
      try {
        await client.deleteCollection(gvr, undefined);
        remaining = (await client.list(gvr, undefined)).items.length;
      } catch (e) {
        // Not served (never established, or already gone): nothing of it can be stored.
        if (!(e instanceof StatusError && e.code === 404)) throw e;
        remaining = 0;
      }
      if (remaining > 0) {
        const waiting = structuredClone(crd);
        setCondition(
          waiting,
          {
            type: 'Terminating',
            status: 'True',
            reason: 'InstanceDeletionCheck',
            message: `could not confirm zero CustomResources remaining: ${remaining} remaining`,
          },
          now,
        );
        if (!deepEqual(waiting.status, crd.status)) await writeStatus(waiting);
        return { requeueAfterMs: 1000 };
      }
    }
    let current: Crd;
    try {
      current = structuredClone(await client.get(CRD_GVR, undefined, crd.metadata.name!)) as Crd;
    } catch (e) {
      if (isGone(e)) return;
      throw e;
    }
    setCondition(
      current,
      { type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' },
      now,
    );
    await writeStatus(current);
    try {
      current = structuredClone(await client.get(CRD_GVR, undefined, crd.metadata.name!)) as Crd;
      current.metadata.finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      await client.update(CRD_GVR, undefined, current, { fieldManager: FIELD_MANAGER });
      // The CRD kind completes its own deletion (beginDeletion), so the emptied object is deleted once more.
      await client.delete(CRD_GVR, undefined, crd.metadata.name!);
    } catch (e) {
      if (!isGone(e)) throw e;
    }
  };

  const c = new Controller(
    'customresourcedefinition',
    async (name) => {
      const crd = crds.get(undefined, name) as Crd | undefined;
      if (!crd) return;
      if (crd.metadata.deletionTimestamp) {
        if (crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) return cleanup(crd);
        if (!crd.metadata.finalizers?.length) {
          try {
            await client.delete(CRD_GVR, undefined, name);
          } catch (e) {
            if (!isGone(e)) throw e;
          }
        }
        return;
      }
      await naming(crd);
    },
    log,
  );
  // A CRD whose names free up lets others of its group be accepted: every CRD of the group is looked at again.
  c.source(crds, (_t, old, o) => {
    const group = (o as Crd).spec?.group ?? (old as Crd | undefined)?.spec?.group;
    return crds
      .list()
      .filter((x) => (x as Crd).spec?.group === group)
      .map((x) => x.metadata.name!)
      .concat(o.metadata.name!);
  });
  await c.start();
  return c;
}
