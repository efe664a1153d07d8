// The pure pod plan (computePodActions) over containers scripted in the fake runtime: every container state, each
// restart policy, init containers in order, the crash back-off, a changed spec, probe kills, a dead sandbox and a
// finished pod. No engine, no timers: `now` is an argument.
import { Backoff } from '../../src/reconcilers/kubelet/backoff.js';
import { computePodActions, garbageOf, type PlanInput } from '../../src/reconcilers/kubelet/pod-actions.js';
import type { RuntimeContainer } from '../../src/runtime/container-runtime.js';
import { containerHash, type Container, type Pod } from '../../src/translate/index.js';
import { FakeRuntime, type FakeContainerInit } from '../support/fake-runtime.js';

const NOW = 1_800_000_000_000;
const ref = { namespace: 'ns', name: 'p', uid: 'uid-1' };
const app: Container = { name: 'app', image: 'dockube/busybox:test' };

function pod(spec: Partial<Pod['spec']> = {}, phase?: string): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
    spec: { containers: [app], ...spec },
    ...(phase ? { status: { phase } } : {}),
  } as Pod;
}

class Scene {
  rt = new FakeRuntime();
  backoff = new Backoff();
  kills = new Map<string, 'liveness' | 'startup'>();
  sandbox?: RuntimeContainer;

  /** A running sandbox (attempt n). */
  withSandbox(attempt = 0): this {
    this.sandbox = this.rt.add(
      { key: { container: 'POD', kind: 'infra', attempt }, state: 'running', ip: '10.244.0.9', startedAt: NOW - 60_000 },
      ref,
    );
    return this;
  }

  /** A container of the pod, in the current sandbox unless said otherwise. */
  with(init: Omit<FakeContainerInit, 'key'> & { key: FakeContainerInit['key'] }, spec: Container = app): RuntimeContainer {
    return this.rt.add(
      {
        networkMode: this.sandbox ? `container:${this.sandbox.id}` : '',
        ...init,
        key: { hash: containerHash(spec), ...init.key },
      },
      ref,
    );
  }

  plan(p: Pod, now = NOW) {
    const input: PlanInput = {
      pod: p,
      containers: [...this.rt.containers.values()],
      backoff: this.backoff,
      probeKill: (id) => this.kills.get(id),
      now,
    };
    return computePodActions(input);
  }
}

const appRun = (extra: Partial<FakeContainerInit> = {}): FakeContainerInit => ({
  key: { container: 'app', kind: 'app' },
  state: 'running',
  startedAt: NOW - 30_000,
  ...extra,
});
const appExited = (exitCode: number, extra: Partial<FakeContainerInit> = {}): FakeContainerInit =>
  appRun({ state: 'exited', exitCode, finishedAt: NOW - 1000, ...extra });

describe('the sandbox', () => {
  test('a new pod: a sandbox (attempt 0) is created first, nothing killed, no container planned yet', () => {
    const a = new Scene().plan(pod());
    expect(a.needsSandbox).toBe(true);
    expect(a.createSandbox).toEqual({ attempt: 0, changed: false });
    expect(a.containersToKill).toEqual([]);
    expect(a.containersToStart).toEqual([]);
  });

  test('a dead sandbox (SandboxChanged): running containers are killed at once and the next attempt is created', () => {
    const s = new Scene().withSandbox(2);
    const running = s.with(appRun());
    s.rt.exit(s.sandbox!.id, 0);
    const a = s.plan(pod());
    expect(a.createSandbox).toEqual({ attempt: 3, changed: true });
    expect(a.containersToKill).toEqual([expect.objectContaining({ id: running.id, reason: 'SandboxChanged', graceSeconds: 0 })]);
  });

  test('after the new sandbox: exited containers of the old one start again, init containers from the first', () => {
    const s = new Scene().withSandbox(0);
    const oldSandbox = s.sandbox!;
    s.with({ key: { container: 'init', kind: 'init' }, state: 'exited', exitCode: 0, startedAt: NOW - 9000, finishedAt: NOW - 8000 });
    s.rt.exit(oldSandbox.id, 0);
    s.withSandbox(1);
    s.rt.containers.forEach((c) => {
      if (c.key.kind === 'init') s.rt.containers.set(c.id, { ...c, networkMode: `container:${oldSandbox.id}` });
    });
    const a = s.plan(pod({ initContainers: [{ name: 'init', image: 'x' }] }));
    expect(a.sandboxId).toBe(s.sandbox!.id);
    expect(a.nextInit).toEqual(expect.objectContaining({ name: 'init', backoff: 'none' }));
    expect(a.nextInit!.previous?.key.attempt).toBe(0);
  });

  test('a container still running in an older sandbox is killed (StaleSandbox) and not restarted in the same pass', () => {
    const s = new Scene().withSandbox(0);
    const stale = s.with(appRun({ networkMode: 'container:gone' }));
    const a = s.plan(pod());
    expect(a.containersToKill).toEqual([expect.objectContaining({ id: stale.id, reason: 'StaleSandbox', graceSeconds: 0 })]);
    expect(a.containersToStart).toEqual([]);
  });

  test('a run-to-completion pod whose containers are done gets no new sandbox', () => {
    const s = new Scene();
    s.with(appExited(0));
    const a = s.plan(pod({ restartPolicy: 'OnFailure' }));
    expect(a.needsSandbox).toBe(false);
    expect(a.createSandbox).toBeUndefined();
  });
});

