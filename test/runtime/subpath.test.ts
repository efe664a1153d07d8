// subPath on the real engine through the kubelet: the escape of CVE-2017-1002101 replayed (a container swaps a
// directory of its emptyDir for a link to the host and exits; its restart is refused with CreateContainerConfigError
// and the host directory stays untouched), a hostPath subPath linking out refused, a link swapped between resolving
// and binding (the container still gets the volume's directory), links that stay inside and ordinary subPaths of
// every volume type working, and no mount left behind once the pods are gone. Needs the engine and root (mount(8)),
// as the kubelet does; it FAILS (never skips) without them.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';
import { cleanSubPaths, prepareSubPaths } from '../../src/reconcilers/kubelet/subpaths.js';
import { ObjectFilter } from '../../src/registry/object-filter.js';
import { mountsBeneath, unmountBeneath } from '../../src/runtime/bind-mount.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { ContainerConfigError } from '../../src/translate/errors.js';
import { statusOf, TestNode } from './node-fixture.js';
import { waitFor } from './support.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const node = new TestNode({
  name: 'subpath',
  label: 'subpath',
  subnetOctet: 199,
  nodeName: 'subpath-test-node',
  privilegedNamespace: 'subpath', // the hostPath cases need it
  withVolumes: true,
  resyncMs: 1500,
  // The host's directories exist before any pod.
  prepare: () => {
    victim = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'dockube-victim-')));
    fs.writeFileSync(join(victim, 'marker'), 'host data\n');
    hostVol = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'dockube-hostvol-')));
    fs.symlinkSync(victim, join(hostVol, 'out'));
  },
});
const { docker, instance, NS, ctxW, def, getPod, podObj, createPod, createClaim, sh, eventsOf, containersOf, deletePod, readyPod } = node;
const IMAGE = 'dockube/busybox:test';
let victim: string;
let hostVol: string;

beforeAll(() => node.start(), 120_000);

