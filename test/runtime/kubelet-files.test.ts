// What the kubelet writes for a pod on the real engine (issue 9): emptyDirs any user can write (0777, disk and tmpfs),
// a Memory emptyDir that keeps its files across a container restart, fsGroup ownership (group, setgid, group modes)
// of emptyDir/configMap/secret/projected volumes, the kubelet-managed /etc/hosts
// (hostname, subdomain FQDN, hostAliases one line per IP; a container's own /etc/hosts kept; host network), and
// downward API limits of a container without limits from the Node's allocatable. Without an engine this FAILS.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { mountsBeneath } from '../../src/runtime/bind-mount.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { ready, TestNode } from './node-fixture.js';
import { waitFor } from './support.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const node = new TestNode({
  name: 'kfiles',
  label: 'kubelet-files',
  subnetOctet: 197,
  nodeName: 'kubelet-files-node',
  privilegedNamespace: 'kfiles',
  resyncMs: 1500,
  beforeKubelet: async () => {
    // The Node as node-status reports it: the downward API's limits default to its allocatable.
    await node.h.service.create(
      def('nodes'),
      undefined,
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: NODE },
        status: { capacity: { cpu: '3', memory: '5Gi', pods: '110' }, allocatable: { cpu: '3', memory: '5Gi', pods: '110' } },
      } as KObject,
      ctxW,
    );
    await node.h.service.create(
      def('configmaps'),
      NS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'a.conf': 'alpha' } } as KObject,
      ctxW,
    );
    await node.h.service.create(
      def('secrets'),
      NS,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sec' },
        data: { password: Buffer.from('s3cret').toString('base64') },
      } as KObject,
      ctxW,
    );
  },
});
const { NS, NODE, ctxW, def, getPod, podObj, createPod, sh } = node;
const IMAGE = 'dockube/busybox:test';

const container = (name: string, extra: J = {}): J => ({
  name,
  image: IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', 'sleep 100000'],
  ...extra,
});
/** Creates the pod and waits until it is Ready and `until` holds of it (e.g. a restart has happened). */
async function runPod(name: string, spec: J, until: (p: J) => boolean = () => true): Promise<J> {
  await createPod(podObj(name, spec));
  try {
    return await waitFor(
      `${name} Ready`,
      async () => {
        const p = await getPod(name);
        return ready(p) && until(p) && p;
      },
      45_000,
    );
  } catch (e) {
    const evs = ((await node.h.service.list(def('events'), NS)).items as J[]).filter((x) => x.involvedObject?.name === name);
    throw new Error(
      `${(e as Error).message}; status ${JSON.stringify((await getPod(name)).status)}; events ${evs.map((x) => x.message).join(' | ')}`,
    );
  }
}

beforeAll(() => node.start(), 120_000);

afterAll(() => node.stop(), 60_000);

