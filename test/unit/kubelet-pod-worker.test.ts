// The pod worker's executor against the fake runtime: what it asks the engine for, in which order, and what it
// reports when the engine fails (CreateContainerError, RunContainerError, FailedCreatePodSandBox), restarts with
// CrashLoopBackOff, a changed spec. The API side is a recording client; no engine, no server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../../src/client/types.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { EventRecorder } from '../../src/reconcilers/event-recorder.js';
import { PodWorker, type SyncResult } from '../../src/reconcilers/kubelet/pod-worker.js';
import { POD_NETWORK } from '../../src/runtime/pod-network.js';
import { volumePlan, type Container, type Pod } from '../../src/translate/index.js';
import { FakeRuntime } from '../support/fake-runtime.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const IMAGE = 'dockube/busybox:test';
const PAUSE = 'dockube/pause:test';

let dataDir: string;
let log: Logger;
beforeAll(async () => {
  log = await createLogger('silent');
});
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pod-worker-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const app: Container = { name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] };

function newPod(spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', resourceVersion: '1' },
    spec: { nodeName: 'node-1', automountServiceAccountToken: false, containers: [app], ...spec },
  } as Pod;
}

class Harness {
  rt = new FakeRuntime();
  pod: Pod;
  statuses: J[] = [];
  events: { type: string; reason: string; message: string }[] = [];
  worker: PodWorker;

  constructor(pod: Pod) {
    this.pod = pod;
    this.rt.images.set(PAUSE, { Id: 'sha256:pause' });
    this.rt.images.set(IMAGE, { Id: 'sha256:busybox' });
    const client = {
      updateStatus: async (_gvr: unknown, _ns: string, obj: J) => {
        this.statuses.push(obj.status);
        this.pod = { ...this.pod, status: obj.status, metadata: { ...this.pod.metadata } } as Pod;
        return this.pod;
      },
      get: async () => this.pod,
    } as unknown as Client;
    const recorder = {
      record: (_o: unknown, type: string, reason: string, message: string) => this.events.push({ type, reason, message }),
    } as unknown as EventRecorder;
    this.worker = new PodWorker({
      runtime: this.rt,
      volumes: {
        prepare: async (p, _sources, facts) => ({
          plan: volumePlan(p, { ...facts, podDir: join(dataDir, 'pods', 'uid-1') }),
          mountpoints: {},
        }),
        cleanup: async () => undefined,
      },
      client,
      podOf: () => this.pod,
      recorder,
      log,
      dataDir,
      nodeName: 'node-1',
      hostIP: '192.0.2.1',
      network: POD_NETWORK,
      pauseImage: PAUSE,
      enqueue: () => undefined,
    });
  }

  sync(): Promise<SyncResult> {
    return this.worker.reconcile('ns/p');
  }

  status(): J {
    return this.statuses[this.statuses.length - 1]!;
  }

  appContainers() {
    return [...this.rt.containers.values()].filter((c) => c.key.kind === 'app').sort((a, b) => b.key.attempt - a.key.attempt);
  }

  reasons() {
    return this.events.map((e) => e.reason);
  }
}

test('a new pod: the app container created while the sandbox starts, started once it runs; one status write saying Running', async () => {
  const h = new Harness(newPod());
  expect(await h.sync()).toBeUndefined();
  expect(h.rt.ops().filter((o) => !['podContainers', 'imageStatus'].includes(o))).toEqual([
    'createPodSandbox',
    'startPodSandbox',
    'createContainer',
    'startContainer',
  ]);
  const [created] = h.appContainers();
  expect(created!.networkMode).toBe(`container:${[...h.rt.containers.values()].find((c) => c.key.kind === 'infra')!.id}`);
  expect(h.reasons()).toEqual(['Pulled', 'Created', 'Started']);
  expect(h.statuses).toHaveLength(1);
  expect(h.status().phase).toBe('Running');
  expect(h.status().podIP).toMatch(/^10\.244\./);
  expect(h.status().containerStatuses[0].state.running).toBeDefined();
  // A second sync with nothing changed neither touches the engine nor writes, and asks for the pod's containers once.
  h.rt.calls.length = 0;
  await h.sync();
  expect(h.rt.ops().filter((o) => !['podContainers', 'imageStatus'].includes(o))).toEqual([]);
  expect(h.rt.ops().filter((o) => o === 'podContainers')).toHaveLength(1);
  expect(h.statuses).toHaveLength(1);
});

