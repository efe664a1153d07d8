// slowStartBatch (controller_utils): runs `fn` `count` times in batches of 1, 2, 4, ... (each batch concurrently),
// stopping after the first batch with an error, so that a refused template costs one call, not `count`.
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** The batch sizes slowStartBatch would use for `count` calls when every call succeeds. */
export function slowStartBatchSizes(count: number, initial = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const sizes: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

/** Resolves to how many calls succeeded and the first error, if any. */
export async function slowStartBatch(
  count: number,
  initial: number,
  fn: () => Promise<void>,
): Promise<{ successes: number; error?: Error }> {
  let successes = 0;
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    successes += results.filter((r) => r.status === 'fulfilled').length;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) return { successes, error: failed.reason as Error };
    remaining -= size;
  }
  return { successes };
}