describe('app containers by state and restartPolicy', () => {
  test('none yet: started (first attempt, no back-off)', () => {
    const a = new Scene().withSandbox().plan(pod());
    expect(a.containersToStart).toEqual([{ kind: 'app', index: 0, name: 'app', backoff: 'none' }]);
  });

  test('running and healthy: left alone', () => {
    const s = new Scene().withSandbox();
    s.with(appRun());
    const a = s.plan(pod());
    expect(a.containersToStart).toEqual([]);
    expect(a.containersToKill).toEqual([]);
  });

  test.each([
    ['Always', true],
    ['OnFailure', true],
    ['Never', false],
  ])('created but never started (the engine reports exit 128): under %s restarted=%s, as a crash', (policy, restarts) => {
    const s = new Scene().withSandbox();
    const created = s.with({ key: { container: 'app', kind: 'app' }, state: 'created', exitCode: 128, createdAt: NOW - 5000 });
    const a = s.plan(pod({ restartPolicy: policy as 'Always' }));
    expect(a.containersToStart).toEqual(restarts ? [expect.objectContaining({ name: 'app', previous: created, backoff: 'next' })] : []);
  });

  const table: [string, number, boolean, boolean][] = [
    // policy, exit code, OOMKilled, restarts
    ['Always', 0, false, true],
    ['Always', 1, false, true],
    ['OnFailure', 0, false, false],
    ['OnFailure', 1, false, true],
    ['OnFailure', 137, true, true],
    ['Never', 0, false, false],
    ['Never', 1, false, false],
    ['Never', 137, true, false],
  ];
  test.each(table)('%s, exited %i (OOMKilled %s): restarts=%s', (policy, code, oom, restarts) => {
    const s = new Scene().withSandbox();
    const ended = s.with(appExited(code, { oomKilled: oom }));
    const a = s.plan(pod({ restartPolicy: policy as 'Always' }));
    expect(a.containersToStart).toEqual(restarts ? [expect.objectContaining({ previous: ended, backoff: 'next' })] : []);
    expect(a.backOff).toEqual([]);
  });

  test('the newest attempt decides', () => {
    const s = new Scene().withSandbox();
    s.with(appExited(1, { key: { container: 'app', kind: 'app', attempt: 0 } }));
    s.with(appRun({ key: { container: 'app', kind: 'app', attempt: 1, restartCount: 1 } }));
    expect(s.plan(pod()).containersToStart).toEqual([]);
  });
});

