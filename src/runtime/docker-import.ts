// dockerode, loaded without the SSH and gRPC stacks it requires at import time but dockube never calls.
// docker-modem requires ssh2 (for ssh:// hosts; ssh2's WebAssembly poly1305 alone holds 16 MiB) and dockerode requires
// @grpc/grpc-js, @grpc/proto-loader and protobufjs (for BuildKit sessions of buildImage). Together about 22 MB of
// the server's idle RSS and ~100 ms of loading, for engines dockube reaches over a unix socket or plain TCP.
// Both modules are replaced, before dockerode loads, by stand-ins that load the real module on their first call:
// nothing changes for a caller that does use them.
import Module, { createRequire } from 'node:module';
import type Dockerode from 'dockerode';

const require = createRequire(import.meta.url);

/** dockerode's and docker-modem's own files, resolved as dockerode itself resolves them. */
function deferredFiles(): string[] {
  const dockerodeMain = require.resolve('dockerode');
  const fromDockerode = createRequire(dockerodeMain);
  const modemMain = fromDockerode.resolve('docker-modem');
  return [fromDockerode.resolve('./session'), createRequire(modemMain).resolve('./ssh')];
}

/** Puts a stand-in for the CommonJS module at `file` (which exports one function) into the require cache. */
function deferFunctionModule(file: string): void {
  if (require.cache[file]) return; // already loaded, stand-in or real
  let real: ((...args: unknown[]) => unknown) | undefined;
  const load = () => {
    if (!real) {
      const standIn = require.cache[file];
      delete require.cache[file];
      try {
        real = require(file) as (...args: unknown[]) => unknown;
      } finally {
        require.cache[file] = standIn;
      }
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = function (this: unknown, ...args: unknown[]) {
    return load().apply(this, args);
  };
  require.cache[file] = standIn;
}

let loaded: Promise<typeof Dockerode> | undefined;

/** dockerode's constructor, its SSH and gRPC dependencies deferred to their first use. */
export function loadDockerode(): Promise<typeof Dockerode> {
  return (loaded ??= (async () => {
    deferredFiles().forEach(deferFunctionModule);
    return (await import('dockerode')).default;
  })());
}
