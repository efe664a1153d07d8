// Read-modify-write through a client with optimistic concurrency, as client-go's retry.RetryOnConflict around a
// Get and an Update: a write that lost a race (409 Conflict) reads again and re-applies the change.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { deepEqual } from '../machinery/api/equality.js';
import type { Client, ClientWriteOptions, Gvr } from './types.js';

const MAX_ATTEMPTS = 10;

/**
 * Applies `change` to the current object (a private copy) and writes it (to /status with `status: true`); a change
 * that returns the object as it was writes nothing. Resolves to the object as stored.
 */
export async function updateWith(
  client: Client,
  gvr: Gvr,
  namespace: string | undefined,
  name: string,
  change: (cur: KObject) => KObject,
  opts: ClientWriteOptions & { status?: boolean } = {},
): Promise<KObject> {
  const { status, ...write } = opts;
  for (let attempt = 1; ; attempt++) {
    const cur = await client.get(gvr, namespace, name);
    const next = change(structuredClone(cur));
    if (deepEqual(next, cur)) return cur;
    try {
      return status ? await client.updateStatus(gvr, namespace, next, write) : await client.update(gvr, namespace, next, write);
    } catch (e) {
      if (e instanceof StatusError && e.code === 409 && e.reason === 'Conflict' && attempt < MAX_ATTEMPTS) continue;
      throw e;
    }
  }
}
