// `dockube version|status|stop|delete`: the lifecycle of the cluster a data dir holds, as kind's and k3d's
// commands. The running server is found through the data dir's lock (its PID and URL).
import https from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataDirLayout } from '../data-dir.js';
import { versionInfo } from '../machinery/version.js';
import { parseDockerHost } from '../runtime/docker.js';
import { DEFAULT_DOCKER_HOST, FlagError, parseDuration, type CliIo } from './flags.js';
import { lockHolder, runsDockube } from './data-dir-lock.js';
import { probeEngine } from '../runtime/engine-probe.js';
import { removeCluster } from './cluster-cleanup.js';

export const LIFECYCLE_COMMANDS = ['version', 'status', 'stop', 'delete'] as const;
type Command = (typeof LIFECYCLE_COMMANDS)[number];

const COMMON = `      --data-dir string       The cluster's data dir (default "./.dockube")`;
const DOCKER_HOST_FLAG = `      --docker-host string    Docker endpoint (default $DOCKER_HOST, else "${DEFAULT_DOCKER_HOST}")`;
const HELP = `  -h, --help              Print this help and exit`;

export const USAGES: Record<Command, string> = {
  version: `Usage: dockube version [flags]

Prints dockube's version, the Kubernetes API version it serves and the version of the Docker engine it would use.

Flags:
${DOCKER_HOST_FLAG}
  -o, --output string         "json" for a JSON document
${HELP}
`,
  status: `Usage: dockube status [flags]

Says whether the server of a data dir runs and, when it does, its address, nodes and pods.
Exit code 0 when it runs, 3 when it does not, 1 when the data dir holds no cluster.

Flags:
${COMMON}
${HELP}
`,
  stop: `Usage: dockube stop [flags]

Stops the server of a data dir (SIGTERM) and waits for it to exit. Its pods keep running, as over a kubelet
restart: the next 'dockube server' on the data dir adopts them.

Flags:
${COMMON}
      --timeout duration      How long to wait for the server to exit (default 60s)
${HELP}
`,
  delete: `Usage: dockube delete [flags]

Stops the server of a data dir, then removes everything its cluster made: containers, volumes and networks (found by
their dockube.io/instance and dockube.io/data-dir labels), its service rules (iptables chains and jumps) and route,
and finally the data dir itself.

Flags:
${COMMON}
${DOCKER_HOST_FLAG}
      --keep-data             Keep the data dir (state, certificates, kubeconfig); remove only what runs
      --timeout duration      How long to wait for the server to exit (default 60s)
${HELP}
`,
};

interface Parsed {
  dataDir: string;
  dockerHost: string;
  keepData: boolean;
  timeoutMs: number;
  output?: string;
}

export function parseLifecycleFlags(cmd: Command, argv: string[], env = process.env, cwd = process.cwd()): Parsed | { help: string } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  if (cmd !== 'version') options['data-dir'] = { type: 'string' };
  if (cmd === 'version' || cmd === 'delete') options['docker-host'] = { type: 'string' };
  if (cmd === 'stop' || cmd === 'delete') options.timeout = { type: 'string' };
  if (cmd === 'delete') options['keep-data'] = { type: 'boolean' };
  if (cmd === 'version') options.output = { type: 'string', short: 'o' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    const msg = (e as Error).message;
    throw new FlagError(/Unknown option '([^']+)'/.test(msg) ? `unknown flag: ${/'([^']+)'/.exec(msg)![1]}` : msg);
  }
  if (values.help) return { help: USAGES[cmd] };
  const timeoutText = (values.timeout as string | undefined) ?? '60s';
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === undefined)
    throw new FlagError(`invalid argument "${timeoutText}" for "--timeout" flag: time: invalid duration "${timeoutText}"`);
  const output = values.output as string | undefined;
  if (output !== undefined && output !== 'json') throw new FlagError(`invalid argument "${output}" for "--output" flag: must be json`);
  return {
    dataDir: resolve(cwd, (values['data-dir'] as string | undefined) || './.dockube'),
    dockerHost: (values['docker-host'] as string | undefined) || env.DOCKER_HOST || DEFAULT_DOCKER_HOST,
    keepData: values['keep-data'] === true,
    timeoutMs,
    ...(output ? { output } : {}),
  };
}

export async function runLifecycleCommand(cmd: Command, argv: string[], io: CliIo): Promise<void> {
  let p: Parsed;
  try {
    const parsed = parseLifecycleFlags(cmd, argv);
    if ('help' in parsed) {
      io.stdout(parsed.help);
      return io.exit(0);
    }
    p = parsed;
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr(`Error: ${e.message}\nRun 'dockube ${cmd} --help' for usage.\n`);
    return io.exit(2);
  }
  switch (cmd) {
    case 'version':
      return version(p, io);
    case 'status':
      return status(p, io);
    case 'stop':
      await stopServer(p, io);
      return io.exit(0);
    case 'delete':
      return remove(p, io);
  }
}

/** dockube's own version, from the package.json above this module (tsc's output and the bundle both sit in dist/). */
function dockubeVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const f = join(dir, 'package.json');
    if (!existsSync(f)) continue;
    const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'dockube') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}

async function version(p: Parsed, io: CliIo): Promise<never> {
  const engine = await probeEngine(parseDockerHost(p.dockerHost), 3000);
  const v = {
    dockube: dockubeVersion(),
    kubernetes: versionInfo().gitVersion,
    docker: engine.ok
      ? { version: engine.version, apiVersion: engine.apiVersion, host: p.dockerHost }
      : { error: engine.code, host: p.dockerHost },
    node: process.version,
  };
  if (p.output === 'json') io.stdout(JSON.stringify(v, null, 2) + '\n');
  else
    io.stdout(
      `dockube: ${v.dockube}\nKubernetes API: ${v.kubernetes}\n` +
        `Docker engine: ${engine.ok ? `${engine.version} (API ${engine.apiVersion})` : `not answering (${engine.code})`} at ${p.dockerHost}\n` +
        `Node.js: ${v.node}\n`,
    );
  return io.exit(0);
}

/** GET `path` as the cluster admin (the data dir's client certificate). */
function adminGet(dataDir: string, url: string, path: string): Promise<Record<string, unknown>> {
  const pki = dataDirLayout(dataDir).pki;
  const read = (f: string) => readFileSync(f, 'utf8');
  return new Promise((resolveGet, reject) => {
    const req = https.get(
      new URL(path, url),
      { ca: read(pki.cert('ca')), cert: read(pki.cert('admin')), key: read(pki.key('admin')), timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolveGet(JSON.parse(body)) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in 5s`)));
    req.on('error', reject);
  });
}

