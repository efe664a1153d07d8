import { Buffer } from 'node:buffer';
import { containerMounts, resolveSubPath, subPathTargets } from '../../src/translate/mounts.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import {
  containerStateFromInspect,
  containerStatus,
  imageIdFor,
  k8sTime,
  terminationMessage,
  type DockerInspect,
} from '../../src/translate/status.js';
import { VolumeSetupError } from '../../src/translate/errors.js';
import { volumePlan } from '../../src/translate/volume-plan.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const text = (f: { content: Buffer } | undefined) => f?.content.toString('utf8');

const pod: Pod = {
  metadata: { name: 'web', namespace: 'ns1', uid: 'uid-9', labels: { app: 'web' } },
  spec: {
    containers: [{ name: 'c', resources: { limits: { memory: '32Mi' } } }],
    volumes: [
      { name: 'cache', emptyDir: {} },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
      { name: 'cfg', configMap: { name: 'cm', defaultMode: 0o600 } },
      {
        name: 'cfg-items',
        configMap: {
          name: 'cm',
          items: [
            { key: 'a.conf', path: 'conf/a.conf', mode: 0o400 },
            { key: 'bin', path: 'b' },
          ],
        },
      },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'opt', secret: { secretName: 'ghost', optional: true } },
      {
        name: 'info',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
          ],
        },
      },
      {
        name: 'proj',
        projected: {
          defaultMode: 0o640,
          sources: [
            { configMap: { name: 'cm', items: [{ key: 'a.conf', path: 'a' }] } },
            { secret: { name: 's', items: [{ key: 'token', path: 't', mode: 0o400 }] } },
            { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            { serviceAccountToken: { path: 'sa-token', expirationSeconds: 600 } },
          ],
        },
      },
      { name: 'host', hostPath: { path: '/srv/data' } },
      { name: 'sock', hostPath: { path: '/run/x.sock', type: 'Socket' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'claim1' } },
    ],
  },
};
const inputs = {
  podDir: '/var/lib/dockube/pods/uid-9',
  configMap: (n: string) => (n === 'cm' ? { data: { 'a.conf': 'A=1' }, binaryData: { bin: b64('\u0001\u0002') } } : undefined),
  secret: (n: string) => (n === 's' ? { data: { token: b64('s3cret') } } : undefined),
  serviceAccountToken: (r: { expirationSeconds: number }) => `jwt-${r.expirationSeconds}`,
};

