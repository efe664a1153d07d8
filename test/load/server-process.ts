// A real dockube server in a child process (test/support/heap-server.ts) with its heap capped, for load tests that
// measure the server's own memory: start it, reach it over HTTPS as the admin, ask it for its heap.
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { HeapReport } from '../support/heap-server.js';

const support = fileURLToPath(new URL('../support/', import.meta.url));

export interface Tls {
  ca: string;
  cert: string;
  key: string;
}

export interface ServerProcess {
  origin: string;
  tls: Tls;
  child: ChildProcess;
  /** Resolves when the child exits, with its code or signal (it should not before stop()). */
  exited: Promise<string>;
  /** `work`, except that if the server dies meanwhile the failure says so, with its output (not "socket hang up"). */
  alive<T>(work: Promise<T>): Promise<T>;
  /** Its memory after a full GC (or as it is, with `gc: false`). */
  heap(opts?: { gc?: boolean }): Promise<HeapReport>;
  /** Its output so far (the last few KB), to explain a crash. */
  output(): string;
  stop(): Promise<void>;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

const unb64 = (s: string) => Buffer.from(s, 'base64').toString();

const READY_S = 180;

/** Starts the server with `--max-old-space-size=heapLimitMb`: past that the child dies of "heap out of memory". */
export async function startServerProcess(heapLimitMb: number, flags: string[] = []): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockube-load-'));
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      `--max-old-space-size=${heapLimitMb}`,
      '--import',
      join(support, 'ts-loader.mjs'),
      join(support, 'heap-server.ts'),
      '--data-dir',
      dataDir,
      '--bind-address',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'warn',
      ...flags,
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      // The child transpiles every server module first (~3 CPU-s; 3.6 s to ready on a quiet machine): beside
      // conformance at load 10-12 on 2 cores a CI run took over 60 s. The test's own budget (420 s) has room.
      const t = setTimeout(() => reject(new Error(`server not ready in ${READY_S} s:\n${out}`)), READY_S * 1000);
      child.on('message', (m: { ready?: boolean }) => {
        if (m.ready) {
          clearTimeout(t);
          resolve();
        }
      });
      void exited.then((how) => {
        clearTimeout(t);
        reject(new Error(`server exited (${how}) before it was ready:\n${out}`));
      });
    });
    const kc = yaml.load(readFileSync(join(dataDir, 'kubeconfig.yaml'), 'utf8')) as Kubeconfig;
    const admin = kc.users.find((u) => u.name === 'dockube-admin')!.user;
    const tls = {
      ca: unb64(kc.clusters[0]!.cluster['certificate-authority-data']),
      cert: unb64(admin['client-certificate-data']),
      key: unb64(admin['client-key-data']),
    };
    const heap = (o: { gc?: boolean } = {}) =>
      new Promise<HeapReport>((resolve, reject) => {
        if (!child.connected) {
          reject(new Error('the server is gone'));
          return;
        }
        const onMessage = (m: { heap?: HeapReport }) => {
          if (m.heap) {
            child.off('message', onMessage);
            resolve(m.heap);
          }
        };
        child.on('message', onMessage);
        child.send({ heap: true, gc: o.gc !== false }, (e) => {
          if (e) reject(e);
        });
      });
    const died = (how: string) => new Error(`the server died (${how}):\n${out}`);
    const alive = async <T>(work: Promise<T>): Promise<T> => {
      try {
        return await Promise.race([
          work,
          exited.then((how) => {
            throw died(how);
          }),
        ]);
      } catch (e) {
        // A request cut by the crash may fail before the exit is seen.
        const how = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))]);
        throw how === undefined ? e : died(how);
      }
    };
    return { origin: kc.clusters[0]!.cluster.server, tls, child, exited, alive, heap, output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface Reply {
  status: number;
  body: string;
}

/** One request over `agent`; the body is read whole. */
export function call(
  agent: https.Agent,
  origin: string,
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request(new URL(path, origin), { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
