// Bundles the built server (dist/src/cli/main.js, tsc's output) into dist/bundle/, which bin/dockube runs.
// Why: Node 20 loads ~550 module files (ours and express's tree) one by one before the server can answer /readyz,
// which took more time than everything the server then does at start-up. A bundle is the same code read from a few
// files. Dynamic import()s stay separate chunks, so what loads after /readyz (the kubelet, exec streams) still does.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true }); // chunks are named by content hash: no stale ones left beside

await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // tsc's source maps are chained, for `node --enable-source-maps` when a stack trace should name our sources.
  sourcemap: 'linked',
  logLevel: 'warning',
  // V8 keeps every module's source text in the heap: whitespace and syntax minified, it is ~2.5 MB smaller (names
  // are kept, so stack traces still read).
  minifyWhitespace: true,
  minifySyntax: true,
  // Loaded from node_modules as usual: a native addon (better-sqlite3), packages that start workers or read files
  // beside their own code (pino's transports, pino-pretty), and dockerode, whose SSH and gRPC modules
  // src/runtime/docker-import.ts keeps from loading (which needs dockerode's own files).
  external: ['better-sqlite3', 'pino', 'pino-pretty', 'dockerode'],
  // The bundled CommonJS packages (express and its dependencies) call require() for Node's modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});
