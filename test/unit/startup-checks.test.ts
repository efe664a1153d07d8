// The start-up checks of `dockube server` (src/cli/preflight.ts), the data dir's lock and the kubeconfig merge:
// one line per failure, and nothing left behind.
import { createServer, type Server } from 'node:net';
import { chmod, mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEngine, checkNodeVersion, checkPort, checkWritableDir, preflight, StartupCheckFailed } from '../../src/cli/preflight.js';
import { acquireDataDirLock, DataDirLocked, lockHolder } from '../../src/cli/data-dir-lock.js';
import { listeningInodes } from '../../src/cli/port-holder.js';
import { startupErrorLine } from '../../src/cli/startup-errors.js';
import { holdsSameAccess, mergeKubeconfig, renameKubeconfig, type KubeconfigDoc } from '../../src/pki/kubeconfig-merge.js';
import { parseServerFlags } from '../../src/cli/flags.js';
import { parseLifecycleFlags } from '../../src/cli/lifecycle-commands.js';
import { firstFreeSubnet, gatewayOf, nameserverCidrs, overlaps, routedCidrs, validClusterCidr } from '../../src/cli/pod-subnet.js';
import { composeLabels } from '../../src/runtime/docker-runtime.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'dockube-startup-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

test('an old Node is refused in one line', () => {
  expect(() => checkNodeVersion('18.19.0')).toThrow(
    new StartupCheckFailed('dockube needs Node.js 20 or newer, this is v18.19.0: install Node.js 20+'),
  );
  expect(() => checkNodeVersion('20.0.0')).not.toThrow();
});

test('a data dir that is a file, or under one, is refused', async () => {
  await writeFile(join(dir, 'f'), 'x');
  expect(() => checkWritableDir(join(dir, 'f'), '--data-dir')).toThrow(/--data-dir .*\/f is not a directory/);
  expect(() => checkWritableDir(join(dir, 'f', 'sub'), '--data-dir')).toThrow(/cannot create --data-dir .*: .*\/f is not a directory/);
  expect(() => checkWritableDir(join(dir, 'new', 'deeper'), '--data-dir')).not.toThrow();
  expect(await readdir(dir)).toEqual(['f']); // the check wrote nothing
});

test('a port in use names the process holding it', async () => {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  try {
    await expect(checkPort('127.0.0.1', port)).rejects.toThrow(
      new RegExp(
        `^port ${port} on 127.0.0.1 is already in use by pid ${process.pid} \\(.*\\): stop that process or choose another --port$`,
      ),
    );
  } finally {
    s.close();
  }
  await expect(checkPort('127.0.0.1', port)).resolves.toBeUndefined();
});

test('/proc/net/tcp: the listening sockets of a port', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:1F90 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0',
    '   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0',
  ].join('\n');
  expect(listeningInodes(table, 8080)).toEqual(['4242']);
  expect(listeningInodes(table, 80)).toEqual(['4444']);
  expect(listeningInodes(table, 81)).toEqual([]);
});

test('a Docker endpoint that does not answer is refused in one line', async () => {
  await expect(checkEngine(`unix://${join(dir, 'docker.sock')}`)).rejects.toThrow(
    /^no Docker engine answers at unix:\/\/.*docker\.sock \(ENOENT\): start Docker, or point --docker-host or DOCKER_HOST at a running engine$/,
  );
});

test('the engine check pings the engine: an HTTP server that is not one is refused, a real engine answers', async () => {
  // Something else listening where the engine should be: it answers /_ping but names no API version.
  const sock = join(dir, 'other.sock');
  const other = createHttpServer((_req, res) => res.end('OK'));
  await new Promise<void>((r) => other.listen(sock, r));
  try {
    await expect(checkEngine(`unix://${sock}`)).rejects.toThrow(/^no Docker engine answers at unix:\/\/.*other\.sock \(EPROTO\)/);
  } finally {
    other.close();
  }
  // The engine the tests run against: its API version, from /_ping's header.
  expect(await checkEngine('unix:///var/run/docker.sock')).toMatch(/^1\.\d+$/);
});

test('a failed start removes the data dir it created and releases the lock', async () => {
  const dataDir = join(dir, 'a', 'b');
  const opts = parseServerFlags(['--data-dir', dataDir, '--port', '0', '--docker-host', `unix://${join(dir, 'none.sock')}`], {}, dir);
  if ('help' in opts) throw new Error('help');
  await expect(preflight(opts)).rejects.toThrow(/no Docker engine answers/);
  expect(await readdir(dir)).toEqual([]);
});

