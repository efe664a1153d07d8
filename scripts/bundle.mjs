// Bundles the built server (dist/src/cli/main.js, tsc's output) into dist/bundle/, which bin/dockube runs.
// Why: Node 20 loads ~550 module files (ours and express's tree) one by one before the server can answer /readyz,
// which took more time than everything the server then does at start-up. A bundle is the same code read from a few
// files. Dynamic import()s stay separate chunks, so what loads after /readyz (the kubelet, exec streams) still does.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

const result = await build({
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
  metafile: true,
  // V8 keeps every module's source text in the heap: whitespace and syntax minified, it is ~2.5 MB smaller (names
  // are kept, so stack traces still read).
  minifyWhitespace: true,
  minifySyntax: true,
  // Loaded from node_modules as usual: a native addon (better-sqlite3), packages that start workers or read files
  // beside their own code (pino's transports, pino-pretty), and dockerode, whose SSH and gRPC modules
  // src/runtime/docker-import.ts keeps from loading (which needs dockerode's own files), and koffi (native, loaded by
  // src/server/idle-trim.ts only once the server idles).
  // iconv-lite (body-parser's charset decoding, 0.5 MB of code tables: 22 % of the server's chunk, which V8 must
  // parse at start-up) loads its tables only on first use, which express.raw never makes; mime-db is a JSON file
  // that require() reads with JSON.parse, quicker than V8 parsing it as an object literal.
  external: ['better-sqlite3', 'pino', 'pino-pretty', 'dockerode', 'koffi', 'iconv-lite', 'mime-db'],
  // The bundled CommonJS packages (express and its dependencies) call require() for Node's modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});

// Chunks are named by their content's hash, so a rebuild adds new ones beside the old. The old are removed once they
// are 10 minutes old, not at once: a server started from the previous build still loads its chunks after /readyz.
const built = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(f)));
for (const file of readdirSync(outdir).map((f) => join(outdir, f)))
  if (!built.has(file) && statSync(file).mtimeMs < Date.now() - 10 * 60_000) rmSync(file, { force: true });

// V8 keeps a script's source as Latin-1 only when every character is; one other character (esbuild escapes those in
// strings and names, not in regular expressions) doubles the heap the whole file's source takes: said, not fatal.
for (const file of readdirSync(outdir).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(join(outdir, file), 'utf8');
  let at = 0;
  while (at < text.length && text.charCodeAt(at) <= 0xff) at++;
  if (at < text.length)
    process.stderr.write(
      `bundle: dist/bundle/${file} holds a character beyond Latin-1 near ${JSON.stringify(text.slice(at - 40, at + 10))}: ` +
        'escape it in the source (V8 would keep this file as UTF-16)\n',
    );
}
