import { Buffer } from 'node:buffer';
import type { Pod } from '../../src/translate/k8s-types.js';
import { ownedMode, podFsUser, rootNeedsChange, volumeOwnership } from '../../src/translate/volume-ownership.js';
import { volumePlan } from '../../src/translate/volume-plan.js';
import { resourceFieldValue } from '../../src/translate/field-ref.js';

const mk = (spec: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec: { containers: [{ name: 'c' }], ...spec },
});

describe('volume ownership planner (SetVolumeOwnership)', () => {
  test('no fsGroup: nothing changes', () => {
    expect(volumeOwnership(mk(), 'emptyDir')).toBeUndefined();
    expect(volumeOwnership(mk({ securityContext: { runAsUser: 1000 } }), 'secret')).toBeUndefined();
  });

  test('emptyDir is read-write: files g+rw, dirs g+rwx and setgid', () => {
    const o = volumeOwnership(mk({ securityContext: { fsGroup: 2000 } }), 'emptyDir')!;
    expect(o).toEqual({ gid: 2000, readOnly: false, onRootMismatch: false });
    expect(ownedMode(0o644, false, o)).toBe(0o664);
    expect(ownedMode(0o600, false, o)).toBe(0o660);
    expect(ownedMode(0o777, true, o)).toBe(0o2777);
    expect(ownedMode(0o700, true, o)).toBe(0o2770);
  });

  test('configMap/secret/downwardAPI/projected are read-only: files g+r, dirs g+rx and setgid', () => {
    for (const kind of ['configMap', 'secret', 'downwardAPI', 'projected'] as const) {
      const o = volumeOwnership(mk({ securityContext: { fsGroup: 2000 } }), kind)!;
      expect(o.readOnly).toBe(true);
      expect(ownedMode(0o400, false, o)).toBe(0o440);
      expect(ownedMode(0o644, false, o)).toBe(0o644);
      expect(ownedMode(0o755, true, o)).toBe(0o2755);
      expect(ownedMode(0o700, true, o)).toBe(0o2750);
    }
  });

  test('OnRootMismatch: a root with the group, setgid and (read-write) group rw is left alone', () => {
    const o = volumeOwnership(mk({ securityContext: { fsGroup: 2000, fsGroupChangePolicy: 'OnRootMismatch' } }), 'emptyDir')!;
    expect(o.onRootMismatch).toBe(true);
    expect(rootNeedsChange({ gid: 2000, mode: 0o2777 }, o)).toBe(false);
    expect(rootNeedsChange({ gid: 0, mode: 0o2777 }, o)).toBe(true);
    expect(rootNeedsChange({ gid: 2000, mode: 0o777 }, o)).toBe(true);
    expect(rootNeedsChange({ gid: 2000, mode: 0o2707 }, o)).toBe(true);
    expect(rootNeedsChange({ gid: 2000, mode: 0o2755 }, { ...o, readOnly: true })).toBe(false);
  });

  test('FsUserFrom: the one runAsUser every container has (pod default or own), else none', () => {
    expect(podFsUser(mk({ securityContext: { runAsUser: 1000 } }))).toBe(1000);
    expect(
      podFsUser(
        mk({
          containers: [
            { name: 'a', securityContext: { runAsUser: 7 } },
            { name: 'b', securityContext: { runAsUser: 7 } },
          ],
        }),
      ),
    ).toBe(7);
    expect(podFsUser(mk({ containers: [{ name: 'a', securityContext: { runAsUser: 7 } }, { name: 'b' }] }))).toBeUndefined();
    // A container's own user wins over the pod's.
    expect(podFsUser(mk({ securityContext: { runAsUser: 1 }, containers: [{ name: 'a', securityContext: { runAsUser: 2 } }] }))).toBe(2);
    expect(
      podFsUser(mk({ securityContext: { runAsUser: 1 }, containers: [{ name: 'a', securityContext: { runAsUser: 2 } }, { name: 'b' }] })),
    ).toBeUndefined();
    expect(podFsUser(mk())).toBeUndefined();
  });

  test('volume plan: projected token 0600 owned by the pod user; fsGroup on host dirs and emptyDirs', () => {
    const volumes = [
      { name: 'tok', projected: { defaultMode: 0o644, sources: [{ serviceAccountToken: { path: 'token' } }] } },
      { name: 'cfg', configMap: { name: 'cm' } },
      { name: 'scratch', emptyDir: {} },
    ];
    const inputs = { podDir: '/d', serviceAccountToken: () => 'jwt', configMap: () => ({ data: { a: '1' } }) };
    const plain = volumePlan(mk({ volumes }), inputs);
    expect(plain.hostDirs.find((d) => d.volume === 'tok')!.files.token).toEqual({ content: Buffer.from('jwt'), mode: 0o644 });
    expect(plain.hostDirs.every((d) => d.ownership === undefined)).toBe(true);
    const user = volumePlan(mk({ volumes, securityContext: { runAsUser: 1000 } }), inputs);
    expect(user.hostDirs.find((d) => d.volume === 'tok')!.files.token).toEqual({ content: Buffer.from('jwt'), mode: 0o600, uid: 1000 });
    const group = volumePlan(mk({ volumes, securityContext: { fsGroup: 2000 } }), inputs);
    expect(group.hostDirs.find((d) => d.volume === 'tok')!.files.token.mode).toBe(0o600);
    expect(group.hostDirs.find((d) => d.volume === 'cfg')!.ownership).toEqual({ gid: 2000, readOnly: true, onRootMismatch: false });
    expect(group.emptyDirs).toEqual([
      { volume: 'scratch', dockerVolume: 'dockube-u1-scratch', ownership: { gid: 2000, readOnly: false, onRootMismatch: false } },
    ]);
  });
});

