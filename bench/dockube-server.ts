// Starts a real `dockube server` on a fresh data dir and a free loopback port; reads its kubeconfig for TLS material.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { dataDirLayout } from '../src/data-dir.js';
import type { Tls } from './https-client.js';
import { stopChild, tailOf, waitFor } from './child.js';

// dist/bench/dockube-server.js → dist/src/cli/main.js
const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const STARTUP_TIMEOUT_MS = 60_000;

export interface Dockube {
  origin: string;
  tls: Tls;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();

async function readKubeconfig(path: string): Promise<Kubeconfig | undefined> {
  try {
    return yaml.load(await readFile(path, 'utf8')) as Kubeconfig;
  } catch {
    return undefined;
  }
}

/**
 * @param main the entry point to run: this checkout's build unless another's (an older commit's, say) is given
 * @param serverArgs more `dockube server` flags (a --service-cidr of its own, say)
 */
export async function startDockube(extraNodeArgs: string[] = [], main = MAIN, serverArgs: string[] = []): Promise<Dockube> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dockube-bench-'));
  const kubeconfigPath = dataDirLayout(dataDir).kubeconfig;
  // --port 0: the kernel picks a free port; the kubeconfig tells us which.
  const child = spawn(
    process.execPath,
    [
      ...extraNodeArgs,
      main,
      'server',
      '--data-dir',
      dataDir,
      '--bind-address',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'warn',
      ...serverArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dataDir },
  );
  const tail = tailOf(child);
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const kc = await waitFor(child, 'dockube server', () => readKubeconfig(kubeconfigPath), STARTUP_TIMEOUT_MS, tail);
    const admin = kc.users.find((u) => u.name === 'dockube-admin')!.user;
    const cluster = kc.clusters[0]!.cluster;
    const tls = {
      ca: unb64(cluster['certificate-authority-data']),
      cert: unb64(admin['client-certificate-data']),
      key: unb64(admin['client-key-data']),
    };
    return { origin: cluster.server, tls, dataDir, pid: child.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Pods outlive a server stop by design: after stopping it, removes every container still carrying its data-dir
 * label (the kubelet's infra and app containers), so a bench leaves nothing behind.
 */
export async function removeServerContainers(dk: Dockube): Promise<void> {
  const run = promisify(execFile);
  const ids = (
    await run('docker', ['ps', '-aq', '--filter', `label=dockube.io/data-dir=${dk.dataDir}`]).catch(() => ({ stdout: '' }))
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length) await run('docker', ['rm', '-f', '-v', ...ids]).catch(() => undefined);
}
