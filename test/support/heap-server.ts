// The real dockube server (src/server/server.ts) in a child process of a test, so that its heap is its own: started
// as `node --expose-gc --import ./test/support/ts-loader.mjs test/support/heap-server.ts <server flags>` with IPC.
// It sends { ready: true } once serving, and answers { heap: true } with its memory (after a full GC unless gc: false).
import { parseServerFlags, type ServerOptions } from '../../src/cli/flags.js';
import { startServer } from '../../src/server/server.js';

export interface HeapReport {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('heap-server needs --expose-gc and an IPC channel');

const opts = parseServerFlags(process.argv.slice(2)) as ServerOptions;
const server = await startServer(opts);
process.on('message', (m: { heap?: boolean; gc?: boolean }) => {
  if (!m.heap) return;
  if (m.gc !== false) gc!();
  const { heapUsed, heapTotal, rss, external } = process.memoryUsage();
  process.send!({ heap: { heapUsed, heapTotal, rss, external } satisfies HeapReport });
});
// Stopped, or the test went away: a clean stop, as dockube does on SIGTERM.
const stop = () => {
  void server.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('disconnect', stop);
process.send({ ready: true });