test('one server per data dir: the second is refused with the PID of the first; a dead holder is taken over', async () => {
  const lock = acquireDataDirLock(dir);
  await lock.setUrl('https://127.0.0.1:6443');
  expect(JSON.parse(await readFile(join(dir, 'server.lock'), 'utf8'))).toMatchObject({ pid: process.pid, url: 'https://127.0.0.1:6443' });
  lock.release();
  expect(existsSync(join(dir, 'server.lock'))).toBe(false);

  // Another server (a process whose command line is dockube's) holds it.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'dockube-server']);
  await new Promise((r) => holder.on('spawn', r));
  await writeFile(join(dir, 'server.lock'), JSON.stringify({ pid: holder.pid, url: 'https://127.0.0.1:7443', startedAt: 'x' }));
  expect(lockHolder(dir)).toMatchObject({ pid: holder.pid });
  expect(() => acquireDataDirLock(dir)).toThrow(DataDirLocked);
  expect(() => acquireDataDirLock(dir)).toThrow(
    `data dir ${dir} is in use by another dockube server (pid ${holder.pid}, https://127.0.0.1:7443); ` +
      `stop it ('dockube stop --data-dir ${dir}') or choose another --data-dir`,
  );

  // It dies without removing the lock (kill -9): stale, taken over.
  holder.kill('SIGKILL');
  await new Promise((r) => holder.on('exit', r));
  expect(lockHolder(dir)).toBeUndefined();
  const again = acquireDataDirLock(dir);
  expect(JSON.parse(await readFile(join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
  again.release();

  // The bundle's entry (what bin/dockube runs) under a checkout whose path does not say dockube.
  const checkout = await mkdtemp(join(tmpdir(), 'checkout-'));
  const entry = join(checkout, 'main.cjs');
  await writeFile(entry, 'setTimeout(() => {}, 60000);');
  const bundled = spawn(process.execPath, [entry]);
  await new Promise((r) => bundled.on('spawn', r));
  await writeFile(join(dir, 'server.lock'), JSON.stringify({ pid: bundled.pid, startedAt: 'x' }));
  try {
    expect(lockHolder(dir)).toMatchObject({ pid: bundled.pid });
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLocked);
  } finally {
    bundled.kill('SIGKILL');
    await rm(checkout, { recursive: true, force: true });
  }
});

test('system errors past the checks are one line', () => {
  expect(startupErrorLine(Object.assign(new Error('x'), { code: 'EACCES', path: '/d/pki' }))).toBe(
    'permission denied on /d/pki: fix its permissions or run as a user allowed to use it',
  );
  expect(startupErrorLine(Object.assign(new Error('x'), { code: 'EADDRINUSE', address: '127.0.0.1', port: 6443 }))).toMatch(
    /^127.0.0.1:6443 is already in use/,
  );
  expect(startupErrorLine(new Error('a bug'))).toBeUndefined();
});

const ours: KubeconfigDoc = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'dockube', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } }],
  users: [{ name: 'dockube-admin', user: { token: 't' } }],
  contexts: [{ name: 'dockube', context: { cluster: 'dockube', user: 'dockube-admin' } }],
  'current-context': 'dockube',
};

test('kubeconfig: the same access needs no write, whatever the user changed around it', () => {
  const edited = mergeKubeconfig(ours, ours, false);
  (edited.contexts![0]!.context as Record<string, string>).namespace = 'team';
  edited.contexts!.push({ name: 'other', context: { cluster: 'x', user: 'y' } });
  edited['current-context'] = 'other';
  expect(holdsSameAccess(edited, ours)).toBe(true);
  const moved = {
    ...ours,
    clusters: [{ name: 'dockube', cluster: { server: 'https://127.0.0.1:7443', 'certificate-authority-data': 'Q0E=' } }],
  };
  expect(holdsSameAccess(edited, moved)).toBe(false);
  // Rewritten for the new port: the namespace and the other context stay, the user's current context too.
  const merged = mergeKubeconfig(edited, moved, false);
  expect(merged.contexts).toEqual([
    { name: 'dockube', context: { cluster: 'dockube', user: 'dockube-admin', namespace: 'team' } },
    { name: 'other', context: { cluster: 'x', user: 'y' } },
  ]);
  expect(merged['current-context']).toBe('other');
  expect((merged.clusters![0]!.cluster as Record<string, string>).server).toBe('https://127.0.0.1:7443');
});

test('kubeconfig merge into a file with other clusters, under another name', () => {
  const theirs: KubeconfigDoc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kind-kind', cluster: { server: 'https://127.0.0.1:40000' } }],
    users: [{ name: 'kind-kind', user: { token: 'k' } }],
    contexts: [{ name: 'kind-kind', context: { cluster: 'kind-kind', user: 'kind-kind' } }],
    'current-context': 'kind-kind',
  };
  const renamed = renameKubeconfig(ours, 'dockube', 'dev');
  expect(renamed.contexts).toEqual([{ name: 'dev', context: { cluster: 'dev', user: 'dev-admin' } }]);
  const merged = mergeKubeconfig(theirs, renamed, true);
  expect(merged.clusters!.map((c) => c.name)).toEqual(['kind-kind', 'dev']);
  expect(merged.users!.map((c) => c.name)).toEqual(['kind-kind', 'dev-admin']);
  expect(merged['current-context']).toBe('dev');
  expect(mergeKubeconfig(theirs, renamed, false)['current-context']).toBe('kind-kind');
});

