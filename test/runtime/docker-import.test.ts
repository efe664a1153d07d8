// dockerode without its SSH and gRPC stacks until they are used (src/runtime/docker-import.ts), checked in a child
// node: jest's own module registry does not go through Node's require cache, which the stand-ins live in.
import { execFileSync } from 'node:child_process';
import { root } from './support.js';

test('engine calls load neither ssh2 nor gRPC; an ssh:// client still loads and uses ssh2', () => {
  const out = execFileSync(process.execPath, ['--import', './test/support/ts-loader.mjs', 'test/support/docker-import-probe.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const r = JSON.parse(out) as { ping: string; afterEngineCall: number; afterSsh: number; sshError: string };
  expect(r.ping).toBe('OK');
  expect(r.afterEngineCall).toBe(0);
  expect(r.afterSsh).toBeGreaterThan(0);
  expect(r.sshError).toMatch(/ECONNREFUSED|connect/i);
});
