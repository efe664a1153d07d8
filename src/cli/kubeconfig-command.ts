// `dockube kubeconfig --user NAME [--group G ...]`: mints a client certificate for a user, signed by the cluster CA
// of a data dir, and prints (or writes) a kubeconfig for it. The server need not run: only the CA files are read.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { dataDirLayout } from '../data-dir.js';
import { writeFileAtomic } from '../pki/files.js';
import {
  loadClusterCa,
  mintUserCredentials,
  MissingCaError,
  DEFAULT_USER_CERT_SECONDS,
  MIN_USER_CERT_SECONDS,
} from '../pki/user-credentials.js';
import { serverOfKubeconfig, userKubeconfig } from '../pki/user-kubeconfig.js';
import { FlagError, type CliIo } from './flags.js';

export const KUBECONFIG_USAGE = `Usage: dockube kubeconfig --user NAME [flags]

Mints a client certificate for a user, signed by the cluster CA in the data dir (CN is the user name, each --group
an O value: the groups Kubernetes' x509 authenticator reads), and prints a kubeconfig for it. The server need not run.
The user may do what RBAC bindings for the user or its groups grant, nothing more.

Flags:
      --user string                 User name (the certificate's common name); required
      --group stringArray           Group the user is in (the certificate's organization); repeatable
      --data-dir string             Data dir holding the cluster CA (default "./.dockube")
      --out string                  Write the kubeconfig to this file (mode 0600) instead of standard output
      --expiration-seconds int      Lifetime of the certificate, at least 600 (default ${DEFAULT_USER_CERT_SECONDS}, a year)
      --server string               API server URL (default: the one in <data-dir>/kubeconfig.yaml, else https://127.0.0.1:6443)
  -h, --help                        Print this help and exit
`;

export interface KubeconfigCommand {
  user: string;
  groups: string[];
  dataDir: string;
  out?: string;
  expirationSeconds: number;
  server?: string;
}

/** Parses the arguments after `dockube kubeconfig`; `{ help }` when asked; FlagError when malformed. */
export function parseKubeconfigFlags(argv: string[], cwd = process.cwd()): KubeconfigCommand | { help: string } {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        user: { type: 'string' },
        group: { type: 'string', multiple: true },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        'expiration-seconds': { type: 'string' },
        server: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new FlagError((e as Error).message);
  }
  if (values.help) return { help: KUBECONFIG_USAGE };
  const user = values.user as string | undefined;
  if (!user) throw new FlagError('required flag(s) "user" not set');
  const groups = (values.group as string[] | undefined) ?? [];
  if (groups.some((g) => g === '')) throw new FlagError('invalid argument "" for "--group" flag: must not be empty');
  const secondsText = values['expiration-seconds'] as string | undefined;
  const expirationSeconds = secondsText === undefined ? DEFAULT_USER_CERT_SECONDS : /^\d+$/.test(secondsText) ? Number(secondsText) : NaN;
  if (!(expirationSeconds >= MIN_USER_CERT_SECONDS))
    throw new FlagError(
      `invalid argument "${secondsText}" for "--expiration-seconds" flag: must be a whole number of seconds, at least ${MIN_USER_CERT_SECONDS}`,
    );
  const dataDirText = values['data-dir'] as string | undefined;
  if (dataDirText === '') throw new FlagError('invalid argument "" for "--data-dir" flag: must not be empty');
  const out = values.out as string | undefined;
  return {
    user,
    groups,
    dataDir: resolve(cwd, dataDirText ?? './.dockube'),
    ...(out ? { out: resolve(cwd, out) } : {}),
    expirationSeconds,
    ...(values.server ? { server: values.server as string } : {}),
  };
}

/** Runs `dockube kubeconfig`: exit 0 with the kubeconfig, 2 for bad flags, 1 when the data dir has no CA. */
export async function runKubeconfigCommand(argv: string[], io: CliIo): Promise<void> {
  let cmd: KubeconfigCommand;
  try {
    const parsed = parseKubeconfigFlags(argv);
    if ('help' in parsed) {
      io.stdout(parsed.help);
      return io.exit(0);
    }
    cmd = parsed;
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr(`Error: ${e.message}\nRun 'dockube kubeconfig --help' for usage.\n`);
    return io.exit(e.exitCode);
  }
  let ca;
  try {
    ca = await loadClusterCa(cmd.dataDir);
  } catch (e) {
    if (!(e instanceof MissingCaError)) throw e;
    io.stderr(`Error: ${e.message}\n`);
    return io.exit(1);
  }
  const server = cmd.server ?? (await serverOfKubeconfig(dataDirLayout(cmd.dataDir).kubeconfig)) ?? 'https://127.0.0.1:6443';
  const creds = await mintUserCredentials(ca, cmd.user, cmd.groups, cmd.expirationSeconds);
  const text = userKubeconfig({ server, caCertPem: ca.certPem, user: cmd.user, certPem: creds.certPem, keyPem: creds.keyPem });
  if (cmd.out) {
    await writeFileAtomic(cmd.out, text, 0o600);
    io.stderr(
      `kubeconfig for user "${cmd.user}" (groups: ${cmd.groups.join(',') || '<none>'}, until ${creds.notAfter.toISOString()}) written to ${cmd.out}\n`,
    );
  } else io.stdout(text);
}
