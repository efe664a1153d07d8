// dockube's command line: `dockube server [flags]`.
import { processIo, serverOptionsOrExit } from './flags.js';
import { runKubeconfigCommand } from './kubeconfig-command.js';
import { startServer } from '../server/server.js';
import { StartupError } from '../server/identity-controllers.js';

const USAGE = `dockube: a Kubernetes API server that runs workloads on Docker.

Usage:
  dockube server [flags]   run the API server in the foreground (see 'dockube server --help')
  dockube kubeconfig --user NAME [--group G ...]
                           mint a kubeconfig for a user, signed by the cluster CA (see 'dockube kubeconfig --help')
`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    process.exit(cmd ? 0 : 2);
  }
  if (cmd === 'kubeconfig') return runKubeconfigCommand(rest, processIo);
  if (cmd !== 'server') {
    process.stderr.write(`Error: unknown command "${cmd}" for "dockube"\n${USAGE}`);
    process.exit(2);
  }
  const opts = serverOptionsOrExit(rest);
  const server = await startServer(opts);
  const shutdown = (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (e) => {
        server.log.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof StartupError) {
    process.stderr.write(`Error: ${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`dockube: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