describe('init containers', () => {
  const inits = [
    { name: 'one', image: 'x' },
    { name: 'two', image: 'x' },
  ];
  const init = (name: string, extra: Partial<FakeContainerInit>): FakeContainerInit => ({
    key: { container: name, kind: 'init' },
    startedAt: NOW - 5000,
    ...extra,
  });

  test('run in order: the first first; the others and the apps wait PodInitializing', () => {
    const a = new Scene().withSandbox().plan(pod({ initContainers: inits }));
    expect(a.nextInit).toEqual({ kind: 'init', index: 0, name: 'one', backoff: 'none' });
    expect(a.containersToStart).toEqual([]);
    expect(Object.fromEntries(a.waiting)).toEqual({ two: { reason: 'PodInitializing' }, app: { reason: 'PodInitializing' } });
  });

  test('the second starts once the first succeeded; while it runs nothing else starts', () => {
    const s = new Scene().withSandbox();
    s.with(init('one', { state: 'exited', exitCode: 0, finishedAt: NOW - 4000 }));
    expect(s.plan(pod({ initContainers: inits })).nextInit).toEqual(expect.objectContaining({ name: 'two', index: 1 }));
    s.with(init('two', { state: 'running' }));
    const a = s.plan(pod({ initContainers: inits }));
    expect(a.nextInit).toBeUndefined();
    expect(a.containersToStart).toEqual([]);
    expect(a.waiting.get('app')).toEqual({ reason: 'PodInitializing' });
  });

  test('all done: the apps start', () => {
    const s = new Scene().withSandbox();
    s.with(init('one', { state: 'exited', exitCode: 0, finishedAt: NOW - 4000 }));
    s.with(init('two', { state: 'exited', exitCode: 0, finishedAt: NOW - 3000 }));
    const a = s.plan(pod({ initContainers: inits }));
    expect(a.nextInit).toBeUndefined();
    expect(a.containersToStart).toEqual([expect.objectContaining({ kind: 'app', name: 'app' })]);
    expect(a.waiting.size).toBe(0);
  });

  test('a failure under Never fails the pod: nothing restarts', () => {
    const s = new Scene().withSandbox();
    s.with(init('one', { state: 'exited', exitCode: 2, finishedAt: NOW - 4000 }));
    const a = s.plan(pod({ initContainers: inits, restartPolicy: 'Never' }));
    expect(a.initFailed).toBe(true);
    expect(a.nextInit).toBeUndefined();
    expect(a.containersToStart).toEqual([]);
  });

  test.each(['Always', 'OnFailure'])('a failure under %s restarts it, through the back-off', (policy) => {
    const s = new Scene().withSandbox();
    const failed = s.with(init('one', { state: 'exited', exitCode: 2, finishedAt: NOW - 4000 }));
    const a = s.plan(pod({ initContainers: inits, restartPolicy: policy as 'Always' }));
    expect(a.initFailed).toBe(false);
    expect(a.nextInit).toEqual(expect.objectContaining({ name: 'one', previous: failed, backoff: 'next' }));
    s.backoff.next('uid-1/one', NOW - 4000);
    const b = s.plan(pod({ initContainers: inits, restartPolicy: policy as 'Always' }));
    expect(b.nextInit).toBeUndefined();
    expect(b.waiting.get('one')?.reason).toBe('CrashLoopBackOff');
  });
});

describe('the crash back-off', () => {
  test('a second crash waits (CrashLoopBackOff, 10s), the requeue is when it ends; after it the restart is planned', () => {
    const s = new Scene().withSandbox();
    s.backoff.next('uid-1/app', NOW - 2000);
    s.with(appExited(1, { finishedAt: NOW - 3000 }));
    const a = s.plan(pod());
    expect(a.containersToStart).toEqual([]);
    expect(a.backOff).toEqual([{ kind: 'app', name: 'app', delayMs: 10_000, until: NOW + 7000 }]);
    expect(a.waiting.get('app')).toEqual({
      reason: 'CrashLoopBackOff',
      message: 'back-off 10s restarting failed container=app pod=p_ns(uid-1)',
    });
    expect(a.requeueAfterMs).toBe(7000);
    const later = s.plan(pod(), NOW + 7000);
    expect(later.containersToStart).toEqual([expect.objectContaining({ name: 'app', backoff: 'next' })]);
  });

  test('the delay doubles with each restart (20s, 40s ... up to 5 min)', () => {
    const s = new Scene().withSandbox();
    s.backoff.next('uid-1/app', NOW - 3000);
    s.backoff.next('uid-1/app', NOW - 2000);
    s.with(appExited(1, { finishedAt: NOW - 1000 }));
    const a = s.plan(pod());
    expect(a.backOff[0]!.delayMs).toBe(20_000);
    expect(a.waiting.get('app')!.message).toMatch(/^back-off 20s /);
    for (let i = 0; i < 10; i++) s.backoff.next('uid-1/app', NOW - 1000);
    expect(s.plan(pod()).waiting.get('app')!.message).toMatch(/^back-off 5m0s /);
  });

  test('a container that ran for 10 minutes starts its back-off over (reset, then restart at once)', () => {
    const s = new Scene().withSandbox();
    s.backoff.next('uid-1/app', NOW - 2000);
    s.backoff.next('uid-1/app', NOW - 2000);
    s.with(appExited(1, { startedAt: NOW - 601_000, finishedAt: NOW - 1000 }));
    const a = s.plan(pod());
    expect(a.backOff).toEqual([]);
    expect(a.containersToStart).toEqual([expect.objectContaining({ backoff: 'reset-next' })]);
  });
});

