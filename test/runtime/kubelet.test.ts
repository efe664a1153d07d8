// The kubelet against the real engine: pods bound to the node become containers, report status, restart,
// finish, pull (and fail to pull), get projected service account tokens, are adopted after a kubelet restart, and go
// away on deletion. Twice: with the kubelet's client in process, and over HTTPS (a real TLS endpoint on the same
// service, the kubelet authenticated by a client certificate as system:node:<name>) for the scenarios that go
// through the API; the engine-only ones (sandbox death, hooks, pulls) run once.
// If no engine can be started this FAILS (it never skips).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { startKubelet, type Kubelet } from '../../src/reconcilers/kubelet/kubelet.js';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';
import { execInContainer } from '../../src/runtime/exec.js';
import { LABEL_KIND, LABEL_POD_UID } from '../../src/translate/labels.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { Client } from '../../src/client/types.js';
import { nodeIdentity } from '../../src/client/identities.js';
import { configureServiceAccounts, resetServiceAccounts } from '../../src/serviceaccount/runtime.js';
import { generateSigningKey } from '../../src/serviceaccount/signing-key.js';
import { serveHttps, type HttpsApi } from '../support/https-api.js';
import { createTestNetwork, ensureEngine, removeInstanceLeftovers, waitFor as waitForShared } from './support.js';

jest.setTimeout(60_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Mode = 'in-process' | 'https';
const docker = new Docker();
const rand = randomBytes(3).toString('hex');
const NS = 'default';
const IMAGE = 'dockube/busybox:test';
const ctxW = systemContext('test');
const log = pino({ level: 'silent' });
const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30000) => waitForShared(what, fn, timeoutMs, 100);

const containersOf = async (uid: string) => docker.listContainers({ all: true, filters: { label: [`${LABEL_POD_UID}=${uid}`] } });