describe('volumePlan', () => {
  const plan = volumePlan(pod, inputs);

  test('Docker volumes: emptyDir per pod, PVC per claim; a Memory emptyDir is a tmpfs of ours at its host dir', () => {
    expect(plan.dockerVolumes.map((v) => [v.Name, v.DriverOpts, v.persistent])).toEqual([
      ['dockube-uid-9-cache', {}, false],
      ['pvc-ns1-claim1', {}, true],
    ]);
    expect(plan.emptyDirs).toEqual([
      { volume: 'cache', dockerVolume: 'dockube-uid-9-cache' },
      { volume: 'shm', tmpfs: { path: '/var/lib/dockube/pods/uid-9/volumes/shm', sizeBytes: 16777216 } },
    ]);
    expect(plan.sources.shm).toEqual({
      kind: 'bind',
      path: '/var/lib/dockube/pods/uid-9/volumes/shm',
      readOnly: false,
      createIfMissing: false,
    });
    expect(plan.dockerVolumes[0].Labels).toMatchObject({ 'io.kubernetes.pod.uid': 'uid-9', 'dockube.io/volume': 'cache' });
    expect(plan.sources.data).toEqual({ kind: 'volume', name: 'pvc-ns1-claim1', readOnly: false });
  });

  test('configMap: all keys incl. binaryData with defaultMode; items pick keys, paths and modes', () => {
    const cfg = plan.hostDirs.find((d) => d.volume === 'cfg')!;
    expect(cfg.path).toBe('/var/lib/dockube/pods/uid-9/volumes/cfg');
    expect(Object.keys(cfg.files).sort()).toEqual(['a.conf', 'bin']);
    expect(cfg.files['a.conf'].mode).toBe(0o600);
    expect([...cfg.files.bin.content]).toEqual([1, 2]);
    const items = plan.hostDirs.find((d) => d.volume === 'cfg-items')!.files;
    expect(items['conf/a.conf']).toEqual({ content: Buffer.from('A=1'), mode: 0o400 });
    expect(items.b.mode).toBe(0o644);
    expect(plan.sources.cfg).toEqual({
      kind: 'bind',
      path: '/var/lib/dockube/pods/uid-9/volumes/cfg',
      readOnly: true,
      createIfMissing: false,
    });
  });

  test('secret decoded, 0644 default; optional missing secret gives an empty directory', () => {
    expect(plan.hostDirs.find((d) => d.volume === 'sec')!.files).toEqual({ token: { content: Buffer.from('s3cret'), mode: 0o644 } });
    expect(plan.hostDirs.find((d) => d.volume === 'opt')!.files).toEqual({});
  });

  test('downwardAPI and projected', () => {
    const info = plan.hostDirs.find((d) => d.volume === 'info')!.files;
    expect(text(info.labels)).toBe('app="web"');
    expect(text(info.mem)).toBe('32');
    const proj = plan.hostDirs.find((d) => d.volume === 'proj')!.files;
    expect(Object.fromEntries(Object.entries(proj).map(([k, v]) => [k, [v.content.toString(), v.mode.toString(8)]]))).toEqual({
      a: ['A=1', '640'],
      t: ['s3cret', '400'],
      ns: ['ns1', '640'],
      'sa-token': ['jwt-600', '640'],
    });
  });

  test('hostPath: binds; only unset/DirectoryOrCreate may be created', () => {
    expect(plan.sources.host).toEqual({ kind: 'bind', path: '/srv/data', readOnly: false, createIfMissing: true });
    expect(plan.sources.sock).toMatchObject({ createIfMissing: false });
  });

  test('missing objects and keys fail as FailedMount', () => {
    const one = (v: NonNullable<Pod['spec']['volumes']>[number]) => () =>
      volumePlan({ ...pod, spec: { ...pod.spec, volumes: [v] } }, inputs);
    expect(one({ name: 'x', configMap: { name: 'nope' } })).toThrow('MountVolume.SetUp failed for volume "x" : configmap "nope" not found');
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'zz', path: 'z' }] } })).toThrow(
      'configmap references non-existent config key: zz',
    );
    expect(one({ name: 'x', secret: { secretName: 's', items: [{ key: 'zz', path: 'z' }] } })).toThrow(
      'references non-existent secret key: zz',
    );
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'a.conf', path: '../escape' }] } })).toThrow(VolumeSetupError);
    // kubelet's validatePath: '..' anywhere (even where it would normalise away), absolute, the writer's own '..x' names.
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'a.conf', path: 'a/../b' }] } })).toThrow(
      "invalid path: must not contain '..': a/../b",
    );
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'a.conf', path: '/etc/passwd' }] } })).toThrow(
      'invalid path: must be relative path: /etc/passwd',
    );
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'a.conf', path: '..data' }] } })).toThrow(
      "invalid path: must not start with '..': ..data",
    );
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'a.conf', path: './' }] } })).toThrow("invalid path: must not be '.'");
    expect(one({ name: 'x', configMap: { name: 'cm', items: [{ key: 'a.conf', path: `${'n'.repeat(256)}` }] } })).toThrow(
      'filenames must be less than or equal to 255 characters',
    );
    expect(one({ name: 'x', downwardAPI: { items: [{ path: '../../etc/x', fieldRef: { fieldPath: 'metadata.name' } }] } })).toThrow(
      "must not contain '..'",
    );
    expect(one({ name: 'x', projected: { sources: [{ serviceAccountToken: { path: '/abs', expirationSeconds: 600 } }] } })).toThrow(
      'must be relative path',
    );
    expect(one({ name: 'x', configMap: { name: 'cm', optional: true, items: [{ key: 'zz', path: 'z' }] } })).not.toThrow();
  });
});

