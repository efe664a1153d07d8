// The translated specs run on the real engine: a pod = pause infra + httpd + sidecar on a private bridge.
// If no engine can be started this FAILS (it never skips): the runtime layer depends on it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { appCreateOptions } from '../../src/translate/container.js';
import { infraCreateOptions } from '../../src/translate/infra.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { LABEL_POD_NAMESPACE, LABEL_POD_UID } from '../../src/translate/labels.js';
import { containerStateFromInspect } from '../../src/translate/status.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const docker = new Docker();
const rand = randomBytes(3).toString('hex');
const network = `dockube-test-${rand}`;
const pod: Pod = {
  metadata: { name: `web-${rand}`, namespace: `rt-${rand}`, uid: `uid-${rand}` },
  spec: {
    shareProcessNamespace: true,
    terminationGracePeriodSeconds: 2,
    containers: [
      { name: 'httpd', image: 'dockube/busybox:test', command: ['httpd', '-f', '-p', '80', '-h', '/var/www'] },
      {
        name: 'sidecar',
        image: 'dockube/busybox:test',
        env: [
          { name: 'A', value: 'alpha' },
          { name: 'X', value: '$(A)-x' },
        ],
        // $$(X) reaches the shell as a literal $(X); single quotes keep the shell from running it.
        command: ['sh', '-c', 'echo "$(X)" \'$$(X)\' > /tmp/cmd; exec sleep 3600'],
        resources: { limits: { memory: '64Mi' }, requests: { cpu: '100m' } },
      },
    ],
  },
};
const ids: Record<string, string> = {};

function run(cmd: string, args: string[]) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

async function execIn(id: string, cmd: string[]): Promise<{ code: number; out: string }> {
  const ex = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await ex.start({ hijack: true, stdin: false });
  let out = '';
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  docker.modem.demuxStream(stream, sink, sink);
  await ended;
  const info = await ex.inspect();
  return { code: info.ExitCode ?? -1, out };
}

async function createNetwork() {
  // A random /24 in 10.198.0.0/16; retry when it overlaps an existing network.
  for (let i = 0; i < 8; i++) {
    const subnet = `10.198.${Math.floor(Math.random() * 250) + 1}.0/24`;
    try {
      await docker.createNetwork({
        Name: network,
        Driver: 'bridge',
        Labels: { 'dockube.io/test': 'translate-real' },
        IPAM: { Config: [{ Subnet: subnet }] },
      });
      return subnet;
    } catch (e) {
      if (!/overlap/i.test(String(e))) throw e;
    }
  }
  throw new Error('no free subnet for the test network');
}

beforeAll(async () => {
  try {
    run('bash', ['scripts/ensure-docker.sh']);
  } catch (e) {
    throw new Error(`A Docker engine is required for test/runtime and could not be started: ${(e as Error).message}`);
  }
  run('bash', ['scripts/build-test-images.sh']);
  const subnet = await createNetwork();
  const podIp = subnet.replace(/0\/24$/, '10');
  const infra = await docker.createContainer(infraCreateOptions(pod, { network, ip: podIp }));
  ids.infra = infra.id;
  await infra.start();
  for (const [index, c] of pod.spec.containers.entries()) {
    const { options } = appCreateOptions(pod, c, { infraId: infra.id, index });
    const created = await docker.createContainer(options);
    ids[c.name] = created.id;
    await created.start();
  }
}, 90_000);

afterAll(async () => {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_POD_UID}=${pod.metadata.uid}`] } }).catch(() => []);
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
}, 30_000);

describe('translated pod on the real engine', () => {
  test('the sidecar reaches httpd on localhost', async () => {
    let last = { code: -1, out: '' };
    for (let i = 0; i < 20 && last.code !== 0; i++) {
      last = await execIn(ids.sidecar, ['timeout', '3', 'wget', '-qO-', 'http://localhost:80/']);
      if (last.code !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toEqual({ code: 0, out: expect.stringContaining('dockube busybox') });
  });

  test('the hostname is the pod name, and the pod IP is the pinned one', async () => {
    expect((await execIn(ids.sidecar, ['hostname'])).out.trim()).toBe(pod.metadata.name);
    const infra = await docker.getContainer(ids.infra).inspect();
    expect(infra.NetworkSettings.Networks[network].IPAddress).toMatch(/^10\.198\.\d+\.10$/);
    expect(infra.Name).toBe(`/k8s_POD_${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_0`);
  });

  test('docker ps filters by the pod labels', async () => {
    const out = run('docker', ['ps', '-q', '--no-trunc', '--filter', `label=${LABEL_POD_NAMESPACE}=${pod.metadata.namespace}`]);
    expect(out.trim().split('\n').sort()).toEqual([ids.infra, ids.httpd, ids.sidecar].sort());
    const sidecars = await docker.listContainers({
      filters: { label: [`${LABEL_POD_NAMESPACE}=${pod.metadata.namespace}`, 'io.kubernetes.container.name=sidecar'] },
    });
    expect(sidecars.map((c) => c.Id)).toEqual([ids.sidecar]);
  });

  test('env and command expansion are visible in the container', async () => {
    expect((await execIn(ids.sidecar, ['sh', '-c', 'echo $X'])).out.trim()).toBe('alpha-x');
    expect((await execIn(ids.sidecar, ['cat', '/tmp/cmd'])).out.trim()).toBe('alpha-x $(X)');
  });

  test('limits are applied and the state maps to running', async () => {
    const side = await docker.getContainer(ids.sidecar).inspect();
    expect(side.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(side.HostConfig.MemorySwap).toBe(64 * 1024 * 1024);
    expect(side.HostConfig.CpuShares).toBe(102);
    expect(containerStateFromInspect(side as never).running?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // PID namespace shared with the infra: pause is PID 1.
    expect((await execIn(ids.sidecar, ['cat', '/proc/1/cmdline'])).out).toContain('/pause');
  });
});