describe('files the kubelet writes for a pod, on the real engine', () => {
  test('emptyDirs (disk and Memory) are 0777 and writable by a non-root container', async () => {
    const p = await runPod('nonroot', {
      securityContext: { runAsUser: 1000 },
      containers: [
        container('main', {
          volumeMounts: [
            { name: 'disk', mountPath: '/disk' },
            { name: 'mem', mountPath: '/mem' },
          ],
        }),
      ],
      volumes: [
        { name: 'disk', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
      ],
    });
    expect(await sh(p, 'main', 'id -u; stat -c %a /disk /mem')).toBe('1000\n777\n777');
    expect(await sh(p, 'main', 'echo a > /disk/f && echo b > /mem/f && cat /disk/f /mem/f && stat -c %u /disk/f')).toBe('a\nb\n1000');
    // The Memory one is a tmpfs of the kubelet's with the size asked for.
    expect(await sh(p, 'main', "grep ' /mem ' /proc/mounts | cut -d' ' -f3")).toBe('tmpfs');
    expect(await sh(p, 'main', "df -k /mem | tail -1 | awk '{print $2}'")).toBe('8192');
  });

  test('a Memory emptyDir keeps its files across a container restart, and its tmpfs goes with the pod', async () => {
    const script = 'if [ -f /mem/first ]; then echo again; sleep 100000; else date > /mem/first; exit 1; fi';
    const p = await runPod(
      'memkeep',
      {
        restartPolicy: 'Always',
        containers: [container('main', { command: ['sh', '-c', script], volumeMounts: [{ name: 'mem', mountPath: '/mem' }] })],
        volumes: [{ name: 'mem', emptyDir: { medium: 'Memory' } }],
      },
      // The first attempt runs for a moment before it exits: the pod can read Ready then, before any restart.
      (pod) => pod.status.containerStatuses[0].restartCount >= 1,
    );
    expect(p.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(1);
    expect(await sh(p, 'main', 'test -s /mem/first && echo kept')).toBe('kept');
    const podDir = realpathSync(join(node.dataDir, 'pods', p.metadata.uid));
    expect(await mountsBeneath(join(podDir, 'volumes'))).toEqual([join(podDir, 'volumes', 'mem')]);
    await node.h.service.delete(node.pods, NS, 'memkeep', { gracePeriodSeconds: 0 }, ctxW);
    await waitFor(
      'pod directory removed',
      async () => !(await mountsBeneath(podDir)).length && (await import('node:fs')).existsSync(podDir) === false,
    );
  });

  test('fsGroup: emptyDir/configMap/secret/projected files in group 2000, setgid directories, group modes; projected too', async () => {
    const p = await runPod('fsgroup', {
      securityContext: { runAsUser: 1000, fsGroup: 2000 },
      containers: [
        container('main', {
          volumeMounts: [
            { name: 'scratch', mountPath: '/scratch' },
            { name: 'cfg', mountPath: '/cfg' },
            { name: 'sec', mountPath: '/sec' },
            { name: 'all', mountPath: '/all' },
          ],
        }),
      ],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } },
        { name: 'all', projected: { sources: [{ configMap: { name: 'cfg' } }, { secret: { name: 'sec' } }] } },
      ],
    });
    // The container's groups include fsGroup; new files in the setgid emptyDir get group 2000.
    expect(await sh(p, 'main', 'id -G | tr " " "\\n" | grep -x 2000')).toBe('2000');
    expect(
      await sh(p, 'main', 'stat -c "%a %g" /scratch; mkdir /scratch/d; touch /scratch/d/f; stat -c "%a %g" /scratch/d /scratch/d/f'),
    ).toMatch(/^2777 2000\n2\d\d\d 2000\n\d+ 2000$/);
    expect(await sh(p, 'main', 'stat -L -c "%a %g" /cfg /cfg/a.conf /sec/password; cat /sec/password')).toBe(
      '2755 2000\n644 2000\n440 2000\ns3cret',
    );
    // Projected (configMap + secret): the payload directory and its files in group 2000 too.
    expect(await sh(p, 'main', 'stat -L -c "%a %g" /all /all/a.conf /all/password')).toBe('2755 2000\n644 2000\n644 2000');
  });

  test('/etc/hosts: pod IP with hostname and subdomain FQDN, hostAliases one line per IP; an own /etc/hosts is kept', async () => {
    const p = await runPod('hosts', {
      hostname: 'h1',
      subdomain: 'sub',
      hostAliases: [
        { ip: '123.45.67.89', hostnames: ['foo.local', 'bar.local'] },
        { ip: '10.1.2.3', hostnames: ['foo.remote'] },
      ],
      initContainers: [
        container('init', {
          command: ['sh', '-c', 'cat /etc/hosts > /out/init-hosts'],
          volumeMounts: [{ name: 'out', mountPath: '/out' }],
        }),
      ],
      containers: [
        container('main', { volumeMounts: [{ name: 'out', mountPath: '/out' }] }),
        container('own', { volumeMounts: [{ name: 'cfg', mountPath: '/etc/hosts', subPath: 'a.conf' }] }),
      ],
      volumes: [
        { name: 'out', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg' } },
      ],
    });
    const ip = p.status.podIP;
    expect(ip).toMatch(/^10\.197\./);
    const expected = [
      '# Kubernetes-managed hosts file.',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix',
      'fe00::1\tip6-allnodes',
      'fe00::2\tip6-allrouters',
      `${ip}\th1.sub.${NS}.svc.cluster.local\th1`,
      '',
      '# Entries added by HostAliases.',
      '123.45.67.89\tfoo.local\tbar.local',
      '10.1.2.3\tfoo.remote',
    ].join('\n');
    expect(await sh(p, 'main', 'cat /etc/hosts')).toBe(expected);
    // The init container, created before the sandbox had its IP, saw the same file.
    expect(await sh(p, 'main', 'cat /out/init-hosts')).toBe(expected);
    expect(await sh(p, 'own', 'cat /etc/hosts')).toBe('alpha');
  });

  test("host network: the node's hosts file under the kubelet's header, with hostAliases", async () => {
    const p = await runPod('hostnet', {
      hostNetwork: true,
      hostAliases: [{ ip: '10.9.9.9', hostnames: ['a.b', 'c.d'] }],
      containers: [container('main')],
    });
    const node = readFileSync('/etc/hosts', 'utf8');
    expect(`${await sh(p, 'main', 'cat /etc/hosts')}\n`).toBe(
      `# Kubernetes-managed hosts file (host network).\n${node}\n# Entries added by HostAliases.\n10.9.9.9\ta.b\tc.d\n`,
    );
  });

  test('downward API: limits of a container without limits are the Node allocatable (env, downwardAPI and projected files)', async () => {
    const rf = (resource: string, divisor?: string) => ({ containerName: 'main', resource, ...(divisor ? { divisor } : {}) });
    const p = await runPod('downward', {
      containers: [
        container('main', {
          env: [
            { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
            { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
            { name: 'CPU_MILLI', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
          ],
          volumeMounts: [
            { name: 'dw', mountPath: '/dw' },
            { name: 'pj', mountPath: '/pj' },
          ],
        }),
      ],
      volumes: [
        { name: 'dw', downwardAPI: { items: [{ path: 'mem', resourceFieldRef: rf('limits.memory', '1Mi') }] } },
        { name: 'pj', projected: { sources: [{ downwardAPI: { items: [{ path: 'cpu', resourceFieldRef: rf('limits.cpu') }] } }] } },
      ],
    });
    expect(await sh(p, 'main', 'echo $CPU_LIMIT $MEMORY_LIMIT $CPU_MILLI')).toBe(`3 ${5 * 1024 ** 3} 3000`);
    expect(await sh(p, 'main', 'cat /dw/mem; echo; cat /pj/cpu')).toBe('5120\n3');
  });
});