describe('containerMounts', () => {
  const plan = volumePlan(pod, inputs);
  const env = new Map([['POD', 'web']]);

  test('volumes, read-only sources, binds, propagation, termination log', () => {
    const m = containerMounts(
      {
        name: 'c',
        terminationMessagePath: '/dev/termination-log',
        volumeMounts: [
          { name: 'cache', mountPath: '/cache' },
          { name: 'data', mountPath: '/data', readOnly: true },
          { name: 'cfg', mountPath: '/etc/cfg' },
          { name: 'cfg', mountPath: '/etc/a.conf', subPath: 'a.conf' },
          { name: 'host', mountPath: '/host', mountPropagation: 'HostToContainer' },
          { name: 'sock', mountPath: '/x.sock' },
        ],
      },
      plan,
      env,
      {
        terminationLogHostPath: '/var/lib/dockube/pods/uid-9/containers/c/0/termination-log',
        subPathSources: { 3: '/var/lib/dockube/pods/uid-9/volume-subpaths/cfg/c/3' },
      },
    );
    expect(m.Mounts).toEqual([
      { Type: 'volume', Source: 'dockube-uid-9-cache', Target: '/cache', ReadOnly: false, VolumeOptions: { NoCopy: true } },
      { Type: 'volume', Source: 'pvc-ns1-claim1', Target: '/data', ReadOnly: true },
      { Type: 'bind', Source: '/var/lib/dockube/pods/uid-9/volumes/cfg', Target: '/etc/cfg', ReadOnly: true },
      { Type: 'bind', Source: '/var/lib/dockube/pods/uid-9/volume-subpaths/cfg/c/3', Target: '/etc/a.conf', ReadOnly: true },
      { Type: 'bind', Source: '/run/x.sock', Target: '/x.sock', ReadOnly: false },
      { Type: 'bind', Source: '/var/lib/dockube/pods/uid-9/etc-hosts', Target: '/etc/hosts', ReadOnly: false },
      {
        Type: 'bind',
        Source: '/var/lib/dockube/pods/uid-9/containers/c/0/termination-log',
        Target: '/dev/termination-log',
        ReadOnly: false,
      },
    ]);
    expect(m.Binds).toEqual(['/srv/data:/host:rw,rslave']);
  });

  test("subPaths to resolve: beneath a Docker volume's mount point, a hostPath or a pod volume directory; subPathExpr expands env", () => {
    const c = {
      name: 'c',
      volumeMounts: [
        { name: 'cache', mountPath: '/all' },
        { name: 'cache', mountPath: '/logs', subPathExpr: 'logs/$(POD)' },
        { name: 'host', mountPath: '/h', subPath: 'x/y' },
        { name: 'cfg', mountPath: '/a.conf', subPath: 'a.conf', readOnly: true },
      ],
    };
    expect(() => subPathTargets(c, plan, env)).toThrow(/needs the mount point/);
    const mountpoints = { volumeMountpoints: { 'dockube-uid-9-cache': '/var/lib/docker/volumes/x/_data' } };
    expect(subPathTargets(c, plan, env, mountpoints)).toEqual([
      { index: 1, mountName: 'cache', volumePath: '/var/lib/docker/volumes/x/_data', subPath: 'logs/web' },
      { index: 2, mountName: 'host', volumePath: '/srv/data', subPath: 'x/y', createVolumePath: true },
      { index: 3, mountName: 'cfg', volumePath: '/var/lib/dockube/pods/uid-9/volumes/cfg', subPath: 'a.conf' },
    ]);
  });

  test('a subPath is only ever mounted from the path the runtime pinned, never joined into a host path', () => {
    const c = {
      name: 'c',
      volumeMounts: [
        { name: 'cache', mountPath: '/logs', subPath: 'logs' },
        { name: 'host', mountPath: '/h', subPath: 'x', mountPropagation: 'HostToContainer' },
      ],
    };
    const mountpoints = { volumeMountpoints: { 'dockube-uid-9-cache': '/var/lib/docker/volumes/x/_data' } };
    expect(() => containerMounts(c, plan, env, mountpoints)).toThrow('failed to prepare subPath for volumeMount "cache" of container "c"');
    expect(() => containerMounts(c, plan, env, { ...mountpoints, subPathSources: { 0: '/pinned/0' } })).toThrow(
      'failed to prepare subPath for volumeMount "host" of container "c"',
    );
    const m = containerMounts(c, plan, env, { ...mountpoints, subPathSources: { 0: '/pinned/0', 1: '/pinned/1' } });
    expect(m.Binds).toEqual([]);
    expect(m.Mounts).toEqual([
      { Type: 'bind', Source: '/pinned/0', Target: '/logs', ReadOnly: false },
      { Type: 'bind', Source: '/pinned/1', Target: '/h', ReadOnly: false, BindOptions: { Propagation: 'rslave' } },
      { Type: 'bind', Source: '/var/lib/dockube/pods/uid-9/etc-hosts', Target: '/etc/hosts', ReadOnly: false },
    ]);
  });

  test('subPath checks and unknown volumes', () => {
    expect(() => resolveSubPath({ subPath: '/abs' }, env)).toThrow('error SubPath `/abs` must not be an absolute path');
    expect(() => resolveSubPath({ subPath: 'a/../../b' }, env)).toThrow("must not contain '..'");
    expect(resolveSubPath({ subPathExpr: '$(NOPE)/x' }, env)).toBe('$(NOPE)/x');
    expect(() => containerMounts({ name: 'c', volumeMounts: [{ name: 'ghost', mountPath: '/g' }] }, plan, env)).toThrow(
      'cannot find volume "ghost" to mount into container "c"',
    );
  });
});

