// Lets a child `node` process run the TypeScript sources as ts-jest runs them in jest (per-file transpile with
// TypeScript itself, no type check): `node --import ./test/support/ts-loader.mjs src/x.ts`. For tests that
// need the real server in its own process (its own heap), without depending on a stale or missing dist/ build.
import { register } from 'node:module';

register('./ts-loader-hooks.mjs', import.meta.url);
