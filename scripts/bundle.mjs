// Bundles the built server (dist/src/cli/main.js, tsc's output) into dist/bundle/, which bin/dockube runs.
// Why: Node 20 loads ~550 module files (ours and express's tree) one by one before the server can answer /readyz,
// which took more time than everything the server then does at start-up. A bundle is the same code read from one file.
// It is CommonJS, run by dist/bundle/main.cjs (scripts/bundle-loader.cjs) through vm.Script with V8's code cache:
// Node 20 caches no compiled code for ES modules, and compiling the bundle was the largest item of a restart.
// V8 compiles functions lazily, so what runs only after /readyz (the kubelet, exec streams) is parsed, not compiled,
// at start-up.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What scripts/bundle-loader.cjs runs: a function of what a CommonJS module is given. */
const WRAP_HEAD = "(function (exports, require, module, __filename, __dirname) {'use strict';";
const WRAP_TAIL = '\n})';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  bundle: true,
  write: false,
  outfile: join(outdir, 'dockube.cjs'),
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() becomes require() (of the bundle's own modules, and of the external packages below, all CommonJS): a
  // script run through vm.Script has no loader for import().
  supported: { 'dynamic-import': false },
  // The few modules that find files beside their own code (openapi/, package.json) look from the bundle's directory.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // tsc's source maps are chained, for `node --enable-source-maps` when a stack trace should name our sources.
  sourcemap: 'linked',
  logLevel: 'warning',
  // V8 keeps every script's source text in the heap: whitespace and syntax minified, it is ~2.5 MB smaller (names
  // are kept, so stack traces still read).
  minifyWhitespace: true,
  minifySyntax: true,
  // Loaded from node_modules as usual: a native addon (better-sqlite3), a package that reads files beside its own code
  // (pino-pretty, loaded only for a terminal), and dockerode, whose SSH and gRPC modules
  // src/runtime/docker-import.ts keeps from loading (which needs dockerode's own files), and koffi (native, loaded by
  // src/server/idle-trim.ts only once the server idles).
  // iconv-lite (body-parser's charset decoding, 0.5 MB of code tables, which V8 would have to parse at start-up) loads
  // its tables only on first use, which express.raw never makes; mime-db is a JSON file that require() reads with
  // JSON.parse, quicker than V8 parsing it as an object literal.
  // pino is bundled: loaded from node_modules it was compiled at every start (~15 ms CPU); only its transports (worker
  // threads started from files beside its code) would need its own files, and dockube starts none.
  external: ['better-sqlite3', 'pino-pretty', 'dockerode', 'koffi', 'iconv-lite', 'mime-db'],
});

// Named by content, so that a code cache saved beside it (named after it) belongs to this build only, and a server
// started from the previous build keeps its own file until it has read it.
const code = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
// The file's form (wrapped, Latin-1) is hashed too: a loader of an earlier build never reads a file written otherwise.
const name = `dockube-${createHash('sha256').update(WRAP_HEAD).update(code.contents).update(WRAP_TAIL).update('latin1').digest('hex').slice(0, 12)}.cjs`;
const text = code.text.replace(/\/\/# sourceMappingURL=dockube\.cjs\.map\s*$/, `//# sourceMappingURL=${name}.map\n`);
// V8 keeps a script's source as Latin-1 only when every character is; one other character (esbuild escapes those in
// strings and names, not in regular expressions) doubles the heap the whole file's source takes. Such a character is
// written as a \u escape (in a regular expression, where it can be, it means the same; the source map's columns
// on its line shift) and said, so that the source can be escaped instead.
let at = 0;
while (at < text.length && text.charCodeAt(at) <= 0xff) at++;
if (at < text.length)
  process.stderr.write(
    `bundle: dist/bundle/${name} holds a character beyond Latin-1 near ${JSON.stringify(text.slice(at - 40, at + 10))}: ` +
      'escape it in the source (V8 would keep this file as UTF-16)\n',
  );
const latin1 = text.replace(/[^\0-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
// Written as Latin-1, one byte a character, which the loader reads back as such: Node decodes Latin-1 in a plain copy
// where UTF-8 is validated character by character (~30 ms CPU of every start for the 3.2 MB, measured in restarts).
// Wrapped here as Node wraps a CommonJS module (on the first line, so the bundle's line numbers stay its own), not by
// the loader: a source put together at run time is one more copy of 3.2 MB for V8 to flatten before it compiles.
// Strict, as the ES modules it was bundled from are (esbuild lifts their functions out of their strict closures).
writeFileSync(join(outdir, name), `${WRAP_HEAD}${latin1}${WRAP_TAIL}`, 'latin1');
writeFileSync(join(outdir, `${name}.map`), map.contents);
// The loader last, renamed into place: it names the bundle just written.
const loader = readFileSync(join(root, 'scripts', 'bundle-loader.cjs'), 'utf8').replace("'BUNDLE_FILE'", JSON.stringify(name));
writeFileSync(join(outdir, 'main.cjs.tmp'), loader);
renameSync(join(outdir, 'main.cjs.tmp'), join(outdir, 'main.cjs'));
// dist/bundle/main.js, the entry earlier builds had (conformance's DOCKUBE_MAIN, scripts that name it).
writeFileSync(
  join(outdir, 'main.js'),
  "// The bundle's entry is main.cjs (scripts/bundle.mjs); this name is kept for callers of earlier builds.\nimport './main.cjs';\n",
);

// Earlier builds' bundles, maps, caches and chunks go once they are 10 minutes old, not at once: a server started from
// the previous build may still be reading them.
const kept = new Set([name, `${name}.map`, 'main.cjs', 'main.js']);
for (const f of readdirSync(outdir)) {
  const file = join(outdir, f);
  if (!kept.has(f) && !f.startsWith(`${name}.`) && statSync(file).mtimeMs < Date.now() - 10 * 60_000) rmSync(file, { force: true });
}
