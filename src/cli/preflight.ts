// What `dockube server` checks before it writes anything: the Node version, that the data dir can be written, that
// no other server holds it (its lock), that the port is free and that the Docker engine answers; then the cluster's
// node name and pod network. Each failure is one line saying what is wrong and what to do; a data dir this run
// created is removed again, so a failed start leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DEFAULT_SERVICE_NETWORK, type ServerOptions } from '../server/options.js';
import { checkServiceCidr, resolveClusterIdentity, type ClusterIdentity } from './cluster-identity.js';
import { parseDockerHost } from '../runtime/docker.js';
import { acquireDataDirLock, canCreateIn, type HeldLock } from './data-dir-lock.js';
import { engineCall, pingEngine } from '../runtime/engine-probe.js';
import { PAUSE_IMAGE } from '../translate/infra.js';
import { DEFAULT_RESOLV_CONF } from '../translate/resolv-conf.js';
import { portHolder } from './port-holder.js';
import { StartupCheckFailed } from './startup-errors.js';

export { StartupCheckFailed };

export const MIN_NODE_MAJOR = 20;

export function checkNodeVersion(version = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (!(major >= MIN_NODE_MAJOR))
    throw new StartupCheckFailed(
      `dockube needs Node.js ${MIN_NODE_MAJOR} or newer, this is v${version}: install Node.js ${MIN_NODE_MAJOR}+`,
    );
}

/** The closest existing directory at or above `path`. */
function existingAncestor(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

const uid = () => (process.getuid ? ` by uid ${process.getuid()}` : '');

/** Throws unless `dir` is a writable directory or can be created. */
export function checkWritableDir(dir: string, flag: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new StartupCheckFailed(`${flag} ${dir} is not a directory: choose another ${flag}`);
    if (!canCreateIn(dir))
      throw new StartupCheckFailed(`${flag} ${dir} is not writable${uid()}: fix its owner or permissions, or choose another ${flag}`);
    return;
  }
  const parent = existingAncestor(dir);
  if (!statSync(parent).isDirectory()) throw new StartupCheckFailed(`cannot create ${flag} ${dir}: ${parent} is not a directory`);
  if (!canCreateIn(parent))
    throw new StartupCheckFailed(`cannot create ${flag} ${dir}: ${parent} is not writable${uid()}; choose another ${flag}`);
}

