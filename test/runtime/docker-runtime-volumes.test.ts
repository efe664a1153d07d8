// The runtime's volume calls against the real engine: a volume is created with the server's labels and kept when it
// exists, a pod's volumes go with the pod (this instance's only, claims stay), and the sweep removes what servers
// whose data dir is gone left behind, and nothing else. If no engine can be reached this FAILS (it never skips).
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import { DockerRuntime, LABEL_DATA_DIR, LABEL_INSTANCE } from '../../src/runtime/docker-runtime.js';
import { LABEL_MANAGED, LABEL_POD_UID } from '../../src/translate/labels.js';
import { removeContainers, removeVolumes, run } from './support.js';

jest.setTimeout(60_000);

const docker = new Docker();
const tag = randomBytes(3).toString('hex');
const mine = `volrt-${tag}`;
const dataDir = `/tmp/dockube-volrt-${tag}`;
const runtime = new DockerRuntime(docker, { instance: mine, dataDir });
const TEST = 'dockube.io/test';
const IMAGE = 'dockube/busybox:test';

const volumeNames = async () =>
  new Set(((await docker.listVolumes({ filters: { label: [`${TEST}=${tag}`] } })).Volumes ?? []).map((v) => v.Name));
const containerNames = async () =>
  new Set((await docker.listContainers({ all: true, filters: { label: [`${TEST}=${tag}`] } })).map((c) => c.Names[0]!.slice(1)));

/** A volume (and a container, when asked) as another server's kubelet would have left them. */
async function leftBy(instance: string, dir: string, withContainer = false): Promise<string> {
  const name = `volrt-${tag}-${instance}`;
  const Labels = { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: instance, [LABEL_DATA_DIR]: dir, [TEST]: tag };
  await docker.createVolume({ Name: name, Labels });
  if (withContainer) await docker.createContainer({ name, Image: IMAGE, Cmd: ['true'], Labels });
  return name;
}

beforeAll(() => {
  run('bash', ['scripts/build-test-images.sh']);
});

afterAll(async () => {
  await removeContainers(docker, [`${TEST}=${tag}`]);
  await removeVolumes(docker, [`${TEST}=${tag}`]);
});

test('createVolume labels the volume as this server’s and keeps one that exists; volumeMountpoint finds it', async () => {
  const name = `volrt-${tag}-claim`;
  expect(await runtime.volumeMountpoint(name)).toBeUndefined();
  const spec = { Name: name, Driver: 'local', DriverOpts: {}, Labels: { [LABEL_MANAGED]: 'true', [TEST]: tag } };
  const mp = await runtime.createVolume(spec);
  expect(mp).toMatch(/\/_data$/);
  expect(await runtime.volumeMountpoint(name)).toBe(mp);
  expect(await runtime.createVolume(spec)).toBe(mp);
  const { Labels } = await docker.getVolume(name).inspect();
  expect(Labels).toMatchObject({ [LABEL_INSTANCE]: mine, [LABEL_DATA_DIR]: dataDir, [LABEL_MANAGED]: 'true' });
});

test('removePodVolumes removes this instance’s volumes of the pod only', async () => {
  const uid = `uid-${tag}`;
  const labels = { [LABEL_MANAGED]: 'true', [LABEL_POD_UID]: uid, [TEST]: tag };
  await runtime.createVolume({ Name: `volrt-${tag}-empty`, Driver: 'local', DriverOpts: {}, Labels: labels });
  await runtime.createVolume({
    Name: `volrt-${tag}-kept`,
    Driver: 'local',
    DriverOpts: {},
    Labels: { ...labels, [LABEL_POD_UID]: 'other' },
  });
  await docker.createVolume({ Name: `volrt-${tag}-theirs`, Labels: { ...labels, [LABEL_INSTANCE]: 'someone-else' } });
  await runtime.removePodVolumes(uid);
  const left = await volumeNames();
  expect(left.has(`volrt-${tag}-empty`)).toBe(false);
  expect(left.has(`volrt-${tag}-kept`)).toBe(true);
  expect(left.has(`volrt-${tag}-theirs`)).toBe(true);
  await runtime.removePodVolumes(uid); // nothing left to remove is fine
});

test('removeAbandoned removes what servers whose data dir is gone left, and nothing else', async () => {
  const gone = `/gone-${tag}`;
  const exists = (p: string) => p !== gone;
  const abandoned = await leftBy('abandoned', gone, true);
  const alive = await leftBy('alive', `/alive-${tag}`, true);
  const own = await leftBy(mine, gone, false); // this server's own: never swept, whatever its label says
  expect(await runtime.removeAbandoned(exists)).toBe(1);
  const [vols, cs] = [await volumeNames(), await containerNames()];
  expect(cs.has(abandoned)).toBe(false);
  expect(vols.has(abandoned)).toBe(false);
  expect(cs.has(alive)).toBe(true);
  expect(vols.has(alive)).toBe(true);
  expect(vols.has(own)).toBe(true);
});