afterAll(async () => {
  await node.stop();
  for (const d of [victim, hostVol]) if (d) fs.rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('subPath on the real engine', () => {
  test('the escape: an emptyDir directory swapped for a link to the host is refused at the restart, the host untouched', async () => {
    const script = [
      'if [ -L /data/escape ]; then echo pwned > /mnt/pwned; sleep 3600; fi', // only reachable through the escape
      'echo first > /mnt/first',
      `rm -rf /data/escape && ln -s ${victim} /data/escape`,
    ].join('\n');
    const created = await createPod(
      podObj('escape', {
        restartPolicy: 'Always',
        containers: [
          {
            name: 'main',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', script],
            volumeMounts: [
              { name: 'w', mountPath: '/data' },
              { name: 'w', mountPath: '/mnt', subPath: 'escape' },
            ],
          },
        ],
        volumes: [{ name: 'w', emptyDir: {} }],
      }),
    );
    const message = 'failed to prepare subPath for volumeMount "w" of container "main"';
    // Every status written is seen (a refused attempt is followed by CrashLoopBackOff until the next, as in kubelet).
    const statuses: J[] = [];
    const watch = await node.h.service.watch(
      node.pods,
      NS,
      undefined,
      new ObjectFilter(node.pods, undefined, 'metadata.name=escape'),
      (_t, o) => {
        const s = statusOf(o as J, 'main');
        if (s) statuses.push(s);
      },
    );
    const refused = await waitFor(
      'CreateContainerConfigError',
      async () => statuses.find((s) => s.state?.waiting?.reason === 'CreateContainerConfigError'),
      40_000,
    ).finally(() => watch.stop());
    expect(refused.state.waiting.message).toBe(message);
    // The first run did happen (and left its link in the volume); the second was never created.
    expect(refused.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(refused.restartCount).toBe(0);
    const ev = await waitFor('Failed event', async () => (await eventsOf(created.metadata.uid!)).find((e) => e.reason === 'Failed'));
    expect(ev).toMatchObject({ type: 'Warning', message: `Error: ${message}`, involvedObject: { fieldPath: 'spec.containers{main}' } });
    expect(await containersOf('escape')).toHaveLength(1);
    // Refused again at the next retry, and the host directory never saw a write.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await containersOf('escape')).toHaveLength(1);
    expect(fs.readdirSync(victim)).toEqual(['marker']);
    expect(fs.readFileSync(join(victim, 'marker'), 'utf8')).toBe('host data\n');
  });

  test('a hostPath subPath that links out of the hostPath is refused too', async () => {
    await createPod(
      podObj('hostout', {
        containers: [
          {
            name: 'main',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'echo pwned > /x/pwned; sleep 3600'],
            volumeMounts: [{ name: 'h', mountPath: '/x', subPath: 'out' }],
          },
        ],
        volumes: [{ name: 'h', hostPath: { path: hostVol, type: 'Directory' } }],
      }),
    );
    const p = await waitFor(
      'refused',
      async () => {
        const x = await getPod('hostout');
        return statusOf(x, 'main')?.state?.waiting?.reason === 'CreateContainerConfigError' && x;
      },
      30_000,
    );
    expect(statusOf(p, 'main').state.waiting.message).toBe('failed to prepare subPath for volumeMount "h" of container "main"');
    expect(await containersOf('hostout')).toHaveLength(0);
    expect(fs.readdirSync(victim)).toEqual(['marker']);
  });

  test('links that stay inside the volume, subPathExpr, and subPaths of configMap, secret, PVC, hostPath, projected, downwardAPI work', async () => {
    const cms = def('configmaps');
    const secrets = def('secrets');
    await node.h.service.create(
      cms,
      NS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'app.conf': 'conf-v1' } } as KObject,
      ctxW,
    );
    await node.h.service.create(
      secrets,
      NS,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { token: Buffer.from('tok').toString('base64') } } as KObject,
      ctxW,
    );
    await createClaim('claim', '16Mi');
    fs.mkdirSync(join(hostVol, 'shared'));
    fs.writeFileSync(join(hostVol, 'shared', 'h.txt'), 'from hostPath');
    fs.symlinkSync('shared', join(hostVol, 'alias'));
    await createPod(
      podObj('ordinary', {
        initContainers: [
          {
            name: 'prep',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: [
              'sh',
              '-c',
              'mkdir -p /w/real/dir && echo inside > /w/real/dir/f && ln -s real/dir /w/alias && ln -s ../real /w/real/up',
            ],
            volumeMounts: [{ name: 'w', mountPath: '/w' }],
          },
        ],
        containers: [
          {
            name: 'main',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'sleep 3600'],
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            volumeMounts: [
              { name: 'w', mountPath: '/alias', subPath: 'alias' },
              { name: 'w', mountPath: '/up', subPath: 'real/up/dir' },
              { name: 'w', mountPath: '/logs', subPathExpr: 'logs/$(POD)' },
              { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
              { name: 'sec', mountPath: '/run/token', subPath: 'token' },
              { name: 'claim', mountPath: '/claim', subPath: 'nested/dir' },
              { name: 'h', mountPath: '/h', subPath: 'alias' },
              { name: 'proj', mountPath: '/proj-name', subPath: 'podname' },
              { name: 'info', mountPath: '/info-ns', subPath: 'ns' },
            ],
          },
        ],
        volumes: [
          { name: 'w', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'sec', secret: { secretName: 'sec' } },
          { name: 'claim', persistentVolumeClaim: { claimName: 'claim' } },
          { name: 'h', hostPath: { path: hostVol, type: 'Directory' } },
          {
            name: 'proj',
            projected: { sources: [{ downwardAPI: { items: [{ path: 'podname', fieldRef: { fieldPath: 'metadata.name' } }] } }] },
          },
          { name: 'info', downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ],
      }),
    );
    const p = await readyPod('ordinary', 60_000);
    expect(await sh(p, 'main', 'cat /alias/f; cat /up/f')).toBe('inside\ninside');
    expect(
      await sh(
        p,
        'main',
        'echo log > /logs/l; cat /etc/app.conf; echo; cat /run/token; echo; cat /h/h.txt; echo; cat /proj-name; echo; cat /info-ns',
      ),
    ).toBe(`conf-v1\ntok\nfrom hostPath\nordinary\n${NS}`);
    expect(await sh(p, 'main', 'echo kept > /claim/k; cat /claim/k')).toBe('kept');
    // The missing directories were made inside their volumes.
    expect(fs.statSync(join(hostVol, 'shared')).isDirectory()).toBe(true);
    const w = (
      await docker.listVolumes({
        filters: { label: [`${LABEL_INSTANCE}=${instance}`, 'dockube.io/volume=w', `io.kubernetes.pod.uid=${p.metadata.uid}`] },
      })
    ).Volumes!;
    expect(w).toHaveLength(1);
    expect(fs.readFileSync(join(w[0]!.Mountpoint, 'logs', 'ordinary', 'l'), 'utf8')).toBe('log\n');
  });

  test('a link swapped in between resolving and binding: the container still gets the directory inside the volume', async () => {
    const podDir = join(node.dataDir, 'pods', 'toctou');
    const vol = fs.mkdtempSync(join(tmpdir(), 'dockube-toctou-'));
    try {
      fs.mkdirSync(join(vol, 'sub'));
      const sources = await prepareSubPaths(podDir, 'main', [{ index: 0, mountName: 'v', volumePath: vol, subPath: 'sub' }], {
        log: () => undefined,
        beforeBind: () => {
          fs.renameSync(join(vol, 'sub'), join(vol, 'sub-moved'));
          fs.symlinkSync(victim, join(vol, 'sub'));
        },
      });
      const c = await docker.createContainer({
        Image: IMAGE,
        Cmd: ['sh', '-c', 'echo written > /mnt/f'],
        Labels: { [LABEL_INSTANCE]: instance },
        HostConfig: { Mounts: [{ Type: 'bind', Source: sources[0]!, Target: '/mnt' }] },
      });
      await c.start();
      expect((await c.wait()).StatusCode).toBe(0);
      await c.remove();
      expect(fs.readFileSync(join(vol, 'sub-moved', 'f'), 'utf8')).toBe('written\n');
      expect(fs.readdirSync(victim)).toEqual(['marker']);
      // The same preparation now refuses; its cleanup leaves no mount and no directory.
      await expect(
        prepareSubPaths(podDir, 'main', [{ index: 0, mountName: 'v', volumePath: vol, subPath: 'sub' }], { log: () => undefined }),
      ).rejects.toThrow(ContainerConfigError);
      expect(await cleanSubPaths(podDir)).toBe(true);
      expect(await mountsBeneath(podDir)).toEqual([]);
      expect(fs.existsSync(join(podDir, 'volume-subpaths'))).toBe(false);
      expect(fs.readFileSync(join(vol, 'sub-moved', 'f'), 'utf8')).toBe('written\n');
    } finally {
      await unmountBeneath(podDir);
      fs.rmSync(vol, { recursive: true, force: true });
    }
  });

  test("once the pods are gone, no subPath mount is left and the volumes' contents were not removed through one", async () => {
    const uid = (await getPod('ordinary')).metadata.uid;
    expect((await mountsBeneath(join(node.dataDir, 'pods', uid))).length).toBeGreaterThan(0);
    for (const name of ['escape', 'hostout', 'ordinary']) await deletePod(name);
    await waitFor('pod dirs removed', async () => !fs.existsSync(join(node.dataDir, 'pods', uid)) && 'gone', 20_000);
    expect(await mountsBeneath(node.dataDir)).toEqual([]);
    expect(fs.readFileSync(join(hostVol, 'shared', 'h.txt'), 'utf8')).toBe('from hostPath');
    expect(fs.readdirSync(victim)).toEqual(['marker']);
  });
});