/** Throws unless `port` can be listened on at `address` (the listener is closed again at once). */
export async function checkPort(address: string, port: number): Promise<void> {
  if (port === 0) return;
  const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const s = createServer();
    s.once('error', resolve);
    s.listen({ port, host: address, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
  if (!err) return;
  if (err.code === 'EADDRINUSE') {
    const holder = await portHolder(port).catch(() => undefined);
    const by = holder ? ` by pid ${holder.pid} (${holder.command})` : '';
    throw new StartupCheckFailed(`port ${port} on ${address} is already in use${by}: stop that process or choose another --port`);
  }
  if (err.code === 'EACCES')
    throw new StartupCheckFailed(`port ${port} on ${address} needs privileges to bind: choose a --port above 1023 or run as root`);
  if (err.code === 'EADDRNOTAVAIL')
    throw new StartupCheckFailed(`--bind-address ${address} is not an address of this host: choose one it holds, or 0.0.0.0`);
  throw new StartupCheckFailed(`cannot listen on ${address}:${port}: ${err.message}`);
}

/** Throws unless a Docker engine answers at `host` (--docker-host or $DOCKER_HOST); returns its API version. */
export async function checkEngine(host: string): Promise<string> {
  const ep = parseDockerHost(host);
  const r = await pingEngine(ep);
  if (r.ok) return r.apiVersion;
  if (r.code === 'EACCES' && 'socketPath' in ep)
    throw new StartupCheckFailed(
      `permission denied on the Docker socket ${ep.socketPath}: add your user to the docker group ` +
        `(sudo usermod -aG docker $USER, then log in again) or run as root`,
    );
  throw new StartupCheckFailed(
    `no Docker engine answers at ${host} (${r.code}): start Docker, or point --docker-host or DOCKER_HOST at a running engine`,
  );
}

/** scripts/<name> of this checkout, found above the entry point (dist/bundle/main.cjs or dist/src/cli/main.js). */
function checkoutScript(name: string): string | undefined {
  let dir = dirname(realpathSync(process.argv[1] ?? '.'));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) if (existsSync(join(dir, 'scripts', name))) return join(dir, 'scripts', name);
  return undefined;
}

/**
 * The infra image every pod's sandbox runs, built locally (no registry holds it) when the engine lacks it: bin/dockube
 * leaves this check to the server, one call on the socket it already talks to, instead of a curl of its own on each
 * start (~25 ms of curl's start-up).
 */
export async function ensurePauseImage(host: string, image = PAUSE_IMAGE): Promise<void> {
  const ep = parseDockerHost(host);
  const present = () =>
    engineCall(ep, 'GET', `/images/${encodeURIComponent(image)}/json`).then(
      () => true,
      () => false,
    );
  if (await present()) return;
  const script = checkoutScript('ensure-pause-image.sh');
  if (script) spawnSync('bash', [script], { stdio: ['ignore', 2, 2], env: { ...process.env, DOCKER_HOST: host, PAUSE_IMAGE: image } });
  if (!(await present()))
    throw new StartupCheckFailed(
      `the Docker engine at ${host} has no ${image} (the pods' infra image) and it could not be built: ` +
        `run scripts/ensure-pause-image.sh and see its errors`,
    );
}

/**
 * Runs every check in order and takes the data dir's lock; on a failure removes the data dir if this run created it.
 * The lock is the caller's to release (it also goes at exit).
 */
export async function preflight(opts: ServerOptions): Promise<{ lock: HeldLock; identity: ClusterIdentity }> {
  checkNodeVersion();
  checkWritableDir(opts.dataDir, '--data-dir');
  if (dirname(opts.kubeconfigPath) !== opts.dataDir) checkWritableDir(dirname(opts.kubeconfigPath), '--write-kubeconfig directory');
  const created = existsSync(opts.dataDir) ? undefined : existingAncestor(opts.dataDir);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  let lock: HeldLock | undefined;
  try {
    lock = acquireDataDirLock(opts.dataDir);
    // The port's bind and the engine's answer are awaited side by side; a failure is reported in this order still.
    const portFree = checkPort(opts.bindAddress, opts.port);
    const engineAnswers = checkEngine(opts.dockerHost).then(() => ensurePauseImage(opts.dockerHost));
    engineAnswers.catch(() => undefined);
    await portFree;
    await engineAnswers;
    const serviceCidr = (opts.services ?? DEFAULT_SERVICE_NETWORK).cidr;
    const resolvConf = opts.resolvConf ?? DEFAULT_RESOLV_CONF;
    await checkServiceCidr(serviceCidr, resolvConf);
    // Last, once everything else holds: the cluster's node name and own pod network (created now, recorded).
    const identity = await resolveClusterIdentity({
      dataDir: opts.dataDir,
      dockerHost: opts.dockerHost,
      serviceCidr,
      resolvConf,
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.clusterCidr ? { clusterCidr: opts.clusterCidr } : {}),
    });
    return { lock, identity };
  } catch (e) {
    lock?.release();
    // Everything below the first directory this run made, which holds nothing but what it made.
    if (created !== undefined) rmSync(firstCreated(created, opts.dataDir), { recursive: true, force: true });
    throw e;
  }
}

/** The top directory `mkdir -p dir` made below `ancestor`, the closest directory that existed before. */
function firstCreated(ancestor: string, dir: string): string {
  let p = dir;
  while (dirname(p) !== ancestor && dirname(p) !== p) p = dirname(p);
  return p;
}
