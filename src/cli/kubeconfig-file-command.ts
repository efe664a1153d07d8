// `dockube kubeconfig merge|print`: the cluster's admin kubeconfig (the one the server writes in its data dir) merged
// into the user's kubeconfig, keeping every other cluster, user and context, as `kind export kubeconfig` and
// `k3d kubeconfig merge` do; or printed.
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { dataDirLayout } from '../data-dir.js';
import { readIfExists, writeFileAtomic } from '../pki/files.js';
import { CLUSTER_NAME } from '../pki/kubeconfig.js';
import { mergeKubeconfig, renameKubeconfig, type KubeconfigDoc } from '../pki/kubeconfig-merge.js';
import { FlagError, type CliIo } from './flags.js';

const USAGE = {
  merge: `Usage: dockube kubeconfig merge [flags]

Adds this cluster's clusters, users and contexts to your kubeconfig (or updates them), keeping every other entry,
and makes its admin context the current one. The source is the kubeconfig the server wrote in its data dir.

Flags:
      --data-dir string       The cluster's data dir (default "./.dockube")
      --kubeconfig string     The kubeconfig to merge into (default: the first file of $KUBECONFIG, else ~/.kube/config)
      --name string           Name of the cluster and prefix of its users and contexts, for several clusters in one
                              kubeconfig (default "${CLUSTER_NAME}")
      --switch-context        Make the cluster's admin context current (default true; --switch-context=false keeps yours)
  -h, --help                  Print this help and exit
`,
  print: `Usage: dockube kubeconfig print [flags]

Prints the cluster's admin kubeconfig (the one the server wrote in its data dir).

Flags:
      --data-dir string       The cluster's data dir (default "./.dockube")
      --name string           Name of the cluster and prefix of its users and contexts (default "${CLUSTER_NAME}")
  -h, --help                  Print this help and exit
`,
};

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export async function runKubeconfigFileCommand(cmd: 'merge' | 'print', argv: string[], io: CliIo, env = process.env): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    // --switch-context=false: parseArgs has no negation, so the flag takes an optional value by hand below.
    const args = argv.map((a) =>
      a === '--switch-context=false' ? '--no-switch-context' : a === '--switch-context=true' ? '--switch-context' : a,
    );
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...(cmd === 'merge'
          ? {
              kubeconfig: { type: 'string' as const },
              'switch-context': { type: 'boolean' as const },
              'no-switch-context': { type: 'boolean' as const },
            }
          : {}),
      },
    }));
    if (values.name !== undefined && !NAME.test(values.name as string))
      throw new FlagError(`invalid argument "${values.name}" for "--name" flag: must be lower-case letters, digits, '-' and '.'`);
  } catch (e) {
    const msg = (e as Error).message;
    io.stderr(`Error: ${e instanceof FlagError ? msg : /'([^']+)'/.test(msg) ? `unknown flag: ${/'([^']+)'/.exec(msg)![1]}` : msg}\n`);
    io.stderr(`Run 'dockube kubeconfig ${cmd} --help' for usage.\n`);
    return io.exit(2);
  }
  if (values.help) {
    io.stdout(USAGE[cmd]);
    return io.exit(0);
  }
  const dataDir = resolve((values['data-dir'] as string | undefined) || './.dockube');
  const source = dataDirLayout(dataDir).kubeconfig;
  const text = await readIfExists(source);
  if (text === undefined) {
    io.stderr(`Error: no kubeconfig in ${dataDir}: start the cluster once ('dockube server --data-dir ${dataDir}') to write it\n`);
    return io.exit(1);
  }
  const ours = renameKubeconfig(yaml.load(text) as KubeconfigDoc, CLUSTER_NAME, (values.name as string | undefined) ?? CLUSTER_NAME);
  if (cmd === 'print') {
    io.stdout(yaml.dump(ours, { lineWidth: -1, noRefs: true }));
    return io.exit(0);
  }
  const target =
    (values.kubeconfig as string | undefined) ||
    (env.KUBECONFIG ?? '').split(delimiter).find(Boolean) ||
    join(homedir(), '.kube', 'config');
  let existing: KubeconfigDoc | undefined;
  try {
    const t = await readIfExists(target);
    existing = t ? ((yaml.load(t) as KubeconfigDoc | null) ?? undefined) : undefined;
  } catch (e) {
    io.stderr(`Error: ${target} is not a kubeconfig (${(e as Error).message.split('\n')[0]}): fix it or pass another --kubeconfig\n`);
    return io.exit(1);
  }
  const merged = mergeKubeconfig(existing, ours, values['no-switch-context'] !== true);
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await writeFileAtomic(target, yaml.dump(merged, { lineWidth: -1, noRefs: true }));
  io.stdout(`merged cluster "${ours.clusters?.[0]?.name}" into ${target}; current context: ${merged['current-context']}\n`);
  return io.exit(0);
}
