// Lower layers never import higher ones (README "Layout"): src/api is the HTTP layer at the top, src/server composes
// everything, and the machinery (src/machinery: the vocabulary, patch, apply, decoding) stands on nothing else of ours.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const src = join(root, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative module specifiers of static imports, re-exports and dynamic imports, resolved to paths under src/. */
function importsOf(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)].map((m) => m[1]!);
  return specs.map((s) => relative(src, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** [layer, what it may not import, the layers that may]. */
const RULES: { name: string; target: string; allowed: string[] }[] = [
  { name: 'the HTTP layer', target: 'api/', allowed: ['api/', 'server/', 'cli/'] },
  { name: 'the composition root', target: 'server/', allowed: ['server/', 'cli/'] },
  { name: 'the command line', target: 'cli/', allowed: ['cli/'] },
  { name: 'the cluster DNS', target: 'dns/', allowed: ['dns/', 'server/', 'cli/'] },
  { name: 'the service proxy', target: 'proxy/', allowed: ['proxy/', 'server/', 'cli/'] },
];
/** Serving HTTP (express, WebSocket servers) is the HTTP layer's job alone. */
const HTTP_SERVING = ['express', 'ws'];
const packagesOf = (text: string) => [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)'([^.'][^']*)'/g)].map((m) => m[1]!);

/** The machinery (the vocabulary, patch, apply, decoding) stands on itself alone. */
const MACHINERY = 'machinery/';
/**
 * The cluster DNS (a node component, later in a node agent) stands on the client seam: it reads the API through a
 * Client and its informers, never the store or the registry.
 */
const DNS = 'dns/';
const DNS_MAY_IMPORT = ['dns/', 'client/', 'machinery/', 'translate/', 'log.ts'];

/** The service proxy (kube-proxy's place, a node component) also stands on the client seam and host tools only. */
const PROXY = 'proxy/';
const PROXY_MAY_IMPORT = ['proxy/', 'client/', 'machinery/', 'log.ts'];

function violations(files: { path: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const from = relative(src, f.path);
    for (const imp of importsOf(f.path, f.text)) {
      for (const r of RULES) {
        if (imp.startsWith(r.target) && !r.allowed.some((a) => from.startsWith(a))) out.push(`${from} imports ${imp} (${r.name})`);
      }
      if (from.startsWith(MACHINERY) && !imp.startsWith(MACHINERY))
        out.push(`${from} imports ${imp} (the machinery stands on itself only)`);
      if (from.startsWith(DNS) && !DNS_MAY_IMPORT.some((a) => imp.startsWith(a)))
        out.push(`${from} imports ${imp} (the cluster DNS stands on the client seam)`);
      if (from.startsWith(PROXY) && !PROXY_MAY_IMPORT.some((a) => imp.startsWith(a)))
        out.push(`${from} imports ${imp} (the service proxy stands on the client seam)`);
    }
    for (const pkg of packagesOf(f.text)) {
      if (HTTP_SERVING.includes(pkg) && !from.startsWith('api/') && !from.startsWith('server/'))
        out.push(`${from} imports ${pkg} (serving HTTP is src/api's)`);
    }
  }
  return out;
}

test('no module imports a layer above it (src/api, src/server, src/cli), and only src/api serves HTTP', () => {
  const files = tsFiles(src).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  expect(files.length).toBeGreaterThan(100);
  expect(violations(files)).toEqual([]);
});

test('the check sees static, re-exported and dynamic imports', () => {
  const at = (p: string) => join(src, p);
  const found = violations([
    { path: at('registry/x.ts'), text: "import { a } from '../api/errors.js';\n" },
    { path: at('storage/y.ts'), text: "export { b } from '../api/app.js';\n" },
    { path: at('reconcilers/kubelet/z.ts'), text: "const m = await import('../../api/streams/log.js');\n" },
    { path: at('machinery/api/w.ts'), text: "import type { K } from '../../registry/types.js';\n" },
    { path: at('reconcilers/w.ts'), text: "import type { Logger } from '../server/log.js';\n" },
    { path: at('server/v.ts'), text: "import type { ServerOptions } from '../cli/flags.js';\n" },
    { path: at('openapi/r.ts'), text: "import express, { type Request } from 'express';\n" },
    { path: at('api/ok.ts'), text: "import { c } from './errors.js';\nimport { d } from '../machinery/api/errors.js';\n" },
    { path: at('server/ok.ts'), text: "import { e } from '../api/app.js';\n" },
    { path: at('reconcilers/u.ts'), text: "import { f } from '../dns/zone-answer.js';\n" },
    { path: at('dns/t.ts'), text: "import { g } from '../storage/sqlite-store.js';\nimport { h } from '../client/informer.js';\n" },
    { path: at('reconcilers/s.ts'), text: "import { i } from '../proxy/proxy.js';\n" },
    { path: at('proxy/r.ts'), text: "import { j } from '../registry/service.js';\nimport { k } from '../client/informer.js';\n" },
  ]);
  expect(found).toEqual([
    'registry/x.ts imports api/errors.ts (the HTTP layer)',
    'storage/y.ts imports api/app.ts (the HTTP layer)',
    'reconcilers/kubelet/z.ts imports api/streams/log.ts (the HTTP layer)',
    'machinery/api/w.ts imports registry/types.ts (the machinery stands on itself only)',
    'reconcilers/w.ts imports server/log.ts (the composition root)',
    'server/v.ts imports cli/flags.ts (the command line)',
    "openapi/r.ts imports express (serving HTTP is src/api's)",
    'reconcilers/u.ts imports dns/zone-answer.ts (the cluster DNS)',
    'dns/t.ts imports storage/sqlite-store.ts (the cluster DNS stands on the client seam)',
    'reconcilers/s.ts imports proxy/proxy.ts (the service proxy)',
    'proxy/r.ts imports registry/service.ts (the service proxy stands on the client seam)',
  ]);
});
