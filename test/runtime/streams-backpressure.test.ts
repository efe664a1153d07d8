// A client that stops reading `logs -f` or an exec's output must slow the container's stream down, not make the
// server buffer it: against the real engine, a container writes as fast as it can to a client that reads nothing
// for a few seconds, and the server's (this process's) buffer memory must not grow with it. Reading again, the
// client gets the output, from where it left off.
// If no engine answers this FAILS (it never skips).
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { jest } from '@jest/globals';
import { ADMIN } from '../api/harness.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { StreamsServer } from './streams-fixture.js';

jest.setTimeout(90_000);

const rand = randomBytes(3).toString('hex');
/** Writes 1,000-byte lines as fast as it can. */
const FLOOD = ['sh', '-c', 'yes "$(head -c 999 /dev/zero | tr "\\0" x)"'];
const STALL_MS = 4000;
/**
 * What the server may hold for a stalled client: socket buffers and a high-water mark, not the flood. Heap figures
 * move by a few MiB with garbage collection alone (CI once saw 9 MiB), so the bound is 24 MiB, and each test also
 * checks that the flood, unchecked, would have produced twice that during the stall.
 */
const MAX_GROWTH = 24 * 1024 * 1024;

const authenticate = (req: IncomingMessage) => (/^Bearer admin$/i.test(req.headers.authorization ?? '') ? ADMIN : undefined);
const server = new StreamsServer(authenticate);
const floodingPod = (name: string) => server.createPod(name);
const runContainer = async (pod: Pod, cmd: string[]) => void (await server.runContainer(pod, 'main', cmd));

// A full GC before each reading: what the server retains is measured, not the garbage a loaded run left uncollected
// (a 20 s stall once read 25.9 MB without it).
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Buffers outside the JS heap (where socket writes wait) plus the heap, in bytes, after a full GC. */
const held = () => {
  gc();
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => server.start(), 120_000);

afterAll(() => server.stop(), 60_000);

test('logs -f to a client that does not read: the server holds a bounded amount, the client then gets the rest', async () => {
  const pod = await floodingPod(`flood-log-${rand}`);
  await runContainer(pod, FLOOD);
  let received = 0;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: server.h.port,
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
    `ws://127.0.0.1:${server.h.port}/api/v1/namespaces/default/pods/${pod.metadata.name}/exec?${cmd}&stdout=true`,
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
