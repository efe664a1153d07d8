// How the kubelet's plan mounts a bound claim's PersistentVolume: the Docker volume a provisioned PV's CSI source
// names, a hostPath PV (Docker may create it for an unset type or DirectoryOrCreate), a local PV (must exist), and the
// FailedMount reason for a source no plugin serves.
import type { Pod } from '../../src/translate/k8s-types.js';
import { DOCKER_VOLUME_DRIVER, persistentVolumeSource, volumePlan, type ClaimVolume } from '../../src/translate/volume-plan.js';

const pv = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });

test('each PV source maps to what the kubelet mounts', () => {
  expect(persistentVolumeSource(pv('pvc-1', { csi: { driver: DOCKER_VOLUME_DRIVER, volumeHandle: 'pvc-1' } }))).toEqual({
    dockerVolume: 'pvc-1',
  });
  expect(persistentVolumeSource(pv('hp', { hostPath: { path: '/srv/a' } }))).toEqual({ hostPath: '/srv/a', createIfMissing: true });
  expect(persistentVolumeSource(pv('hp', { hostPath: { path: '/srv/a', type: 'DirectoryOrCreate' } }))).toEqual({
    hostPath: '/srv/a',
    createIfMissing: true,
  });
  expect(persistentVolumeSource(pv('hp', { hostPath: { path: '/srv/a', type: 'Directory' } }))).toEqual({
    hostPath: '/srv/a',
    createIfMissing: false,
  });
  expect(persistentVolumeSource(pv('l', { local: { path: '/mnt/disk' } }))).toEqual({ hostPath: '/mnt/disk', createIfMissing: false });
  for (const spec of [{ nfs: { server: 's', path: '/' } }, { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'v' } }])
    expect(persistentVolumeSource(pv('other', spec))).toBe(
      'failed to get Plugin from volumeSpec for volume "other" err=no volume plugin matched',
    );
});

test("a claim backed by a host directory is a bind mount, by a Docker volume a persistent volume, read-only as the pod's volume says", () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: {
      containers: [{ name: 'c', image: 'i' }],
      volumes: [
        { name: 'local', persistentVolumeClaim: { claimName: 'on-disk', readOnly: true } },
        { name: 'docker', persistentVolumeClaim: { claimName: 'provisioned' } },
      ],
    },
  } as Pod;
  const backing: Record<string, ClaimVolume> = {
    'on-disk': { hostPath: '/mnt/disk', createIfMissing: false },
    provisioned: { dockerVolume: 'pvc-9' },
  };
  const plan = volumePlan(pod, { podDir: '/data/pods/u1', claimVolume: (c) => backing[c]! });
  expect(plan.sources).toEqual({
    local: { kind: 'bind', path: '/mnt/disk', readOnly: true, createIfMissing: false },
    docker: { kind: 'volume', name: 'pvc-9', readOnly: false },
  });
  expect(plan.dockerVolumes.map((v) => [v.Name, v.persistent, v.Labels['dockube.io/pvc']])).toEqual([['pvc-9', true, 'ns/provisioned']]);
});