describe('kills', () => {
  test('a changed spec: Killing (definition changed) with the pod grace, then a new attempt at once, whatever the policy', () => {
    const s = new Scene().withSandbox();
    const old = s.with(appRun({ key: { container: 'app', kind: 'app', hash: 'older-hash' } }));
    s.backoff.next('uid-1/app', NOW);
    const a = s.plan(pod({ restartPolicy: 'Never', terminationGracePeriodSeconds: 7 }));
    expect(a.containersToKill).toEqual([
      expect.objectContaining({
        id: old.id,
        reason: 'SpecChanged',
        graceSeconds: 7,
        message: 'Container app definition changed, will be restarted',
      }),
    ]);
    expect(a.containersToStart).toEqual([expect.objectContaining({ previous: old, backoff: 'none' })]);
  });

  test('a failed liveness probe: killed with preStop and the probe grace, restarted through the back-off', () => {
    const spec = { ...app, livenessProbe: { exec: { command: ['false'] }, terminationGracePeriodSeconds: 5 } };
    const s = new Scene().withSandbox();
    const c = s.with(appRun(), spec);
    s.kills.set(c.id, 'liveness');
    const a = s.plan(pod({ containers: [spec] }));
    expect(a.containersToKill).toEqual([
      expect.objectContaining({
        id: c.id,
        reason: 'LivenessProbe',
        graceSeconds: 5,
        preStop: true,
        message: 'Container app failed liveness probe, will be restarted',
      }),
    ]);
    expect(a.containersToStart).toEqual([expect.objectContaining({ previous: c, backoff: 'next' })]);
    // A second failure within the back-off: killed, and the restart waits.
    s.backoff.next('uid-1/app', NOW - 1000);
    const b = s.plan(pod({ containers: [spec] }));
    expect(b.containersToKill).toHaveLength(1);
    expect(b.containersToStart).toEqual([]);
    expect(b.backOff).toEqual([expect.objectContaining({ until: NOW + 10_000 })]);
  });

  test('a failed startup probe under Never: killed (never less than 2 s of grace), not restarted', () => {
    const spec = { ...app, startupProbe: { exec: { command: ['false'] }, terminationGracePeriodSeconds: 0 } };
    const s = new Scene().withSandbox();
    const c = s.with(appRun(), spec);
    s.kills.set(c.id, 'startup');
    const a = s.plan(pod({ containers: [spec], restartPolicy: 'Never' }));
    expect(a.containersToKill).toEqual([
      expect.objectContaining({ reason: 'StartupProbe', graceSeconds: 2, message: 'Container app failed startup probe' }),
    ]);
    expect(a.containersToStart).toEqual([]);
  });
});

describe('a finished pod', () => {
  test.each(['Succeeded', 'Failed'])('%s: nothing restarts, what still runs (the sandbox too) is stopped', (phase) => {
    const s = new Scene().withSandbox();
    s.with(appExited(1));
    const a = s.plan(pod({}, phase));
    expect(a.finished).toBe(true);
    expect(a.containersToStart).toEqual([]);
    expect(a.createSandbox).toBeUndefined();
    expect(a.containersToKill).toEqual([expect.objectContaining({ id: s.sandbox!.id, kind: 'infra', graceSeconds: 0 })]);
  });
});

