// Pod volumes on the real engine through the kubelet, and PersistentVolumeClaims through the PVC binder:
// emptyDir (shared, Memory), configMap/secret (items, modes, live updates), downwardAPI (with updates), projected,
// hostPath, a claim whose data outlives its pods, a missing configMap (FailedMount until it appears), and the
// claim's Docker volume going away with the claim. If no engine can be started this FAILS (it never skips).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';
import { LABEL_PVC } from '../../src/translate/volume-plan.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { ready, TestNode } from './node-fixture.js';
import { waitFor } from './support.js';

jest.setTimeout(60_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
// hostPath volumes need a namespace whose Pod Security level is privileged.
const node = new TestNode({
  name: 'vol',
  label: 'volumes',
  subnetOctet: 196,
  nodeName: 'volumes-test-node',
  privilegedNamespace: 'volumes',
  withVolumes: true,
  resyncMs: 1500,
});
const { docker, instance, NS, ctxW, getPod, podObj, createPod, createClaim, sh, eventsOf, readyPod, deletePod } = node;
const IMAGE = 'dockube/busybox:test';
let hostDir: string;
let cms: ResourceDef;
let secrets: ResourceDef;
let pvcs: ResourceDef;

const sleeper = (name: string, mounts: J[], extra: J = {}) => ({
  name,
  image: IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', 'sleep 100000'],
  volumeMounts: mounts,
  ...extra,
});
const claimVolumes = (claim: string) =>
  docker.listVolumes({ filters: { label: [`${LABEL_PVC}=${NS}/${claim}`, `${LABEL_INSTANCE}=${instance}`] } }).then((r) => r.Volumes ?? []);

beforeAll(async () => {
  await node.start();
  hostDir = mkdtempSync(join(tmpdir(), 'dockube-hostpath-'));
  writeFileSync(join(hostDir, 'hello.txt'), 'from the host\n');
  [cms, secrets, pvcs] = [node.def('configmaps'), node.def('secrets'), node.def('persistentvolumeclaims')];
}, 120_000);

afterAll(async () => {
  await node.stop();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
}, 60_000);

describe('pod volumes on the real engine', () => {
  let p: J;

  test('a claim of the default class is provisioned as a Docker volume and bound', async () => {
    const created = await createClaim('data', '64Mi');
    const uid = created.metadata.uid!;
    const bound = await waitFor('claim Bound', async () => {
      const c = (await node.h.service.get(pvcs, NS, 'data')) as J;
      return c.status?.phase === 'Bound' && c;
    });
    expect(bound.spec).toMatchObject({ storageClassName: 'local', volumeName: `pvc-${uid}` });
    expect(bound.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '64Mi' } });
    expect(bound.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'dockube.io/docker-volume',
    });
    const vols = await claimVolumes('data');
    expect(vols.map((v) => v.Name)).toEqual([`pvc-${uid}`]);
    expect(vols[0]!.Labels).toMatchObject({ [LABEL_INSTANCE]: instance, 'dockube.io/data-dir': node.dataDir });
  });

  test('a claim of an unknown class stays Pending with ProvisioningFailed', async () => {
    const c = await node.h.service.create(
      pvcs,
      NS,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'lost' },
        spec: { storageClassName: 'gold', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      } as KObject,
      ctxW,
    );
    const ev = await waitFor('ProvisioningFailed', async () =>
      (await eventsOf(c.metadata.uid!)).find((e) => e.reason === 'ProvisioningFailed'),
    );
    expect(ev).toMatchObject({ type: 'Warning', message: 'storageclass.storage.k8s.io "gold" not found' });
    expect(((await node.h.service.get(pvcs, NS, 'lost')) as J).status.phase).toBe('Pending');
  });

  test('every volume type mounts: emptyDir (shared, tmpfs), configMap/secret with items and modes, downwardAPI, projected, hostPath, PVC', async () => {
    await node.h.service.create(
      cms,
      NS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'a.conf': 'alpha', b: 'beta' } } as KObject,
      ctxW,
    );
    await node.h.service.create(
      secrets,
      NS,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sec' },
        data: { password: Buffer.from('s3cret').toString('base64') },
      } as KObject,
      ctxW,
    );
    const mounts = [
      { name: 'shared', mountPath: '/shared' },
      { name: 'mem', mountPath: '/mem' },
      { name: 'cfg', mountPath: '/cfg' },
      { name: 'cfg-items', mountPath: '/cfg-items' },
      { name: 'sec', mountPath: '/sec' },
      { name: 'info', mountPath: '/info' },
      { name: 'all', mountPath: '/all' },
      { name: 'host', mountPath: '/host' },
      { name: 'data', mountPath: '/data' },
      { name: 'cfg', mountPath: '/sub/a.conf', subPath: 'a.conf' },
    ];
    await createPod(
      podObj(
        'vol',
        {
          containers: [
            sleeper('main', mounts, { resources: { limits: { memory: '64Mi', cpu: '500m' } } }),
            {
              name: 'peer',
              image: IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'echo from-peer > /shared/peer.txt; sleep 100000'],
              volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
            },
          ],
          volumes: [
            { name: 'shared', emptyDir: {} },
            { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
            { name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o640 } },
            { name: 'cfg-items', configMap: { name: 'cfg', items: [{ key: 'a.conf', path: 'nested/renamed.conf', mode: 0o600 }] } },
            { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } },
            {
              name: 'info',
              downwardAPI: {
                items: [
                  { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                  { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
                  { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
                  { path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } },
                  { path: 'mem_limit', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
                ],
              },
            },
            {
              name: 'all',
              projected: {
                sources: [
                  { configMap: { name: 'cfg', items: [{ key: 'b', path: 'cm-b' }] } },
                  { secret: { name: 'sec' } },
                  { downwardAPI: { items: [{ path: 'podname', fieldRef: { fieldPath: 'metadata.name' } }] } },
                ],
              },
            },
            { name: 'host', hostPath: { path: hostDir, type: 'Directory' } },
            { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          ],
        },
        { app: 'vol', tier: 'one' },
      ),
    );
    p = await readyPod('vol', 40_000);

    expect(await waitFor('peer file', () => sh(p, 'main', 'cat /shared/peer.txt'))).toBe('from-peer');
    expect(await sh(p, 'main', "grep ' /mem ' /proc/mounts | cut -d' ' -f3")).toBe('tmpfs');
    expect(await sh(p, 'main', 'cat /cfg/a.conf; echo; cat /cfg/b; echo; stat -L -c %a /cfg/a.conf')).toBe('alpha\nbeta\n640');
    expect(
      await sh(p, 'main', 'ls /cfg-items; cat /cfg-items/nested/renamed.conf; echo; stat -L -c %a /cfg-items/nested/renamed.conf'),
    ).toBe('nested\nalpha\n600');
    expect(await sh(p, 'main', 'cat /sec/password; echo; stat -L -c %a /sec/password')).toBe('s3cret\n400');
    expect(await sh(p, 'main', 'cat /info/labels')).toBe('app="vol"\ntier="one"');
    expect(await sh(p, 'main', 'cat /info/name; echo; cat /info/namespace; echo; cat /info/mem_limit')).toBe(`vol\n${NS}\n64`);
    expect(await sh(p, 'main', 'cat /all/cm-b; echo; cat /all/password; echo; cat /all/podname')).toBe('beta\ns3cret\nvol');
    expect(await sh(p, 'main', 'cat /host/hello.txt')).toBe('from the host');
    expect(await sh(p, 'main', 'cat /sub/a.conf')).toBe('alpha');
    await sh(p, 'main', 'echo persisted > /data/keep.txt');
  });

  test('configMap and downwardAPI files follow changes (subPath mounts do not); the claim cannot go while mounted', async () => {
    await node.h.service.update(cms, NS, 'cfg', (cur) => ({ ...cur, data: { 'a.conf': 'alpha-2', b: 'beta' } }), ctxW);
    await node.h.service.update(
      node.pods,
      NS,
      'vol',
      (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { app: 'vol', tier: 'two' } } }),
      ctxW,
    );
    expect(await waitFor('configMap update', async () => (await sh(p, 'main', 'cat /cfg/a.conf')) === 'alpha-2' && 'ok', 20_000)).toBe(
      'ok',
    );
    // Another volume of the same configMap: the kubelet writes a pod's volumes one after another, so it may land a
    // little later (CI run of 6aade15 read it ~100 ms after the first, still old, at load ~2).
    expect(
      await waitFor(
        'configMap items update',
        async () => (await sh(p, 'main', 'cat /cfg-items/nested/renamed.conf')) === 'alpha-2' && 'ok',
        20_000,
      ),
    ).toBe('ok');
    expect(
      await waitFor('labels update', async () => (await sh(p, 'main', 'cat /info/labels')).includes('tier="two"') && 'ok', 20_000),
    ).toBe('ok');
    expect(await sh(p, 'main', 'cat /sub/a.conf')).toBe('alpha');

    // A mounted claim is only marked for deletion: its finalizer stays while the pod runs.
    await node.h.service.delete(pvcs, NS, 'data', {}, ctxW);
    await new Promise((r) => setTimeout(r, 1000));
    const claim = (await node.h.service.get(pvcs, NS, 'data')) as J;
    expect(claim.metadata.deletionTimestamp).toBeDefined();
    expect(claim.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(await claimVolumes('data')).toHaveLength(1);
  });

  test('a pod referencing a missing configMap waits in ContainerCreating with FailedMount, then starts once it exists', async () => {
    const created = await createPod(
      podObj('needs-cm', {
        containers: [
          sleeper('main', [
            { name: 'later', mountPath: '/later' },
            { name: 'opt', mountPath: '/opt-cfg' },
          ]),
        ],
        volumes: [
          { name: 'later', configMap: { name: 'later' } },
          { name: 'opt', configMap: { name: 'never', optional: true } },
        ],
      }),
    );
    const ev = await waitFor('FailedMount', async () => (await eventsOf(created.metadata.uid!)).find((e) => e.reason === 'FailedMount'));
    expect(ev.type).toBe('Warning');
    expect(ev.message).toBe('MountVolume.SetUp failed for volume "later" : configmap "later" not found');
    const waiting = await getPod('needs-cm');
    expect(waiting.status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    expect(ready(waiting)).toBe(false);
    await node.h.service.create(
      cms,
      NS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' }, data: { k: 'v' } } as KObject,
      ctxW,
    );
    const started = await readyPod('needs-cm', 30_000);
    // An optional configMap that does not exist gives an empty directory.
    expect(await sh(started, 'main', 'cat /later/k; echo; ls /opt-cfg | wc -l')).toBe('v\n0');
  });

  test('a claim marked for deletion goes, with its Docker volume, once the pod mounting it is gone', async () => {
    await deletePod('vol');
    await waitFor(
      'old claim gone',
      async () => {
        try {
          await node.h.service.get(pvcs, NS, 'data');
          return false;
        } catch {
          return true;
        }
      },
      20_000,
    );
    await waitFor('old volume removed', async () => (await claimVolumes('data')).length === 0 && 'gone', 20_000);
  });

  test('a second pod reads what the first pod wrote to the same claim', async () => {
    await createClaim('keep', '16Mi');
    const mk = (name: string) =>
      podObj(name, {
        containers: [sleeper('main', [{ name: 'd', mountPath: '/d' }])],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'keep' } }],
      });
    await createPod(mk('writer'));
    const w = await readyPod('writer', 30_000);
    await sh(w, 'main', 'echo kept-data > /d/f.txt');
    await deletePod('writer');
    await createPod(mk('reader'));
    const r = await readyPod('reader', 30_000);
    expect(await sh(r, 'main', 'cat /d/f.txt')).toBe('kept-data');
    await node.h.service.delete(node.pods, NS, 'reader', { gracePeriodSeconds: 0 }, ctxW);
    await node.h.service.delete(pvcs, NS, 'keep', {}, ctxW);
    await waitFor('keep volume removed', async () => (await claimVolumes('keep')).length === 0 && 'gone', 30_000);
  });
});
