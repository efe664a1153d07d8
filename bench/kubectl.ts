// The real kubectl against a bench's dockube server: the versioned binary beside the kubectl on PATH (as
// conformance/lib.sh finds it), the server's admin kubeconfig and a fresh discovery cache, removed on close.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { dataDirLayout } from '../src/data-dir.js';
import type { Dockube } from './dockube-server.js';

const run = promisify(execFile);

export interface Kubectl {
  /** Runs kubectl of `version` (default 1.33) with `args`; answers its stdout, rejects on a non-zero exit. */
  (args: string[], version?: string): Promise<string>;
  /** `kubectl apply -f` of one object (written to a file first, as a user's manifest would be). */
  apply(object: object, version?: string): Promise<string>;
  close(): Promise<void>;
}

export async function kubectlFor(dk: Dockube): Promise<Kubectl> {
  const real = (await run('sh', ['-c', 'readlink -f "$(command -v kubectl)"'])).stdout.trim();
  const dir = await mkdtemp(join(tmpdir(), 'bench-kubectl-'));
  let manifests = 0;
  const kc = async (args: string[], version = '1.33') =>
    (
      await run(
        join(dirname(real), `kubectl.${version}`),
        ['--kubeconfig', dataDirLayout(dk.dataDir).kubeconfig, '--cache-dir', join(dir, `cache-${version}`), ...args],
        { maxBuffer: 16 << 20 },
      )
    ).stdout;
  const apply = async (object: object, version?: string) => {
    const file = join(dir, `manifest-${manifests++}.json`);
    await writeFile(file, JSON.stringify(object));
    return kc(['apply', '-f', file], version);
  };
  return Object.assign(kc, { apply, close: () => rm(dir, { recursive: true, force: true }) });
}
