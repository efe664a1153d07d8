// Pod status writes, as kubelet's status manager: the status computed against the pod as stored goes to pods/status
// only when it differs (an unchanged status writes nothing), for the same pod (uid) only. The first attempt works
// from the informer's copy, so a sync that changes nothing costs no request; a write that lost a race (409) reads
// the pod again and recomputes.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { GVR, type Client } from '../../client/types.js';
import type { Pod } from '../../translate/index.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MAX_ATTEMPTS = 10;
export const KUBELET_FIELD_MANAGER = 'kubelet';

/**
 * Writes `compute(cur)` as the status of `pod` (a cached copy, never mutated). Resolves to the status the pod now
 * has, or undefined when the pod is gone or was replaced by another of the same name.
 */
export async function writePodStatus(client: Client, pod: Pod, compute: (cur: Pod) => J): Promise<J | undefined> {
  const ns = pod.metadata.namespace;
  const uid = pod.metadata.uid;
  let cur: KObject = pod as unknown as KObject;
  for (let attempt = 1; ; attempt++) {
    if (cur.metadata.uid !== uid) return undefined;
    const old = cur.status as J | undefined;
    const next = compute(cur as unknown as Pod);
    if (deepEqual(next, old)) return next;
    try {
      await client.updateStatus(GVR.pods, ns, { ...cur, status: next }, { fieldManager: KUBELET_FIELD_MANAGER });
      return next;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 404) return undefined;
      if (e.code !== 409 || attempt >= MAX_ATTEMPTS) throw e;
    }
    try {
      cur = await client.get(GVR.pods, ns, pod.metadata.name!);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return undefined;
      throw e;
    }
  }
}
