// Module hooks behind ts-loader.mjs: '.js' imports from a .ts module resolve to the .ts file beside them (the
// NodeNext convention the sources follow), and .ts files are transpiled to ES modules on load. Transpiled files are
// kept in a disk cache keyed by their source: a server started this way compiled ~700 files on each start (many CPU
// seconds, a minute on a loaded CI host); typescript itself loads only on a cache miss.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE_DIR = join(tmpdir(), 'dockube-ts-loader-v1');
let ts;

export async function resolve(specifier, context, next) {
  if (context.parentURL?.endsWith('.ts') && /^(\.{1,2}\/|\/|file:)/.test(specifier) && specifier.endsWith('.js')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const source = readFileSync(fileName, 'utf8');
  const cached = join(CACHE_DIR, createHash('sha256').update(fileName).update('\0').update(source).digest('hex') + '.js');
  try {
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  } catch {
    // not cached yet
  }
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
      esModuleInterop: true,
    },
  });
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, out.outputText);
    renameSync(tmp, cached); // atomic: a concurrent reader sees the whole file or none
  } catch {
    // an unwritable cache only costs the next start its compile
  }
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
