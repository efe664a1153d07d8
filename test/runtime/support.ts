// Shared set-up for the suites that run pods on the real engine: scripts, a private test network, polling.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command from the repository root; a failure carries its stderr. */
export function run(cmd: string, args: string[], timeout = 120_000): string {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e as { stderr?: string }).stderr || (e as Error).message}`);
  }
}

/** Starts the engine (or fails the suite: test/runtime never skips) and, unless told not to, builds the test images. */
export function ensureEngine(o: { images?: boolean } = {}): void {
  try {
    run('bash', ['scripts/ensure-docker.sh']);
  } catch (e) {
    throw new Error(`A Docker engine is required for test/runtime and could not be started: ${(e as Error).message}`);
  }
  if (o.images !== false) run('bash', ['scripts/build-test-images.sh']);
}

/** A bridge of the suite's own on a random free 10.<second>.x.0/24, labelled for clean-up; the suites use 10.196-10.199,
 * outside the 10.200-10.255 that servers pick their own pod networks from (src/cli/pod-subnet.ts). */
export async function createTestNetwork(
  docker: Docker,
  name: string,
  label: string,
  second = 196,
): Promise<{ subnet: string; gateway: string }> {
  for (let i = 0; i < 8; i++) {
    const third = Math.floor(Math.random() * 250) + 1;
    const subnet = `10.${second}.${third}.0/24`;
    const gateway = `10.${second}.${third}.1`;
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Labels: { 'dockube.io/test': label },
        IPAM: { Config: [{ Subnet: subnet, Gateway: gateway }] },
      });
      return { subnet, gateway };
    } catch (e) {
      if (!/overlap/i.test(String(e))) throw e;
    }
  }
  throw new Error('no free subnet for the test network');
}

/** Polls `fn` until it returns something truthy; errors count as "not yet" and are reported on time-out. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 150): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Removes the engine's containers (any state) that match the label filters, as a suite's clean-up: errors ignored. */
export async function removeContainers(docker: Docker, labels: string[]): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: labels } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/** Removes the engine's volumes that match the label filters, as a suite's clean-up: errors ignored. */
export async function removeVolumes(docker: Docker, labels: string[]): Promise<void> {
  const { Volumes } = await docker.listVolumes({ filters: { label: labels } });
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  );
}

/** Removes what a suite's server instance left on the engine: its containers, its Docker volumes and its network. */
export async function removeInstanceLeftovers(docker: Docker, instance: string, networkName: string): Promise<void> {
  await removeContainers(docker, [`${LABEL_INSTANCE}=${instance}`]);
  await removeVolumes(docker, [`${LABEL_INSTANCE}=${instance}`]);
  await docker
    .getNetwork(networkName)
    .remove()
    .catch(() => undefined);
}