function httpGet(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 80, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const ready = (p: J) => p.status?.conditions?.find((c: J) => c.type === 'Ready')?.status === 'True';

beforeAll(() => ensureEngine(), 120_000);

describe.each<Mode>(['in-process', 'https'])('kubelet on the real engine, its client %s', (mode) => {
  /** The engine-only scenarios run in the in-process pass alone: over HTTPS they would test the same code twice. */
  const engineTest = (name: string, fn: () => Promise<void>) => (mode === 'in-process' ? test(name, fn) : undefined);
  const instance = `test-${rand}-${mode}`;
  const NODE = `kubelet-test-node-${mode}`;
  const networkName = `dockube-test-kubelet-${rand}-${mode}`;
  let h: Harness;
  let api: HttpsApi | undefined;
  let nodeClient: Client | undefined;
  let podsDef: ResourceDef;
  let dataDir: string;
  let kubelet: Kubelet;
  let net: { subnet: string; gateway: string };

  function launch(): Kubelet {
    const ctx = makeContext(h.service, log, nodeClient ? { client: () => nodeClient! } : {});
    return startKubelet(ctx, {
      docker: { socketPath: '/var/run/docker.sock' },
      dataDir,
      nodeName: NODE,
      hostIP: '127.0.0.1',
      instance,
      network: { name: networkName, ...net },
      resyncMs: 2000,
      apiEndpoint: { host: net.gateway, port: 6443 },
    });
  }

  const getPod = (name: string) => h.service.get(podsDef, NS, name) as Promise<J>;

  function pod(name: string, spec: J): KObject {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, ...spec },
    } as KObject;
  }

  beforeAll(async () => {
    net = await createTestNetwork(docker, networkName, 'kubelet', 197);
    dataDir = mkdtempSync(join(tmpdir(), 'dockube-kubelet-'));
    h = await startHarness();
    podsDef = h.service.registry.defs.find((d) => d.plural === 'pods' && d.group === '')!;
    if (mode === 'https') {
      api = await serveHttps(h);
      nodeClient = await api.clientFor(nodeIdentity(NODE));
    }
    kubelet = launch();
    await kubelet.started;
  }, 120_000);

  afterAll(async () => {
    await kubelet?.stop();
    resetServiceAccounts();
    await removeInstanceLeftovers(docker, instance, networkName);
    await api?.close();
    await h?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  let webUid = '';
  let webIds: string[] = [];

  test('a two-container pod runs, reports Running with a pod IP the host reaches, and shares localhost', async () => {
    const t0 = Date.now();
    const created = await h.service.create(
      podsDef,
      NS,
      pod('web', {
        containers: [
          { name: 'httpd', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['httpd', '-f', '-p', '80', '-h', '/var/www'] },
          { name: 'sidecar', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'sleep 100000'] },
        ],
      }),
      ctxW,
    );
    webUid = created.metadata.uid!;
    const p = await waitFor('web Ready', async () => {
      const x = await getPod('web');
      return ready(x) && x;
    });
    const startMs = Date.now() - t0;
    // A bare container on the same network, for comparison.
    const t1 = Date.now();
    const bare = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['sleep', '30'],
      Labels: { [LABEL_INSTANCE]: instance },
      HostConfig: { NetworkMode: networkName },
    });
    await bare.start();
    const bareMs = Date.now() - t1;
    await bare.remove({ force: true });
    console.log(`pod create → Ready: ${startMs} ms; bare container create+start: ${bareMs} ms`);

    expect(p.status.phase).toBe('Running');
    expect(p.status.podIP).toMatch(new RegExp(`^${net.subnet.replace(/0\/24$/, '').replace(/\./g, '\\.')}`));
    expect(p.status.podIPs).toEqual([{ ip: p.status.podIP }]);
    expect(p.status.hostIP).toBe('127.0.0.1');
    expect(p.status.startTime).toBeDefined();
    expect(p.status.qosClass).toBe('BestEffort');
    const types = p.status.conditions.map((c: J) => `${c.type}=${c.status}`).sort();
    expect(types).toEqual([
      'ContainersReady=True',
      'Initialized=True',
      'PodReadyToStartContainers=True',
      'PodScheduled=True',
      'Ready=True',
    ]);
    expect(p.status.containerStatuses.map((c: J) => c.name)).toEqual(['httpd', 'sidecar']);
    for (const cs of p.status.containerStatuses) {
      expect(cs).toMatchObject({ ready: true, started: true, restartCount: 0, image: IMAGE });
      expect(cs.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
      // The image's own ID, or its repo digest (docker-pullable://) while a registry-named tag of the same image is on
      // the engine: a conformance run beside jest (scenario 38) may have pulled one.
      expect(cs.imageID).toMatch(/^(docker:\/\/sha256:[0-9a-f]{64}|docker-pullable:\/\/[^@]+@sha256:[0-9a-f]{64})$/);
      expect(cs.state.running.startedAt).toBeDefined();
    }
    expect(await httpGet(p.status.podIP)).toContain('dockube busybox');
    const sidecarId = p.status.containerStatuses[1].containerID.slice('docker://'.length);
    const r = await execInContainer(docker, sidecarId, ['timeout', '5', 'wget', '-qO-', 'http://localhost:80/'], 8000);
    expect(r.output).toContain('dockube busybox');
    const list = await containersOf(webUid);
    expect(list.map((c) => c.Labels[LABEL_KIND]).sort()).toEqual(['app', 'app', 'infra']);
    webIds = list.map((c) => c.Id).sort();
    // Events in the kubelet's words.
    const events = await waitFor('events', async () => {
      const evDef = h.service.registry.defs.find((d) => d.plural === 'events' && d.group === '')!;
      const items = (await h.service.list(evDef, NS)).items as J[];
      const mine = items.filter((e) => e.involvedObject?.uid === webUid).map((e) => `${e.reason}:${e.message}`);
      return mine.length >= 6 && mine;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        'Created:Created container: httpd',
        'Started:Started container sidecar',
        `Pulled:Container image "${IMAGE}" already present on machine`,
      ]),
    );
  });

  test('a kubelet restart adopts the running containers (same ids, nothing new)', async () => {
    const before = await getPod('web');
    await kubelet.stop();
    kubelet = launch();
    await kubelet.started;
    await new Promise((r) => setTimeout(r, 3000)); // a resync and the watch replay have run
    const ids = (await containersOf(webUid)).map((c) => c.Id).sort();
    expect(ids).toEqual(webIds);
    const after = await getPod('web');
    expect(after.status.containerStatuses.map((c: J) => c.containerID)).toEqual(
      before.status.containerStatuses.map((c: J) => c.containerID),
    );
    expect(after.status.podIP).toBe(before.status.podIP);
    expect(ready(after)).toBe(true);
  });

  engineTest('a dead infra container is replaced and the app containers restart in the new sandbox', async () => {
    const infra = (await containersOf(webUid)).find((c) => c.Labels[LABEL_KIND] === 'infra')!;
    await docker.getContainer(infra.Id).kill();
    const p = await waitFor('web restarted after sandbox death', async () => {
      const x = await getPod('web');
      return ready(x) && x.status.containerStatuses.every((c: J) => c.restartCount >= 1) && x;
    });
    expect(await httpGet(p.status.podIP)).toContain('dockube busybox');
    const running = await docker.listContainers({ filters: { label: [`${LABEL_POD_UID}=${webUid}`, `${LABEL_KIND}=infra`] } });
    expect(running).toHaveLength(1);
    expect(running[0]!.Id).not.toBe(infra.Id);
  });

  test('deleting the pod stops and removes its containers, then removes the pod', async () => {
    await h.service.delete(podsDef, NS, 'web', {}, ctxW);
    const marked = await getPod('web').catch(() => undefined);
    if (marked) expect(marked.metadata.deletionTimestamp).toBeDefined();
    await waitFor('web gone', async () => {
      try {
        await getPod('web');
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    });
    expect(await containersOf(webUid)).toHaveLength(0);
  });

  engineTest('postStart runs after the container starts; preStop runs before it is stopped', async () => {
    await h.service.create(
      podsDef,
      NS,
      pod('hooks', {
        terminationGracePeriodSeconds: 5,
        containers: [
          {
            name: 'c',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'],
            lifecycle: {
              postStart: { exec: { command: ['sh', '-c', 'echo started > /tmp/poststart'] } },
              // Writing to PID 1's stdout puts the hook's trace into the container log.
              preStop: { exec: { command: ['sh', '-c', 'echo prestop-ran > /proc/1/fd/1'] } },
            },
          },
        ],
      }),
      ctxW,
    );
    const p = await waitFor('hooks Ready', async () => {
      const x = await getPod('hooks');
      return ready(x) && x;
    });
    const app = (await containersOf(p.metadata.uid)).find((c) => c.Labels[LABEL_KIND] === 'app')!;
    const r = await execInContainer(docker, app.Id, ['cat', '/tmp/poststart'], 8000);
    expect(r.output.trim()).toBe('started');
    // Follow the log before deleting: the container is removed right after it stops.
    let logs = '';
    const follow = await docker.getContainer(app.Id).logs({ follow: true, stdout: true, stderr: true });
    follow.on('data', (c: Buffer) => {
      logs += c.toString('latin1');
    });
    await h.service.delete(podsDef, NS, 'hooks', {}, ctxW);
    await waitFor('preStop trace', async () => logs.includes('prestop-ran'), 10_000);
    (follow as unknown as { destroy(): void }).destroy();
    await waitFor('hooks gone', async () => {
      try {
        await getPod('hooks');
        return false;
      } catch (e) {
        return (e as { code?: number }).code === 404;
      }
    });
  });

  test('a crashing container with restartPolicy Always restarts and goes into CrashLoopBackOff', async () => {
    await h.service.create(
      podsDef,
      NS,
      pod('crash', { containers: [{ name: 'c', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exit 1'] }] }),
      ctxW,
    );
    const p = await waitFor('CrashLoopBackOff', async () => {
      const x = await getPod('crash');
      const cs = x.status?.containerStatuses?.[0];
      return cs?.restartCount >= 1 && cs.state?.waiting?.reason === 'CrashLoopBackOff' && x;
    });
    const cs = p.status.containerStatuses[0];
    expect(cs.state.waiting.message).toMatch(/^back-off 10s restarting failed container=c pod=crash_default\(/);
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(p.status.phase).toBe('Running');
    expect(ready(p)).toBe(false);
    // A fresh container per attempt; the previous attempt is kept for `logs --previous`.
    const list = await containersOf(p.metadata.uid);
    expect(list.filter((c) => c.Labels[LABEL_KIND] === 'app').length).toBe(2);
  });

  engineTest('restartPolicy Never with exit 0 ends Succeeded', async () => {
    await h.service.create(
      podsDef,
      NS,
      pod('once', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo done'] }],
      }),
      ctxW,
    );
    const p = await waitFor('Succeeded', async () => {
      const x = await getPod('once');
      return x.status?.phase === 'Succeeded' && x;
    });
    expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(p.status.containerStatuses[0].restartCount).toBe(0);
    const ready = p.status.conditions.find((c: J) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    // The sandbox is let go once the pod has finished.
    await waitFor(
      'infra stopped',
      async () => (await docker.listContainers({ filters: { label: [`${LABEL_POD_UID}=${p.metadata.uid}`] } })).length === 0,
    );
  });

  engineTest(
    'activeDeadlineSeconds: a pod past it, and a running pod whose deadline is shortened, end Failed/DeadlineExceeded',
    async () => {
      const sleeper = { name: 'c', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] };
      await h.service.create(podsDef, NS, pod('deadline', { activeDeadlineSeconds: 3, containers: [sleeper] }), ctxW);
      await h.service.create(podsDef, NS, pod('deadline-shortened', { containers: [sleeper] }), ctxW);
      const failed = async (name: string) =>
        waitFor(`${name} DeadlineExceeded`, async () => {
          const x = await getPod(name);
          return x.status?.phase === 'Failed' && x.status.containerStatuses?.[0]?.state?.terminated && x;
        });
      const p = await failed('deadline');
      expect(p.status).toMatchObject({
        reason: 'DeadlineExceeded',
        message: 'Pod was active on the node longer than the specified deadline',
      });
      const ranMs = Date.parse(p.status.containerStatuses[0].state.terminated.finishedAt) - Date.parse(p.status.startTime);
      expect(ranMs).toBeGreaterThanOrEqual(2000);
      expect(ranMs).toBeLessThan(8000);
      // Nothing of it runs any more (the sandbox included), and the kubelet said why.
      await waitFor(
        'deadline pod stopped',
        async () => (await docker.listContainers({ filters: { label: [`${LABEL_POD_UID}=${p.metadata.uid}`] } })).length === 0,
      );
      const evDef = h.service.registry.defs.find((d) => d.plural === 'events' && d.group === '')!;
      const events = ((await h.service.list(evDef, NS)).items as J[]).filter((e) => e.involvedObject?.uid === p.metadata.uid);
      expect(events.map((e) => `${e.type}/${e.reason}`)).toEqual(expect.arrayContaining(['Normal/DeadlineExceeded', 'Normal/Killing']));

      await waitFor('deadline-shortened Running', async () => (await getPod('deadline-shortened')).status?.phase === 'Running');
      await h.service.update(
        podsDef,
        NS,
        'deadline-shortened',
        (cur) => ({ ...cur, spec: { ...(cur.spec as J), activeDeadlineSeconds: 2 } }),
        ctxW,
      );
      const q = await failed('deadline-shortened');
      expect(q.status.reason).toBe('DeadlineExceeded');
      expect(q.status.containerStatuses[0].state.terminated.exitCode).toBe(137);
    },
  );

  engineTest('an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff', async () => {
    await h.service.create(
      podsDef,
      NS,
      pod('nopull', { containers: [{ name: 'c', image: '127.0.0.1:1/nope:1', imagePullPolicy: 'IfNotPresent' }] }),
      ctxW,
    );
    const p = await waitFor('ImagePullBackOff', async () => {
      const x = await getPod('nopull');
      const reason = x.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      return reason === 'ImagePullBackOff' && x;
    });
    // ErrImagePull may last less than one poll; the 'Error: ErrImagePull' event below proves it was reported.
    expect(p.status.phase).toBe('Pending');
    // Since 1.32 kubelet appends the last pull error to the back-off message.
    expect(p.status.containerStatuses[0].state.waiting.message).toMatch(
      /^Back-off pulling image "127\.0\.0\.1:1\/nope:1": ErrImagePull: .+/,
    );
    const evDef = h.service.registry.defs.find((d) => d.plural === 'events' && d.group === '')!;
    const reasons = await waitFor('Failed events', async () => {
      const items = ((await h.service.list(evDef, NS)).items as J[]).filter((e) => e.involvedObject?.name === 'nopull');
      return (
        items.some((e) => e.reason === 'Failed' && /Failed to pull image "127\.0\.0\.1:1\/nope:1"/.test(e.message)) &&
        items.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull') &&
        items.map((e) => e.reason)
      );
    });
    expect(reasons).toEqual(expect.arrayContaining(['Pulling', 'Failed', 'BackOff']));
  });

  test('configMap and secret sources are read through the client: FailedMount while missing, then the pod runs', async () => {
    const def = (plural: string) => h.service.registry.find('', 'v1', plural)!;
    const created = await h.service.create(
      podsDef,
      NS,
      pod('sources', {
        volumes: [{ name: 'cfg', configMap: { name: 'src-cfg' } }],
        containers: [
          {
            name: 'c',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'sleep 100000'],
            env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 'src-sec', key: 's' } } }],
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
          },
        ],
      }),
      ctxW,
    );
    const events = def('events');
    const ev = await waitFor('FailedMount', async () =>
      ((await h.service.list(events, NS)).items as J[]).find(
        (e) => e.involvedObject?.uid === created.metadata.uid && e.reason === 'FailedMount',
      ),
    );
    expect(ev.message).toBe('MountVolume.SetUp failed for volume "cfg" : configmap "src-cfg" not found');
    await h.service.create(
      def('configmaps'),
      NS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'src-cfg' }, data: { a: 'alpha' } },
      ctxW,
    );
    await h.service.create(
      def('secrets'),
      NS,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'src-sec' }, data: { s: Buffer.from('sesame').toString('base64') } },
      ctxW,
    );
    const p = await waitFor('sources Ready', async () => {
      const x = await getPod('sources');
      return ready(x) && x;
    });
    const id = p.status.containerStatuses[0].containerID.slice('docker://'.length);
    expect((await execInContainer(docker, id, ['sh', '-c', 'cat /etc/cfg/a; echo " $S"'], 8000)).output.trim()).toBe('alpha sesame');
  });

  test('a projected token comes from a TokenRequest bound to the pod; KUBERNETES_SERVICE_* name the endpoint given', async () => {
    // The API server's token issuer (the kubelet has no key: it asks serviceaccounts/token as its node).
    const rt = configureServiceAccounts(h.service, generateSigningKey());
    try {
      const saDef = h.service.registry.find('', 'v1', 'serviceaccounts')!;
      await h.service.create(saDef, NS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'tokens', namespace: NS } }, ctxW);
      const created = await h.service.create(
        podsDef,
        NS,
        pod('tokens', {
          serviceAccountName: 'tokens',
          automountServiceAccountToken: false,
          volumes: [{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }],
          containers: [
            {
              name: 'c',
              image: IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'sleep 100000'],
              volumeMounts: [{ name: 'tok', mountPath: '/var/run/tok', readOnly: true }],
            },
          ],
        }),
        ctxW,
      );
      const p = await waitFor('tokens Ready', async () => {
        const x = await getPod('tokens');
        return ready(x) && x;
      });
      const id = p.status.containerStatuses[0].containerID.slice('docker://'.length);
      const token = (await execInContainer(docker, id, ['cat', '/var/run/tok/token'], 8000)).output.trim();
      expect(await rt.tokens.authenticate(token)).toMatchObject({
        name: 'system:serviceaccount:default:tokens',
        extra: { 'authentication.kubernetes.io/pod-name': ['tokens'], 'authentication.kubernetes.io/pod-uid': [created.metadata.uid] },
      });
      const env = await execInContainer(docker, id, ['sh', '-c', 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT'], 8000);
      expect(env.output.trim()).toBe(`${net.gateway}:6443`);
      // Bound to the pod: once the kubelet has deleted it, the token no longer authenticates.
      await h.service.delete(podsDef, NS, 'tokens', {}, ctxW);
      await waitFor('tokens gone', async () => (await getPod('tokens').catch(() => undefined)) === undefined);
      expect(await rt.tokens.authenticate(token)).toBeUndefined();
    } finally {
      resetServiceAccounts();
    }
  });
});