describe('status mapping', () => {
  const base = (state: DockerInspect['State']): DockerInspect => ({ Id: 'abc123', State: state });
  const started = '2024-05-01T10:00:00.123456789Z';
  const finished = '2024-05-01T10:00:05.9Z';
  const zero = '0001-01-01T00:00:00Z';

  test('times', () => {
    expect(k8sTime(started)).toBe('2024-05-01T10:00:00Z');
    expect(k8sTime(zero)).toBeUndefined();
  });
  test('running', () => {
    expect(containerStateFromInspect(base({ Status: 'running', Running: true, StartedAt: started, FinishedAt: zero }))).toEqual({
      running: { startedAt: '2024-05-01T10:00:00Z' },
    });
  });
  test('terminated: Completed / Error with message from the termination file', () => {
    expect(containerStateFromInspect(base({ Status: 'exited', ExitCode: 0, StartedAt: started, FinishedAt: finished }))).toEqual({
      terminated: {
        exitCode: 0,
        reason: 'Completed',
        startedAt: '2024-05-01T10:00:00Z',
        finishedAt: '2024-05-01T10:00:05Z',
        containerID: 'docker://abc123',
      },
    });
    expect(
      containerStateFromInspect(base({ Status: 'exited', ExitCode: 7, StartedAt: started, FinishedAt: finished }), { message: 'bye' })
        .terminated,
    ).toMatchObject({ exitCode: 7, reason: 'Error', message: 'bye' });
  });
  test('OOMKilled only for terminated containers, even when the exit code is 0 (a child was killed)', () => {
    expect(
      containerStateFromInspect(base({ Status: 'exited', ExitCode: 137, OOMKilled: true, StartedAt: started, FinishedAt: finished }))
        .terminated?.reason,
    ).toBe('OOMKilled');
    expect(
      containerStateFromInspect(base({ Status: 'exited', ExitCode: 0, OOMKilled: true, StartedAt: started, FinishedAt: finished }))
        .terminated?.reason,
    ).toBe('OOMKilled');
    expect(containerStateFromInspect(base({ Status: 'running', Running: true, OOMKilled: true, StartedAt: started }))).toEqual({
      running: { startedAt: '2024-05-01T10:00:00Z' },
    });
  });
  test('a container that could not start; a created one is waiting', () => {
    const t = containerStateFromInspect(
      base({ Status: 'exited', ExitCode: 127, Error: 'exec: "nope": executable file not found', StartedAt: zero, FinishedAt: finished }),
    ).terminated;
    expect(t).toMatchObject({ reason: 'ContainerCannotRun', message: 'exec: "nope": executable file not found', exitCode: 127 });
    expect(t?.startedAt).toBeUndefined();
    expect(containerStateFromInspect(base({ Status: 'created', StartedAt: zero, FinishedAt: zero }))).toEqual({
      waiting: { reason: 'ContainerCreating' },
    });
    expect(containerStateFromInspect(base({ Status: 'created' }), { waitingReason: 'PodInitializing' })).toEqual({
      waiting: { reason: 'PodInitializing' },
    });
  });
  test('imageID and full status', () => {
    expect(imageIdFor({ Id: 'sha256:aa', RepoDigests: ['busybox@sha256:bb'] })).toBe('docker-pullable://busybox@sha256:bb');
    expect(imageIdFor({ Id: 'sha256:aa' })).toBe('docker://sha256:aa');
    expect(
      containerStatus({
        name: 'c',
        image: 'busybox',
        inspect: base({ Running: true, StartedAt: started }),
        imageInspect: { Id: 'sha256:aa' },
        restartCount: 2,
        ready: true,
      }),
    ).toEqual({
      name: 'c',
      state: { running: { startedAt: '2024-05-01T10:00:00Z' } },
      lastState: {},
      ready: true,
      restartCount: 2,
      image: 'busybox',
      imageID: 'docker://sha256:aa',
      containerID: 'docker://abc123',
      started: true,
    });
    expect(
      containerStatus({ name: 'c', image: 'i', state: { waitingReason: 'ErrImagePull', waitingMessage: 'no such image' } }).state,
    ).toEqual({ waiting: { reason: 'ErrImagePull', message: 'no such image' } });
  });
  test('termination message policy', () => {
    expect(terminationMessage('File', '', 1, () => 'log')).toBeUndefined();
    expect(terminationMessage('FallbackToLogsOnError', '', 1, () => 'log')).toBe('log');
    expect(terminationMessage('FallbackToLogsOnError', '', 0, () => 'log')).toBeUndefined();
    expect(terminationMessage('FallbackToLogsOnError', 'msg', 1, () => 'log')).toBe('msg');
  });
});
