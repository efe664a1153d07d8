// A client that stops reading `logs -f` or an exec's output must slow the container's stream down, not make the
// server buffer it: against the real engine, a container writes as fast as it can to a client that reads nothing
// for a few seconds, and the server's (this process's) buffer memory must not grow with it. Reading again, the
// client gets the output, from where it left off.
// If no engine answers this FAILS (it never skips).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import WebSocket from 'ws';
import { jest } from '@jest/globals';
import { startHarness, ADMIN, type Harness } from '../api/harness.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { createUpgradeHandler } from '../../src/api/streams/upgrade.js';
import { DockerNode } from '../../src/node/docker-node.js';
import { dockerClient } from '../../src/node/docker-client.js';
import { nodeLookup } from '../../src/node/types.js';
import { containerLabels, LABEL_POD_UID } from '../../src/translate/labels.js';
import type { Pod } from '../../src/translate/k8s-types.js';

jest.setTimeout(90_000);

const root = fileURLToPath(new URL('../..', import.meta.url));
const docker = new Docker();
const rand = randomBytes(3).toString('hex');
const IMAGE = 'dockube/busybox:test';
/** Writes 1,000-byte lines as fast as it can. */
const FLOOD = ['sh', '-c', 'yes "$(head -c 999 /dev/zero | tr "\\0" x)"'];
const STALL_MS = 4000;
/**
 * What the server may hold for a stalled client: socket buffers and a high-water mark, not the flood. Heap figures
 * move by a few MiB with garbage collection alone (CI once saw 9 MiB), so the bound is 24 MiB, and each test also
 * checks that the flood, unchecked, would have produced twice that during the stall.
 */
const MAX_GROWTH = 24 * 1024 * 1024;
const uids: string[] = [];
let h: Harness;

const authenticate = (req: IncomingMessage) => (/^Bearer admin$/i.test(req.headers.authorization ?? '') ? ADMIN : undefined);

async function floodingPod(name: string): Promise<Pod> {
  const r = await h.api
    .post('/api/v1/namespaces/default/pods')
    .send({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { nodeName: 'node-1', containers: [{ name: 'main', image: IMAGE, imagePullPolicy: 'IfNotPresent' }] },
    })
    .expect(201);
  const pod = r.body as Pod;
  uids.push(pod.metadata.uid!);
  return pod;
}

async function runContainer(pod: Pod, cmd: string[]): Promise<void> {
  const c = await docker.createContainer({
    Image: IMAGE,
    Cmd: cmd,
    Labels: containerLabels(pod, pod.spec.containers[0]!, 'app', 0, { attempt: 0 }),
    HostConfig: { AutoRemove: false },
  });
  await c.start();
}

/** Buffers outside the JS heap (where socket writes wait) plus the heap, in bytes. */
const held = () => {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  execFileSync('bash', ['scripts/ensure-docker.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['scripts/build-test-images.sh'], { cwd: root, stdio: 'inherit' });
  // The pods are on node-1, served by the in-process node over the local engine.
  const nodes = nodeLookup(new DockerNode('node-1', dockerClient()));
  h = await startHarness({ nodes });
  h.server.on('upgrade', createUpgradeHandler({ service: h.service, registry: new Registry(RESOURCES), authenticate, nodes }));
}, 120_000);

afterAll(async () => {
  for (const uid of uids) {
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_POD_UID}=${uid}`] } });
    await Promise.all(
      list.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
  await h?.close();
}, 60_000);

test('logs -f to a client that does not read: the server holds a bounded amount, the client then gets the rest', async () => {
  const pod = await floodingPod(`flood-log-${rand}`);
  await runContainer(pod, FLOOD);
  let received = 0;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: h.port,
          path: `/api/v1/namespaces/default/pods/${pod.metadata.name}/log?follow=true`,
          headers: { Authorization: 'Bearer admin' },
          agent: false,
        },
        resolve,
      )
      .on('error', reject);
  });
  expect(res.statusCode).toBe(200);
  res.pause();
  await pause(500);
  const before = held();
  await pause(STALL_MS);
  const growth = held() - before;
  res.on('data', (c: Buffer) => {
    received += c.length;
  });
  res.resume();
  await pause(1000);
  res.destroy();
  expect(growth).toBeLessThan(MAX_GROWTH);
  expect(received).toBeGreaterThan(1024 * 1024);
});

test('exec output to a client that does not read: the server holds a bounded amount, the client then gets the rest', async () => {
  const pod = await floodingPod(`flood-exec-${rand}`);
  await runContainer(pod, ['sleep', '3600']);
  const cmd = FLOOD.map((c) => `command=${encodeURIComponent(c)}`).join('&');
  const ws = new WebSocket(
    `ws://127.0.0.1:${h.port}/api/v1/namespaces/default/pods/${pod.metadata.name}/exec?${cmd}&stdout=true`,
    ['v5.channel.k8s.io'],
    { headers: { Authorization: 'Bearer admin' } },
  );
  let received = 0;
  ws.on('message', (d: Buffer) => {
    received += d.length;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await pause(1000);
  const floodRate = received / 1000; // bytes per ms while the client read
  // A loaded machine floods more slowly: the stall lasts long enough for the flood to outgrow twice the bound.
  const stallMs = Math.min(20_000, Math.max(STALL_MS, Math.ceil((3 * MAX_GROWTH) / Math.max(floodRate, 1))));
  ws.pause();
  await pause(500);
  const before = held();
  await pause(stallMs);
  const growth = held() - before;
  const receivedBefore = received;
  ws.resume();
  await pause(1000);
  ws.terminate();
  // Had the server buffered the flood, it would hold at least twice the bound.
  expect(floodRate * stallMs).toBeGreaterThan(2 * MAX_GROWTH);
  expect(growth).toBeLessThan(MAX_GROWTH);
  expect(received - receivedBefore).toBeGreaterThan(1024 * 1024);
});
