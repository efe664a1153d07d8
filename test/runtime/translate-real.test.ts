// The translated specs run on the real engine: a pod = pause infra + httpd + sidecar on a private bridge.
// If no engine can be started this FAILS (it never skips): the runtime layer depends on it.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { appCreateOptions } from '../../src/translate/container.js';
import { infraCreateOptions } from '../../src/translate/infra.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { LABEL_POD_NAMESPACE, LABEL_POD_UID } from '../../src/translate/labels.js';
import { containerStateFromInspect } from '../../src/translate/status.js';
import { createTestNetwork, ensureEngine, removeContainers, run } from './support.js';

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

beforeAll(async () => {
  ensureEngine();
  const { subnet } = await createTestNetwork(docker, network, 'translate-real', 198);
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
  await removeContainers(docker, [`${LABEL_POD_UID}=${pod.metadata.uid}`]).catch(() => undefined);
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
