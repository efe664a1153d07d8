// Starts baseline-server.js as a child process, serving the given bodies for GET one and LIST.
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, tailOf } from './child.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'baseline-server.js');

export interface Baseline {
  origin: string;
  stop(): Promise<void>;
}

/** `workDir` holds the body files; `pkiDir` the server certificate and key dockube itself serves with. */
export async function startBaseline(pkiDir: string, workDir: string, getBody: Buffer, listBody: Buffer): Promise<Baseline> {
  const getFile = join(workDir, 'baseline-get.json'),
    listFile = join(workDir, 'baseline-list.json');
  await Promise.all([writeFile(getFile, getBody), writeFile(listFile, listBody)]);
  const child = fork(SCRIPT, [pkiDir, getFile, listFile], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const tail = tailOf(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline server not ready:\n${tail()}`)), 15_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve((m as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`baseline server exited (${code}):\n${tail()}`));
    });
  });
  return { origin: `https://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
