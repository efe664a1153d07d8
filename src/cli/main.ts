// dockube's command line: `dockube server|version|status|stop|delete|kubeconfig ...`.
// Each command loads only its own modules: `dockube status` need not load the whole server.
import { processIo, serverOptionsOrExit } from './flags.js';
import { startupErrorLine, StartupCheckFailed } from './startup-errors.js';

const LIFECYCLE = ['version', 'status', 'stop', 'delete'];
/** Emitted on `process` once the server answers /readyz: scripts/bundle-loader.cjs saves V8's code cache then. */
const READY_EVENT = 'dockube:ready';

const USAGE = `dockube: a Kubernetes API server that runs workloads on Docker.

Usage:
  dockube server [flags]      run the API server in the foreground (see 'dockube server --help')
  dockube version             print dockube's version, the Kubernetes API version it serves and the Docker engine's
  dockube status [flags]      whether the server of a data dir runs, its address, nodes and pods
  dockube stop [flags]        stop the server of a data dir (its pods keep running, as over a kubelet restart)
  dockube delete [flags]      stop it and remove everything the cluster made: containers, volumes, networks,
                              service rules and routes, then the data dir (--keep-data keeps it)
  dockube kubeconfig merge|print [flags]
                              merge the cluster's kubeconfig into ~/.kube/config ($KUBECONFIG), or print it
  dockube kubeconfig --user NAME [--group G ...]
                              mint a kubeconfig for a user, signed by the cluster CA (see 'dockube kubeconfig --help')

Each command takes --help.
`;

async function runServer(argv: string[]): Promise<void> {
  const opts = serverOptionsOrExit(argv);
  // SIGTERM and SIGINT are ours from the start: one that comes while the server starts is kept and acted on once it
  // has started (the default action would kill it midway, its service rules left behind); a second one still kills.
  let pendingSignal: string | undefined;
  let shutdown: ((signal: string) => void) | undefined;
  const onSignal = (signal: string) => (shutdown ? shutdown(signal) : (pendingSignal ??= signal));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  // Every check before anything is written: a failed start leaves the data dir as it was.
  const { preflight } = await import('./preflight.js');
  const checked = preflight(opts);
  let failed = false;
  checked.catch(() => (failed = true));
  // The server's modules load while the checks wait on the port and the engine: once the event loop has turned, their
  // requests are out (in the bundle import() is a synchronous require, which would otherwise hold them back until every
  // module had loaded). A check that failed by then needs none of them.
  await new Promise((resolve) => setImmediate(resolve));
  const serverModule = failed ? undefined : import('../server/server.js');
  serverModule?.catch(() => undefined);
  const { lock, identity } = await checked;
  const { startServer } = await serverModule!;
  const server = await startServer({
    ...opts,
    nodeName: identity.nodeName,
    podNetwork: identity.podNetwork,
    onReady: () => (process as NodeJS.EventEmitter).emit(READY_EVENT),
  });
  await lock.setUrl(server.url);
  shutdown = (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => {
        lock.release();
        process.exit(0);
      },
      (e) => {
        server.log.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (pendingSignal) shutdown(pendingSignal);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    process.exit(cmd ? 0 : 2);
  }
  if (cmd === 'kubeconfig') {
    if (rest[0] === 'merge' || rest[0] === 'print')
      return (await import('./kubeconfig-file-command.js')).runKubeconfigFileCommand(rest[0], rest.slice(1), processIo);
    return (await import('./kubeconfig-command.js')).runKubeconfigCommand(rest, processIo);
  }
  if (LIFECYCLE.includes(cmd)) {
    const { isLifecycleCommand, runLifecycleCommand } = await import('./lifecycle-commands.js');
    if (isLifecycleCommand(cmd)) return runLifecycleCommand(cmd, rest, processIo);
  }
  if (cmd !== 'server') {
    process.stderr.write(`Error: unknown command "${cmd}" for "dockube"\n${USAGE}`);
    process.exit(2);
  }
  return runServer(rest);
}

main(process.argv.slice(2)).catch(async (e) => {
  // StartupError (a bad --token-auth-file) is the server's: its module is loaded only on this path.
  if (e instanceof StartupCheckFailed || e instanceof (await import('../server/identity-controllers.js')).StartupError) {
    process.stderr.write(`Error: ${e.message}\n`);
    process.exit(1);
  }
  // Errors the system gives (EACCES, EADDRINUSE...) in one line; anything else with its stack, as a bug.
  const line = startupErrorLine(e);
  process.stderr.write(line ? `Error: ${line}\n` : `dockube: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