describe('activeDeadlineSeconds (kubelet active_deadline.go)', () => {
  const started = (secondsAgo: number) => ({ phase: 'Running', startTime: new Date(NOW - secondsAgo * 1000).toISOString() });
  const withDeadline = (deadline: number, secondsAgo: number, grace = 5) =>
    ({
      ...pod({ activeDeadlineSeconds: deadline, terminationGracePeriodSeconds: grace } as Partial<Pod['spec']>),
      status: started(secondsAgo),
    }) as Pod;

  test('before the deadline: nothing is killed, the pod syncs again when it falls', () => {
    const s = new Scene().withSandbox();
    s.with(appRun());
    const a = s.plan(withDeadline(10, 4));
    expect(a.deadlineExceeded).toBe(false);
    expect(a.containersToKill).toEqual([]);
    expect(a.requeueAfterMs).toBe(6000);
  });

  test('a pod not started yet counts from now (its startTime is written by this sync)', () => {
    const p = pod({ activeDeadlineSeconds: 3 } as Partial<Pod['spec']>);
    expect(new Scene().plan(p).requeueAfterMs).toBe(3000);
  });

  test('past the deadline: the pod fails, its containers are killed with the pod grace (preStop first), the sandbox after', () => {
    const s = new Scene().withSandbox();
    const c = s.with(appRun());
    const a = s.plan(withDeadline(3, 3));
    expect(a.finished).toBe(true);
    expect(a.deadlineExceeded).toBe(true);
    expect(a.containersToStart).toEqual([]);
    expect(a.createSandbox).toBeUndefined();
    expect(a.containersToKill).toEqual([
      expect.objectContaining({ id: c.id, reason: 'DeadlineExceeded', graceSeconds: 5, preStop: true, message: 'Stopping container app' }),
      expect.objectContaining({ id: s.sandbox!.id, kind: 'infra', reason: 'DeadlineExceeded' }),
    ]);
  });

  test('a deadline shortened on a running pod takes effect on the next sync (no restart in back-off either)', () => {
    const s = new Scene().withSandbox();
    s.with(appExited(1));
    expect(s.plan(withDeadline(600, 5)).deadlineExceeded).toBe(false);
    const a = s.plan(withDeadline(2, 5));
    expect(a.deadlineExceeded).toBe(true);
    expect(a.containersToStart).toEqual([]);
    expect(a.containersToKill.map((k) => k.kind)).toEqual(['infra']);
  });

  test('an already failed pod is not failed again', () => {
    const p = { ...withDeadline(1, 60), status: { ...started(60), phase: 'Failed' } } as Pod;
    const a = new Scene().withSandbox().plan(p);
    expect(a.finished).toBe(true);
    expect(a.deadlineExceeded).toBe(false);
  });
});

test('garbage: all but the two newest attempts of a container, and old sandboxes nothing kept uses', () => {
  const s = new Scene().withSandbox(0);
  const old = s.sandbox!;
  s.rt.exit(old.id, 0);
  s.withSandbox(1);
  const a0 = s.with(appExited(1, { key: { container: 'app', kind: 'app', attempt: 0 }, networkMode: `container:${old.id}` }));
  s.with(appExited(1, { key: { container: 'app', kind: 'app', attempt: 1 } }));
  s.with(appRun({ key: { container: 'app', kind: 'app', attempt: 2 } }));
  expect(
    garbageOf([...s.rt.containers.values()])
      .map((c) => c.id)
      .sort(),
  ).toEqual([a0.id, old.id].sort());
});

describe('ephemeral containers', () => {
  const debuggerSpec = { name: 'debugger', image: 'dockube/busybox:test', targetContainerName: 'app' };
  const withDebugger = (extra: Partial<Pod['spec']> = {}) => pod({ ephemeralContainers: [debuggerSpec], ...extra });

  test('a new one starts once in the running sandbox, before the init containers, without back-off', () => {
    const s = new Scene().withSandbox();
    const init: Container = { name: 'init', image: 'dockube/busybox:test' };
    s.with({ key: { container: 'init', kind: 'init' }, state: 'running', startedAt: NOW - 1000 }, init);
    const a = s.plan(withDebugger({ initContainers: [init] }));
    expect(a.ephemeralToStart).toEqual([{ kind: 'ephemeral', index: 0, name: 'debugger', backoff: 'none' }]);
    expect(a.containersToStart).toEqual([]);
  });

  test('one that ran, whatever its exit, is never started again, and never killed while the pod runs', () => {
    for (const state of ['running', 'exited'] as const) {
      const s = new Scene().withSandbox();
      s.with(appRun());
      s.with({ key: { container: 'debugger', kind: 'ephemeral' }, state, exitCode: 1, finishedAt: NOW - 1000 }, debuggerSpec);
      const a = s.plan(withDebugger({ restartPolicy: 'Always' }));
      expect(a.ephemeralToStart).toEqual([]);
      expect(a.containersToKill).toEqual([]);
      expect(a.backOff).toEqual([]);
    }
  });

  test('none starts without a running sandbox; a finished pod stops a running one', () => {
    expect(new Scene().plan(withDebugger()).ephemeralToStart).toEqual([]);
    const s = new Scene().withSandbox();
    const d = s.with({ key: { container: 'debugger', kind: 'ephemeral' }, state: 'running' }, debuggerSpec);
    const a = s.plan(pod({ ephemeralContainers: [debuggerSpec] }, 'Succeeded'));
    expect(a.containersToKill.map((k) => [k.id, k.kind])).toContainEqual([d.id, 'ephemeral']);
  });
});
