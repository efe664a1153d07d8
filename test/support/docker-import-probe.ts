// Run in a child node (test/runtime/docker-import.test.ts): loads dockerode through loadDockerode, talks to the real
// engine, then asks an ssh:// client to connect; prints which of dockerode's heavy dependencies were loaded when.
import { createRequire } from 'node:module';
import { loadDockerode } from '../../src/runtime/docker-import.js';

const loadedHeavy = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules\/(ssh2|@grpc\/grpc-js|@grpc\/proto-loader)\//.test(f))
    .length;

const Docker = await loadDockerode();
const ping = String(await new Docker({ socketPath: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' }).ping());
const afterEngineCall = loadedHeavy();
// Nothing listens on port 1: the stand-in loads the real SSH module, whose client then fails to connect.
const sshError = await new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' } as never).ping().then(
  () => 'none',
  (e: Error) => e.message,
);
process.stdout.write(JSON.stringify({ ping, afterEngineCall, afterSsh: loadedHeavy(), sshError }));
