// Container probes on the real engine: an httpGet readiness probe against busybox httpd flips Ready as the
// test creates/removes the file it serves; an exec liveness probe restarts the container once its file is gone
// (restartCount, Killing and Unhealthy events); a startup probe holds `started` back.
// If no engine can be started this FAILS (it never skips).
import { jest } from '@jest/globals';
import { execInContainer } from '../../src/runtime/exec.js';
import { LABEL_KIND, LABEL_POD_UID } from '../../src/translate/labels.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { TestNode } from './node-fixture.js';
import { waitFor as waitForShared } from './support.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const node = new TestNode({ name: 'probes', label: 'probes', subnetOctet: 196, nodeName: 'probes-test-node', resyncMs: 2000 });
const { docker, getPod, podObj, createPod } = node;
const eventsOf = node.eventsNamed;
const IMAGE = 'dockube/busybox:test';
const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 40000) => waitForShared(what, fn, timeoutMs, 150);

const cond = (p: J, type: string) => p.status?.conditions?.find((c: J) => c.type === type);
const podOf = (name: string, containers: J[]): KObject => podObj(name, { terminationGracePeriodSeconds: 1, containers });

async function appContainer(uid: string): Promise<string> {
  const list = await docker.listContainers({ filters: { label: [`${LABEL_POD_UID}=${uid}`, `${LABEL_KIND}=app`] } });
  if (!list[0]) throw new Error('no running app container');
  return list[0].Id;
}

async function sh(uid: string, script: string) {
  const r = await execInContainer(docker, await appContainer(uid), ['sh', '-c', script], 5000);
  expect(r.exitCode).toBe(0);
}

beforeAll(() => node.start(), 120_000);

afterAll(() => node.stop(), 60_000);

describe('probes on the real engine', () => {
  test('httpGet readiness: Ready follows the file httpd serves', async () => {
    const created = await createPod(
      podOf('ready-web', [
        {
          name: 'web',
          image: IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
        },
      ]),
    );
    const uid = created.metadata.uid!;
    const running = await waitFor('running, not ready', async () => {
      const p = await getPod('ready-web');
      return p.status?.containerStatuses?.[0]?.state?.running && p;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const notReady = await getPod('ready-web');
    expect(running.status.containerStatuses[0].ready).toBe(false);
    expect(notReady.status.containerStatuses[0]).toMatchObject({ ready: false, started: true });
    expect(cond(notReady, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
    expect(cond(notReady, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });

    await sh(uid, 'mkdir -p /var/www && echo ok > /var/www/healthz');
    await waitFor('Ready', async () => cond(await getPod('ready-web'), 'Ready')?.status === 'True');
    expect((await getPod('ready-web')).status.containerStatuses[0].ready).toBe(true);

    await sh(uid, 'rm /var/www/healthz');
    await waitFor('not Ready again', async () => cond(await getPod('ready-web'), 'Ready')?.status === 'False');
    // The 404's event: on a loaded machine the first probe can also come before httpd listens (connection refused).
    const unhealthy = await waitFor('Unhealthy event', async () =>
      (await eventsOf('ready-web')).find((e) => e.reason === 'Unhealthy' && /statuscode/.test(e.message ?? '')),
    );
    expect(unhealthy).toMatchObject({
      type: 'Warning',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 404',
      source: { component: 'kubelet' },
    });
    expect(unhealthy.involvedObject.fieldPath).toBe('spec.containers{web}');
    expect((await getPod('ready-web')).status.containerStatuses[0].restartCount).toBe(0); // readiness never restarts
  });

  test('exec liveness: a missing file kills and restarts the container', async () => {
    const created = await createPod(
      podOf('live', [
        {
          name: 'main',
          image: IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', 'touch /tmp/healthy; exec sleep 3600'],
          // timeoutSeconds 5: a loaded engine's exec can pass the default 1 s, and a timed-out run is another message.
          livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2, timeoutSeconds: 5 },
        },
      ]),
    );
    const uid = created.metadata.uid!;
    await waitFor('live Ready', async () => cond(await getPod('live'), 'Ready')?.status === 'True');
    const firstId = await appContainer(uid);
    await new Promise((r) => setTimeout(r, 2500)); // several successful probes: nothing happens
    expect((await getPod('live')).status.containerStatuses[0].restartCount).toBe(0);

    await sh(uid, 'rm /tmp/healthy');
    const restarted = await waitFor('restarted', async () => {
      const p = await getPod('live');
      const s = p.status?.containerStatuses?.[0];
      return s?.restartCount >= 1 && s.state?.running && p;
    });
    expect(restarted.status.containerStatuses[0].lastState.terminated).toBeDefined();
    expect(await appContainer(uid)).not.toBe(firstId);
    const events = await waitFor('Killing event', async () => {
      const e = await eventsOf('live');
      return e.some((x) => x.reason === 'Killing') && e;
    });
    expect(events.find((e) => e.reason === 'Killing')).toMatchObject({
      type: 'Normal',
      message: 'Container main failed liveness probe, will be restarted',
    });
    const unhealthy = events.find((e) => e.reason === 'Unhealthy');
    expect(unhealthy?.message).toMatch(/^Liveness probe failed: cat: (can't open )?'?\/tmp\/healthy'?: No such file or directory/);
    expect(unhealthy?.count).toBeGreaterThanOrEqual(2); // every failed run is an event, folded by the recorder
    // The new container recreated its file: it stays up.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await getPod('live')).status.containerStatuses[0].restartCount).toBe(restarted.status.containerStatuses[0].restartCount);
  });

  test('startup probe: started and ready wait for it', async () => {
    const created = await createPod(
      podOf('slow-start', [
        {
          name: 'main',
          image: IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '3600'],
          startupProbe: { exec: { command: ['test', '-f', '/tmp/up'] }, periodSeconds: 1, failureThreshold: 60 },
        },
      ]),
    );
    const uid = created.metadata.uid!;
    await waitFor('running', async () => (await getPod('slow-start')).status?.containerStatuses?.[0]?.state?.running);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getPod('slow-start')).status.containerStatuses[0]).toMatchObject({ started: false, ready: false });
    await sh(uid, 'touch /tmp/up');
    await waitFor('started and ready', async () => {
      const s = (await getPod('slow-start')).status.containerStatuses[0];
      return s.started === true && s.ready === true;
    });
  });
});
