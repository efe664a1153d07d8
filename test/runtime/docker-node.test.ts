// The in-process node against the real engine, without an API server: a pod's log (current and previous, options
// applied), exec (output split, exit code, stdin to EOF, an executable that cannot start), port-forward to a real
// listener on the pod network (the infra container's address), and stats naming the pod's app containers.
// If no engine can be started this FAILS (it never skips).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import { DockerNode } from '../../src/node/docker-node.js';
import { dockerClient } from '../../src/node/docker-client.js';
import type { PodLike, StreamSession } from '../../src/node/types.js';
import { containerLabels, infraLabels, LABEL_POD_UID } from '../../src/translate/labels.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { ensureEngine, removeContainers } from './support.js';

jest.setTimeout(60_000);

const docker = new Docker();
const IMAGE = 'dockube/busybox:test';
const rand = randomBytes(3).toString('hex');
const node = new DockerNode('node-t', dockerClient(), { hostPaths: false });
const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `node-${rand}`, namespace: 'default', uid: randomUUID() },
  spec: {
    nodeName: 'node-t',
    containers: [
      { name: 'main', image: IMAGE },
      { name: 'logs', image: IMAGE },
    ],
  },
} as Pod;
/** The same pod as the node reads it. */
const target = pod as unknown as PodLike;

async function run(name: 'main' | 'logs' | 'POD', cmd: string[], o: { attempt?: number; wait?: boolean } = {}) {
  const spec = pod.spec.containers.find((c) => c.name === name);
  const c = await docker.createContainer({
    Image: IMAGE,
    Cmd: cmd,
    Labels: spec ? containerLabels(pod, spec, 'app', 0, { attempt: o.attempt ?? 0 }) : infraLabels(pod),
  });
  await c.start();
  if (o.wait) await c.wait();
}

const readAll = (r: Readable | undefined) =>
  new Promise<string>((resolve, reject) => {
    if (!r) return resolve('');
    let s = '';
    r.on('data', (d: Buffer) => (s += d.toString('utf8')));
    r.on('end', () => resolve(s));
    r.on('error', reject);
  });
const outputOf = async (s: StreamSession) => {
  const [stdout, stderr] = await Promise.all([readAll(s.stdout), readAll(s.stderr)]);
  return { stdout, stderr, result: await s.result };
};
const streams = { stdin: false, stdout: true, stderr: true, tty: false };

beforeAll(async () => {
  ensureEngine();
  // The sandbox listens on 8080 (an echo server), as an app sharing its network would.
  await run('POD', ['sh', '-c', 'while true; do nc -l -p 8080 -e cat; done']);
  await run('logs', ['sh', '-c', 'echo before'], { wait: true });
  // stdout and stderr are separate pipes: the pause keeps their order in the log deterministic.
  await run('logs', ['sh', '-c', 'echo one; echo three; sleep 0.3; echo two >&2'], { attempt: 1, wait: true });
  await run('main', ['sleep', '3600']);
}, 120_000);

afterAll(() => removeContainers(docker, [`${LABEL_POD_UID}=${pod.metadata.uid}`]));

const logOpts = { follow: false, previous: false, timestamps: false };

test('containerLogs: the current attempt, the previous one, tailLines and limitBytes', async () => {
  expect(await readAll(await node.containerLogs(target, 'logs', logOpts))).toBe('one\nthree\ntwo\n');
  expect(await readAll(await node.containerLogs(target, 'logs', { ...logOpts, previous: true }))).toBe('before\n');
  expect(await readAll(await node.containerLogs(target, 'logs', { ...logOpts, tailLines: 1 }))).toBe('two\n');
  expect(await readAll(await node.containerLogs(target, 'logs', { ...logOpts, limitBytes: 5 }))).toBe('one\nt');
  // A follow of a finished container ends with its log.
  expect(await readAll(await node.containerLogs(target, 'logs', { ...logOpts, follow: true, limitBytes: 4 }))).toBe('one\n');
  await expect(node.containerLogs(target, 'nope', logOpts)).rejects.toMatchObject({
    code: 400,
    message: `container "nope" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
  });
});

test('exec: stdout and stderr apart, the exit code, stdin until EOF, and a command that cannot start', async () => {
  const s = await node.exec(target, 'main', ['sh', '-c', 'echo out; echo err >&2; exit 3'], streams);
  expect(await outputOf(s)).toEqual({ stdout: 'out\n', stderr: 'err\n', result: { exitCode: 3 } });

  const cat = await node.exec(target, 'main', ['cat'], { ...streams, stdin: true });
  cat.stdin!.write('hello ');
  cat.stdin!.end('node\n');
  expect(await outputOf(cat)).toEqual({ stdout: 'hello node\n', stderr: '', result: { exitCode: 0 } });

  const missing = await outputOf(await node.exec(target, 'main', ['no-such-binary'], streams));
  expect(missing.stdout).toBe('');
  expect(missing.result.error).toMatch(/no-such-binary.*(not found|no such file)/);

  await expect(node.exec(target, 'logs', ['true'], streams)).rejects.toMatchObject({ code: 400, message: 'container not found ("logs")' });
});

test('portForward: a TCP stream to the pod port through the pod network', async () => {
  const conn = await node.portForward(target, 8080);
  const echoed = new Promise<string>((resolve) => conn.once('data', (d: Buffer) => resolve(d.toString('utf8'))));
  conn.write('ping\n');
  expect(await echoed).toBe('ping\n');
  conn.destroy();
  await expect(node.portForward(target, 8081)).rejects.toThrow(/error forwarding port 8081 to pod .*ECONNREFUSED|connection refused/i);
});

test('stats: the running app container of the pod, the infra container left out', async () => {
  const snap = await node.stats();
  const mine = snap.containers.filter((c) => c.podUid === pod.metadata.uid);
  expect(mine.map((c) => c.container)).toEqual(['main']);
  expect(mine[0]!.memoryBytes).toBeGreaterThan(0);
  expect(snap.node?.memoryBytes).toBeGreaterThan(0);
});
