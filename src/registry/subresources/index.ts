// A create on a subresource of an object, as the resource's definition serves it: what the HTTP handler does after
// decoding the body, and what in-process callers (the client seam) call directly.
import { genericNotFound, methodNotAllowed } from '../../machinery/api/errors.js';
import type { KObject, SubresourceContext } from '../types.js';

export { podBinding } from './binding.js';
export { podEviction } from './eviction.js';

/** POST .../NAME/SUBRESOURCE: 404 when the resource has no such subresource, 405 when it does not create. */
export async function createSubresource(
  ctx: SubresourceContext,
  namespace: string | undefined,
  name: string,
  subresource: string,
  body: KObject,
): Promise<KObject> {
  const sub = ctx.def.extraSubresources?.find((s) => s.name === subresource);
  if (!sub) throw genericNotFound();
  if (!sub.create) throw methodNotAllowed();
  return sub.create(ctx, namespace, name, body);
}
