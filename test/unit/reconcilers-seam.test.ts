// Nothing in src/reconcilers reaches the store side-door (DESIGN.md "the seams"): no module imports the registry's
// service, the store, or the API server's service account machinery (the signing key, the token issuer); they get
// there through a Client only. context.ts alone builds the in-process client from the service it is handed.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const src = resolve(dirname(new URL(import.meta.url).pathname), '../../src');
const FORBIDDEN = [
  'registry/service.ts',
  'registry/registry.ts',
  'storage/',
  'serviceaccount/runtime.ts',
  'serviceaccount/token-request.ts',
  'serviceaccount/tokens.ts',
  'serviceaccount/signing-key.ts',
];
const COMPOSITION = ['reconcilers/context.ts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)].map((m) =>
    relative(src, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'),
  );

test('no reconciler imports the store, the registry service or the token issuer', () => {
  const files = tsFiles(join(src, 'reconcilers')).filter((f) => !COMPOSITION.includes(relative(src, f)));
  expect(files.length).toBeGreaterThan(20);
  const bad = files.flatMap((f) =>
    importsOf(f)
      .filter((i) => FORBIDDEN.some((x) => i.startsWith(x)))
      .map((i) => `${relative(src, f)} → ${i}`),
  );
  expect(bad).toEqual([]);
});

test('the check sees an import of the service', () => {
  const kubelet = join(src, 'reconcilers/kubelet/kubelet.ts');
  expect(importsOf(kubelet).length).toBeGreaterThan(3);
  expect(importsOf(join(src, 'reconcilers/context.ts'))).toContain('registry/service.ts');
});

// The kubelet reaches its engine through the ContainerRuntime (src/runtime/container-runtime.ts) only: containers,
// images, exec, events and volumes alike; the Docker client lives in src/runtime and src/node.
const importsDockerode = (file: string) => /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'dockerode'/m.test(readFileSync(file, 'utf8'));

test('no reconciler imports dockerode', () => {
  const files = tsFiles(join(src, 'reconcilers'));
  expect(files.length).toBeGreaterThan(20);
  expect(files.filter(importsDockerode).map((f) => relative(src, f))).toEqual([]);
});

test('the check sees an import of dockerode', () => {
  expect(importsDockerode(join(src, 'node/docker-client.ts'))).toBe(true);
  expect(importsDockerode(join(src, 'runtime/docker-runtime.ts'))).toBe(true);
});