test('a container whose env names the pod IP is created only once the sandbox runs, with the IP', async () => {
  const withIP = { ...app, env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] };
  const h = new Harness(newPod({ containers: [withIP] }));
  await h.sync();
  const create = h.rt.calls.find((c) => c.op === 'createContainer')!;
  expect(h.rt.ops().indexOf('createContainer')).toBeGreaterThan(h.rt.ops().indexOf('startPodSandbox'));
  expect((create.args[0] as { Env: string[] }).Env).toContain(`POD_IP=${h.status().podIP}`);
  expect(h.status().podIP).toMatch(/^10\.244\./);
});

test('the sandbox fails to start: FailedCreatePodSandBox, the container created meanwhile is not started', async () => {
  const h = new Harness(newPod());
  h.rt.failNext('startPodSandbox', 'failed to set up the network');
  expect(await h.sync()).toEqual({ requeueAfterMs: 10_000 });
  expect(h.events).toContainEqual({
    type: 'Warning',
    reason: 'FailedCreatePodSandBox',
    message: 'Failed to create pod sandbox: failed to set up the network',
  });
  expect(h.rt.ops()).not.toContain('startContainer');
});

test('create fails: CreateContainerError with the engine message, a Failed event, retried after 10 s', async () => {
  const h = new Harness(newPod());
  h.rt.failNext('createContainer', 'Conflict. The container name is already in use');
  expect(await h.sync()).toEqual({ requeueAfterMs: 10_000 });
  expect(h.status().containerStatuses[0].state.waiting).toEqual({
    reason: 'CreateContainerError',
    message: 'Conflict. The container name is already in use',
  });
  expect(h.events).toContainEqual({ type: 'Warning', reason: 'Failed', message: 'Error: Conflict. The container name is already in use' });
  expect(h.status().phase).toBe('Pending');
  // The next try works.
  await h.sync();
  expect(h.status().containerStatuses[0].state.running).toBeDefined();
});

test('start fails: RunContainerError; the created container is restarted as a crash (attempt 1, restart count 1)', async () => {
  const h = new Harness(newPod());
  h.rt.failNext('startContainer', 'exec: "nope": executable file not found in $PATH');
  expect(await h.sync()).toEqual({ requeueAfterMs: 1000 });
  expect(h.status().containerStatuses[0].state.waiting).toEqual({
    reason: 'RunContainerError',
    message: 'exec: "nope": executable file not found in $PATH',
  });
  expect(h.appContainers()[0]!.state).toBe('created');
  await h.sync();
  const [latest] = h.appContainers();
  expect(latest!.key.attempt).toBe(1);
  expect(latest!.key.restartCount).toBe(1);
  expect(latest!.state).toBe('running');
});

test('the sandbox cannot be made: FailedCreatePodSandBox, nothing else started, retried after 10 s', async () => {
  const h = new Harness(newPod());
  h.rt.failNext('createPodSandbox', 'failed to set up the network');
  expect(await h.sync()).toEqual({ requeueAfterMs: 10_000 });
  expect(h.events).toContainEqual({
    type: 'Warning',
    reason: 'FailedCreatePodSandBox',
    message: 'Failed to create pod sandbox: failed to set up the network',
  });
  expect(h.rt.ops()).not.toContain('createContainer');
});