describe('downward API: limits of a container without limits are the node allocatable', () => {
  const node = { allocatable: { cpu: '2', memory: '8039892Ki', 'ephemeral-storage': '100Gi' } };
  const volumes = [
    {
      name: 'dw',
      downwardAPI: {
        items: [
          { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
          { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
        ],
      },
    },
    {
      name: 'pj',
      projected: {
        sources: [{ downwardAPI: { items: [{ path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } }] } }],
      },
    },
  ];

  test('env arithmetic: ceil(allocatable / divisor)', () => {
    const pod = mk();
    const c = pod.spec.containers[0]!;
    expect(resourceFieldValue({ resource: 'limits.cpu' }, pod, c, node)).toBe('2');
    expect(resourceFieldValue({ resource: 'limits.cpu', divisor: '1m' }, pod, c, node)).toBe('2000');
    expect(resourceFieldValue({ resource: 'limits.memory' }, pod, c, node)).toBe(String(8039892 * 1024));
    // 8039892Ki / 1Mi = 7851.46: rounded up.
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1Mi' }, pod, c, node)).toBe('7852');
    expect(resourceFieldValue({ resource: 'limits.ephemeral-storage', divisor: '1Gi' }, pod, c, node)).toBe('100');
    // A limit of its own wins; requests never default to the allocatable.
    const limited = { name: 'c', resources: { limits: { cpu: '500m' } } };
    expect(resourceFieldValue({ resource: 'limits.cpu', divisor: '1m' }, mk({ containers: [limited] }), limited, node)).toBe('500');
    expect(resourceFieldValue({ resource: 'requests.memory' }, pod, c, node)).toBe('0');
  });

  test('downwardAPI and projected volume files', () => {
    const plan = volumePlan(mk({ volumes }), { podDir: '/d', ...node });
    const file = (v: string, f: string) => plan.hostDirs.find((d) => d.volume === v)!.files[f]!.content.toString();
    expect(file('dw', 'cpu')).toBe('2000');
    expect(file('dw', 'mem')).toBe('7852');
    expect(file('pj', 'cpu')).toBe('2');
  });
});
