// Pieces of the port-forward benchmark: a pod serving a large file over HTTP (busybox httpd), `kubectl port-forward`
// to it as a child process, and a timed download of the file to a host:port (through the forward, or straight to
// the pod's IP on the pod network).
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dataDirLayout } from '../src/data-dir.js';
import type { Dockube } from './dockube-server.js';

const run = promisify(execFile);

export const SERVER_PORT = 8080;

/** The pod: a file of `mb` MiB (zeros: its content costs nothing to make) served by httpd. */
export const filePod = (name: string, mb: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'web',
        image: 'dockube/busybox:test',
        imagePullPolicy: 'IfNotPresent',
        command: [
          'sh',
          '-c',
          `mkdir -p /www && head -c ${mb * 1024 * 1024} /dev/zero > /www/big.bin && exec httpd -f -p ${SERVER_PORT} -h /www`,
        ],
        readinessProbe: { tcpSocket: { port: SERVER_PORT }, periodSeconds: 1 },
      },
    ],
  },
});

export interface Forward {
  localPort: number;
  stop(): Promise<void>;
}

/** `kubectl port-forward pod/NAME :8080` of a kubectl version, once it says it listens. */
export async function startPortForward(
  dk: Dockube,
  namespace: string,
  pod: string,
  version: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Forward> {
  const real = (await run('sh', ['-c', 'readlink -f "$(command -v kubectl)"'])).stdout.trim();
  const child: ChildProcess = spawn(
    join(dirname(real), `kubectl.${version}`),
    [
      '--kubeconfig',
      dataDirLayout(dk.dataDir).kubeconfig,
      '-n',
      namespace,
      'port-forward',
      '--address',
      '127.0.0.1',
      `pod/${pod}`,
      `:${SERVER_PORT}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let out = '';
  const localPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward did not listen: ${out}`)), 20_000);
    const seen = (d: Buffer) => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${out}`)));
  });
  return {
    localPort,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Downloads /big.bin from host:port; answers the milliseconds and the bytes received. */
export function download(host: string, port: number): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let bytes = 0;
    http
      .get({ host, port, path: '/big.bin', agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET /big.bin answered ${res.statusCode}`));
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ ms: performance.now() - t0, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