test('crashes under Always: restarted at once, then CrashLoopBackOff with a BackOff event until the delay ends', async () => {
  const h = new Harness(newPod());
  await h.sync();
  h.rt.exit(h.appContainers()[0]!.id, 1);
  await h.sync();
  expect(h.appContainers()[0]!.key.restartCount).toBe(1);
  h.rt.exit(h.appContainers()[0]!.id, 1);
  const r = (await h.sync()) as { requeueAfterMs: number };
  expect(r.requeueAfterMs).toBeGreaterThan(9000);
  expect(r.requeueAfterMs).toBeLessThanOrEqual(10_000);
  expect(h.status().containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
  expect(h.status().containerStatuses[0].lastState.terminated.exitCode).toBe(1);
  expect(h.reasons()).toContain('BackOff');
  expect(h.appContainers()).toHaveLength(2);
  // Started twice: RESTARTS is 1 while it waits, and rises only when the next attempt starts.
  expect(h.status().containerStatuses[0].restartCount).toBe(1);
});

test('past activeDeadlineSeconds: Failed/DeadlineExceeded written with an event, then the containers and the sandbox stopped', async () => {
  const h = new Harness(newPod({ terminationGracePeriodSeconds: 1 }));
  await h.sync();
  h.pod = { ...h.pod, spec: { ...h.pod.spec, activeDeadlineSeconds: 30 } } as Pod;
  const r = (await h.sync()) as { requeueAfterMs: number };
  // Before it: the pod syncs again when the deadline falls.
  expect(r.requeueAfterMs).toBeGreaterThan(28_000);
  expect(r.requeueAfterMs).toBeLessThanOrEqual(30_000);
  const startTime = new Date(Date.now() - 31_000).toISOString();
  h.pod = { ...h.pod, status: { ...(h.pod.status as J), startTime } } as Pod;
  h.rt.calls.length = 0;
  await h.sync();
  const failed = h.statuses.find((s) => s.phase === 'Failed')!;
  expect(failed).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
  expect(h.events).toContainEqual({
    type: 'Normal',
    reason: 'DeadlineExceeded',
    message: 'Pod was active on the node longer than the specified deadline',
  });
  expect([...h.rt.containers.values()].every((c) => c.state === 'exited')).toBe(true);
  expect(h.rt.ops()).not.toContain('startContainer');
  // The last write shows the killed container as terminated, the pod still Failed.
  expect(h.status()).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  expect(h.status().containerStatuses[0].state.terminated).toBeDefined();
});

test('exit 0 under Never: no restart, the pod Succeeded and its sandbox stopped', async () => {
  const h = new Harness(newPod({ restartPolicy: 'Never' }));
  await h.sync();
  h.rt.exit(h.appContainers()[0]!.id, 0);
  await h.sync();
  expect(h.status().phase).toBe('Succeeded');
  expect(h.appContainers()).toHaveLength(1);
  expect([...h.rt.containers.values()].find((c) => c.key.kind === 'infra')!.state).toBe('exited');
});

test('a changed spec: Killing (definition changed) with the pod grace, and a new attempt', async () => {
  const h = new Harness(newPod({ terminationGracePeriodSeconds: 3 }));
  await h.sync();
  const first = h.appContainers()[0]!;
  h.pod = { ...h.pod, spec: { ...h.pod.spec, containers: [{ ...app, command: ['sleep', '7200'] }] } } as Pod;
  await h.sync();
  expect(h.events).toContainEqual({ type: 'Normal', reason: 'Killing', message: 'Container app definition changed, will be restarted' });
  expect(h.rt.calls).toContainEqual({ op: 'stopContainer', args: [first.id, 3] });
  expect(h.appContainers()[0]!.key.attempt).toBe(1);
  expect(h.appContainers()[0]!.state).toBe('running');
});

test('a dead sandbox: SandboxChanged, the running app container stopped, a new sandbox and a new attempt in it', async () => {
  const h = new Harness(newPod());
  await h.sync();
  const sandbox = [...h.rt.containers.values()].find((c) => c.key.kind === 'infra')!;
  h.rt.exit(sandbox.id, 0);
  await h.sync();
  expect(h.reasons()).toContain('SandboxChanged');
  const sandboxes = [...h.rt.containers.values()].filter((c) => c.key.kind === 'infra');
  const current = sandboxes.find((c) => c.state === 'running')!;
  expect(current.key.attempt).toBe(1);
  expect(h.appContainers()[0]!.networkMode).toBe(`container:${current.id}`);
  expect(h.appContainers()[0]!.state).toBe('running');
});

test('an unsafe sysctl: the pod is rejected (Failed/SysctlForbidden with a Warning event) and nothing of it starts', async () => {
  const h = new Harness(newPod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '10000000000' }] } }));
  await h.sync();
  expect(h.status()).toMatchObject({
    phase: 'Failed',
    reason: 'SysctlForbidden',
    message: 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted',
  });
  expect(h.events).toContainEqual({
    type: 'Warning',
    reason: 'SysctlForbidden',
    message: 'forbidden sysctl: "kernel.msgmax" not allowlisted',
  });
  expect(h.rt.containers.size).toBe(0);
  await h.sync(); // a Failed pod stays as it is
  expect(h.rt.containers.size).toBe(0);
});

test('safe sysctls, dotted or slashed, are admitted and the pod runs', async () => {
  const sysctls = [
    { name: 'kernel.shm_rmid_forced', value: '1' },
    { name: 'net/ipv4/ip_local_port_range', value: '1024 65535' },
  ];
  const h = new Harness(newPod({ securityContext: { sysctls } }));
  await h.sync();
  expect(h.status().phase).not.toBe('Failed');
  expect(h.appContainers()[0]!.state).toBe('running');
});
