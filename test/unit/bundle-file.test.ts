// The bundle bin/dockube runs (scripts/bundle.mjs, `npm run build`): written as Latin-1, wrapped as a CommonJS module,
// and read back by its loader (scripts/bundle-loader.cjs) character for character.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundleDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bundle');
const loader = join(bundleDir, 'main.cjs');

function bundleText(): string {
  const name = /"(dockube-[0-9a-f]+\.cjs)"/.exec(readFileSync(loader, 'utf8'))?.[1];
  if (!name) throw new Error(`${loader} names no bundle: run npm run build`);
  return readFileSync(join(bundleDir, name), 'latin1');
}

test('the bundle is one function of what a CommonJS module is given, every character within Latin-1', () => {
  const text = bundleText();
  expect(text.startsWith("(function (exports, require, module, __filename, __dirname) {'use strict';")).toBe(true);
  expect(text.trimEnd().endsWith('})')).toBe(true);
  // V8 keeps a source of such characters at one byte each; one beyond would double the heap it takes.
  expect([...text].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
});

test("a regular expression's micro sign (Go's µs, kept as it is in the bundle) reads back as the same character", () => {
  // src/apiextensions/schema/formats.ts's duration format and the CronJob schedule's Go durations.
  expect(bundleText()).toContain('(ns|us|\u00b5s|ms|s|m|h|d|w)');
  expect(bundleText()).not.toContain('\u00c2\u00b5'); // UTF-8's two bytes read as Latin-1
});

test('the loader runs it', () => {
  expect(execFileSync(process.execPath, [loader, '--help'], { encoding: 'utf8' })).toContain('dockube server [flags]');
});
