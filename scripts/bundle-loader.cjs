// dist/bundle/main.cjs (copied there by scripts/bundle.mjs, BUNDLE_FILE replaced by the bundle's name): runs the
// CommonJS bundle of the server with V8's code cache. Node 20 keeps no compiled code between runs (module's
// enableCompileCache is Node 22's), so every start parsed and compiled ~3 MB of JavaScript again. The first server of
// a build saves what V8 compiled until it was ready next to the bundle; later runs deserialize it instead of compiling.
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry, as the bundle it runs */
'use strict';
const { readFileSync, writeFileSync, renameSync, rmSync } = require('node:fs');
const { Script } = require('node:vm');
const { createRequire } = require('node:module');
const { join } = require('node:path');

const file = join(__dirname, 'BUNDLE_FILE');
// The bundle's name carries its content hash; V8 also refuses data from another V8 version or other flags.
const cacheFile = `${file}.${process.version}-${process.arch}.v8cache`;
/**
 * The server emits this on `process` once /readyz answers (src/cli/main.ts): the cache, if missing or refused, is saved
 * then, holding what a start compiles before it is ready. Saved 10 s in (as it was), it also held the controllers' and
 * kubelet's code, which every start then deserialized before /readyz (2.4 MB against 1.9: ~20 ms CPU to /readyz in
 * interleaved restarts; that code now compiles after /readyz, when it first runs).
 */
const READY_EVENT = 'dockube:ready';
/** Or this long after start, for a server not ready by then. */
const SAVE_AFTER_MS = 10_000;

/** DOCKUBE_COMPILE_CACHE=off: compiled from source every time, nothing saved (how a start compares without it). */
const useCache = process.env.DOCKUBE_COMPILE_CACHE !== 'off';

let cachedData;
try {
  if (useCache) cachedData = readFileSync(cacheFile);
} catch {
  // none yet: compiled from source, saved below
}
// The bundle as scripts/bundle.mjs wrote it: a function of what a CommonJS module is given, in Latin-1 (one byte a
// character), read as such: a copy, where UTF-8 would be decoded character by character.
const script = new Script(readFileSync(file, 'latin1'), {
  filename: file,
  cachedData,
});
const saveNeeded = !cachedData || script.cachedDataRejected;
cachedData = undefined;
const bundleModule = { exports: {}, filename: file, id: file };
script.runInThisContext().call(bundleModule.exports, bundleModule.exports, createRequire(file), bundleModule, file, __dirname);

if (useCache && saveNeeded) {
  const save = () => {
    clearTimeout(late);
    process.removeListener(READY_EVENT, save);
    // Written whole, then renamed: a process starting meanwhile reads the old state or the new, never half.
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install runs without the cache, as before it existed.
      rmSync(tmp, { force: true });
    }
  };
  const late = setTimeout(save, SAVE_AFTER_MS).unref();
  process.once(READY_EVENT, save);
}
