// startInTurns: each step begins in its own turn of the event loop (what arrived meanwhile runs between two steps),
// steps do not wait for one another to end, and each step's result or failure is its own.
import { startInTurns } from '../../src/server/start-in-turns.js';

test('work queued during one step runs before the next step begins', async () => {
  const inTurn = startInTurns();
  const seen: string[] = [];
  const a = inTurn(() => {
    seen.push('step 1');
    setImmediate(() => seen.push('io after step 1'));
    return 1;
  });
  const b = inTurn(() => {
    seen.push('step 2');
    setImmediate(() => seen.push('io after step 2'));
    return 2;
  });
  const c = inTurn(async () => {
    seen.push('step 3');
    return 3;
  });
  seen.push('caller goes on');
  expect(await Promise.all([a, b, c])).toEqual([1, 2, 3]);
  await new Promise((r) => setImmediate(r));
  expect(seen).toEqual(['caller goes on', 'step 1', 'io after step 1', 'step 2', 'io after step 2', 'step 3']);
});

test('a step does not wait for the previous one to end', async () => {
  const inTurn = startInTurns();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = inTurn(async () => {
    await gate; // released only by the second step
    return 'first';
  });
  const second = inTurn(() => {
    release();
    return 'second';
  });
  expect(await Promise.all([first, second])).toEqual(['first', 'second']);
});

test('a failing step rejects its own promise only', async () => {
  const inTurn = startInTurns();
  const failed = inTurn(() => Promise.reject(new Error('no')));
  const ok = inTurn(() => 'ok');
  await expect(failed).rejects.toThrow('no');
  await expect(ok).resolves.toBe('ok');
});