type Item = { metadata?: { name?: string }; status?: { phase?: string; conditions?: { type: string; status: string }[] } };

async function status(p: Parsed, io: CliIo): Promise<never> {
  if (!existsSync(dataDirLayout(p.dataDir).stateDb)) {
    io.stderr(`Error: no dockube cluster in ${p.dataDir} (no state.db): start one with 'dockube server --data-dir ${p.dataDir}'\n`);
    return io.exit(1);
  }
  const holder = lockHolder(p.dataDir);
  if (!holder) {
    io.stdout(`dockube (${p.dataDir}): not running\n`);
    return io.exit(3);
  }
  io.stdout(`dockube (${p.dataDir}): running, pid ${holder.pid}${holder.url ? `, ${holder.url}` : ' (starting)'}\n`);
  if (!holder.url) return io.exit(0);
  try {
    const [nodes, pods] = await Promise.all([
      adminGet(p.dataDir, holder.url, '/api/v1/nodes'),
      adminGet(p.dataDir, holder.url, '/api/v1/pods'),
    ]);
    const nodeItems = (nodes.items ?? []) as Item[];
    const ready = (n: Item) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    io.stdout(`nodes: ${nodeItems.map((n) => `${n.metadata?.name} (${ready(n) ? 'Ready' : 'NotReady'})`).join(', ') || 'none'}\n`);
    const podItems = (pods.items ?? []) as Item[];
    const phases = new Map<string, number>();
    for (const pod of podItems) phases.set(pod.status?.phase ?? 'Unknown', (phases.get(pod.status?.phase ?? 'Unknown') ?? 0) + 1);
    io.stdout(`pods: ${podItems.length}${phases.size ? ` (${[...phases].map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}\n`);
  } catch (e) {
    io.stdout(`api: not answering (${(e as Error).message})\n`);
  }
  return io.exit(0);
}

/** SIGTERM to the data dir's server and waits for it to exit; false when none ran. */
async function stopServer(p: Parsed, io: CliIo): Promise<boolean> {
  const holder = lockHolder(p.dataDir);
  if (!holder) {
    io.stdout(`dockube (${p.dataDir}): not running\n`);
    return false;
  }
  try {
    process.kill(holder.pid, 'SIGTERM');
  } catch (e) {
    io.stderr(`Error: cannot signal the server (pid ${holder.pid}): ${(e as NodeJS.ErrnoException).code}; run as its user or as root\n`);
    return io.exit(1);
  }
  const until = Date.now() + p.timeoutMs;
  while (runsDockube(holder.pid)) {
    if (Date.now() > until) {
      io.stderr(`Error: server pid ${holder.pid} did not exit within ${p.timeoutMs / 1000}s: see its log, or kill -9 ${holder.pid}\n`);
      return io.exit(1);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  io.stdout(`dockube (${p.dataDir}): stopped (pid ${holder.pid})\n`);
  return true;
}

async function remove(p: Parsed, io: CliIo): Promise<never> {
  if (!existsSync(p.dataDir)) {
    io.stderr(`Error: ${p.dataDir} does not exist: nothing to delete\n`);
    return io.exit(1);
  }
  await stopServer(p, io);
  const probe = await probeEngine(parseDockerHost(p.dockerHost), 5000);
  if (!probe.ok) {
    io.stderr(
      `Error: no Docker engine answers at ${p.dockerHost} (${probe.code}): start it, or pass the engine the cluster used with --docker-host\n`,
    );
    return io.exit(1);
  }
  const c = await removeCluster(p.dataDir, { dockerHost: p.dockerHost, keepData: p.keepData });
  io.stdout(
    `deleted: ${c.containers} containers, ${c.volumes} volumes, ${c.networks} networks, ${c.chains} iptables chains, ` +
      `${c.routes} routes, ${c.mounts} mounts${p.keepData ? '; data dir kept' : `, and ${p.dataDir}`}\n`,
  );
  return io.exit(0);
}

export const isLifecycleCommand = (cmd: string): cmd is Command => (LIFECYCLE_COMMANDS as readonly string[]).includes(cmd);
