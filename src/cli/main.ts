// dockube's command line: `dockube server|version|status|stop|delete|kubeconfig ...`.
import { processIo, serverOptionsOrExit } from './flags.js';
import { runKubeconfigCommand } from './kubeconfig-command.js';
import { runKubeconfigFileCommand } from './kubeconfig-file-command.js';
import { isLifecycleCommand, runLifecycleCommand } from './lifecycle-commands.js';
import { preflight, StartupCheckFailed } from './preflight.js';
import { startupErrorLine } from './startup-errors.js';
import { startServer } from '../server/server.js';
import { StartupError } from '../server/identity-controllers.js';

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
  // Every check before anything is written: a failed start leaves the data dir as it was.
  const { lock, identity } = await preflight(opts);
  const server = await startServer({ ...opts, nodeName: identity.nodeName, podNetwork: identity.podNetwork });
  await lock.setUrl(server.url);
  const shutdown = (signal: string) => {
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
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    process.exit(cmd ? 0 : 2);
  }
  if (cmd === 'kubeconfig') {
    if (rest[0] === 'merge' || rest[0] === 'print') return runKubeconfigFileCommand(rest[0], rest.slice(1), processIo);
    return runKubeconfigCommand(rest, processIo);
  }
  if (isLifecycleCommand(cmd)) return runLifecycleCommand(cmd, rest, processIo);
  if (cmd !== 'server') {
    process.stderr.write(`Error: unknown command "${cmd}" for "dockube"\n${USAGE}`);
    process.exit(2);
  }
  return runServer(rest);
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof StartupError || e instanceof StartupCheckFailed) {
    process.stderr.write(`Error: ${e.message}\n`);
    process.exit(1);
  }
  // Errors the system gives (EACCES, EADDRINUSE...) in one line; anything else with its stack, as a bug.
  const line = startupErrorLine(e);
  process.stderr.write(line ? `Error: ${line}\n` : `dockube: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