test('the lifecycle commands flags', () => {
  expect(parseLifecycleFlags('delete', ['--data-dir', 'd', '--keep-data'], {}, '/x')).toMatchObject({ dataDir: '/x/d', keepData: true });
  expect(parseLifecycleFlags('stop', ['--timeout', '5s'], {}, '/x')).toMatchObject({ dataDir: '/x/.dockube', timeoutMs: 5000 });
  expect(() => parseLifecycleFlags('status', ['--keep-data'], {}, '/x')).toThrow(/unknown flag: --keep-data/);
  expect(parseLifecycleFlags('stop', ['-h'], {}, '/x')).toHaveProperty('help');
});

test('an unwritable existing data dir is refused (not as root: root writes anywhere)', async () => {
  if (process.getuid?.() === 0) {
    // Root bypasses modes; the conformance scenario 90 checks this case as another user.
    const ro = join(dir, 'ro');
    await mkdir(ro);
    expect(() => checkWritableDir(ro, '--data-dir')).not.toThrow();
    return;
  }
  const ro = join(dir, 'ro');
  await mkdir(ro);
  await chmod(ro, 0o500);
  expect(() => checkWritableDir(ro, '--data-dir')).toThrow(/--data-dir .*\/ro is not writable by uid \d+/);
});

test('kubeconfig: the same entries in kubectl key order are the same access', () => {
  const reordered: KubeconfigDoc = {
    ...ours,
    clusters: [{ cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://127.0.0.1:6443' }, name: 'dockube' }],
  };
  expect(holdsSameAccess(reordered, ours)).toBe(true);
});

test('pod subnets: the first free /16, overlaps, routes, --cluster-cidr values', () => {
  expect(firstFreeSubnet([])).toBe('10.244.0.0/16');
  expect(firstFreeSubnet(['10.244.0.0/16', '172.17.0.0/16', '10.96.0.0/16'])).toBe('10.245.0.0/16');
  expect(firstFreeSubnet(['10.240.0.0/12'])).toBe('10.200.0.0/16'); // 10.240-10.255 all taken
  expect(firstFreeSubnet(['10.0.0.0/8'])).toBeUndefined();
  expect(overlaps('10.244.0.0/16', '10.244.3.0/24')).toBe(true);
  expect(overlaps('10.244.0.0/16', '10.245.0.0/16')).toBe(false);
  expect(gatewayOf('10.246.0.0/16')).toBe('10.246.0.1');
  const route = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    'eth0\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  ].join('\n');
  expect(routedCidrs(route)).toEqual(['172.17.0.0/16', '192.168.2.0/24']);
  // The host's DNS servers (IPv4 ones; comments and IPv6 left out) are kept out of every pod network.
  const resolv = '# generated\nnameserver 10.244.9.53\nnameserver fd00::53\nsearch example.org\nnameserver 10.255.255.53 # vm\n';
  expect(nameserverCidrs(resolv)).toEqual(['10.244.9.53/32', '10.255.255.53/32']);
  expect(firstFreeSubnet(nameserverCidrs(resolv))).toBe('10.245.0.0/16');
  expect(firstFreeSubnet([...nameserverCidrs(resolv), '10.245.0.0/16'])).toBe('10.246.0.0/16');
  expect(nameserverCidrs('')).toEqual([]);
  expect(parseServerFlags(['--resolv-conf', 'etc/r.conf'], {}, '/x')).toMatchObject({ resolvConf: '/x/etc/r.conf' });
  expect(validClusterCidr('10.244.0.0/16')).toBe(true);
  expect(validClusterCidr('10.244.0.1/16')).toBe(false);
  expect(validClusterCidr('10.0.0.0/28')).toBe(false);
  expect(parseServerFlags(['--cluster-cidr', '10.250.0.0/16', '--node-name', 'worker-2'], {}, '/x')).toMatchObject({
    clusterCidr: '10.250.0.0/16',
    nodeName: 'worker-2',
  });
  expect(() => parseServerFlags(['--node-name', 'Worker_2'], {}, '/x')).toThrow(/must be a lower-case DNS subdomain/);
  expect(() => parseServerFlags(['--cluster-cidr', '10.250.0.1/16'], {}, '/x')).toThrow(/must be an IPv4 CIDR from \/8 to \/24/);
  expect(parseServerFlags(['--write-kubeconfig-mode', '644'], {}, '/x')).toMatchObject({ kubeconfigMode: 0o644 });
  expect(() => parseServerFlags(['--write-kubeconfig-mode', '9'], {}, '/x')).toThrow(
    'invalid argument "9" for "--write-kubeconfig-mode" flag: must be an octal file mode such as 600 or 644',
  );
});

test('Compose labels: one project per cluster and namespace', () => {
  expect(composeLabels('5f43340b12fe', 'default')).toEqual({ 'com.docker.compose.project': 'dockube-5f4334-default' });
});
