// Pure parts of the kubelet: the crash back-off schedule and the pod phase/conditions from container states.
import { Backoff, goDuration } from '../../src/reconcilers/kubelet/backoff.js';
import { computePodStatus, podPhase, type ContainerView } from '../../src/reconcilers/kubelet/pod-status.js';
import type { Pod } from '../../src/translate/k8s-types.js';

const exited = (code: number, id = 'a'.repeat(64)) => ({
  Id: id,
  State: { Status: 'exited', Running: false, ExitCode: code, StartedAt: '2024-01-01T00:00:00Z', FinishedAt: '2024-01-01T00:00:05Z' },
});
const running = (id = 'b'.repeat(64)) => ({
  Id: id,
  State: { Status: 'running', Running: true, StartedAt: '2024-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' },
});
const pod = (restartPolicy: string, names = ['a']): Pod => ({
  metadata: { name: 'p', namespace: 'n', uid: 'u' },
  spec: { restartPolicy, containers: names.map((name) => ({ name, image: 'img' })) },
});
const view = (p: Pod, app: ContainerView[], init: ContainerView[] = []) => ({
  pod: p,
  sandboxReady: true,
  podIP: '10.0.0.2',
  hostIP: '127.0.0.1',
  init,
  app,
  now: '2024-01-01T00:01:00Z',
});

describe('Backoff', () => {
  test('first restart is free, then 10s doubling to the 5 min cap, counted from the finish time', () => {
    const b = new Backoff();
    expect(b.waitUntil('k', 1000, 1000)).toBeUndefined();
    b.next('k', 1000);
    expect(b.delayMs('k')).toBe(10_000);
    expect(b.waitUntil('k', 2000, 5000)).toBe(12_000);
    expect(b.waitUntil('k', 2000, 12_001)).toBeUndefined();
    for (let i = 0; i < 10; i++) b.next('k', 13_000 + i);
    expect(b.delayMs('k')).toBe(300_000);
    expect(goDuration(20_000)).toBe('20s');
    expect(goDuration(300_000)).toBe('5m0s');
    b.forget('k');
    expect(b.delayMs('k')).toBe(0);
  });
});

describe('pod phase and conditions', () => {
  test('Never + exit 0 → Succeeded with Ready=False PodCompleted; Never + exit 1 → Failed', () => {
    const ok = computePodStatus(view(pod('Never'), [{ name: 'a', image: 'img', current: exited(0), restartCount: 0 }]), {
      phase: 'Running',
      qosClass: 'BestEffort',
    });
    expect(ok.phase).toBe('Succeeded');
    expect(ok.qosClass).toBe('BestEffort');
    expect(ok.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(ok.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      containerID: `docker://${'a'.repeat(64)}`,
    });
    const bad = computePodStatus(view(pod('Never'), [{ name: 'a', image: 'img', current: exited(1), restartCount: 0 }]), undefined);
    expect(bad.phase).toBe('Failed');
  });

  test('failed by the kubelet (DeadlineExceeded): phase Failed with its reason and message, kept once written', () => {
    const failed = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
    const v = view(pod('Always'), [{ name: 'a', image: 'img', current: exited(137), restartCount: 0 }]);
    const s = computePodStatus({ ...v, failed }, { phase: 'Running' });
    expect(s).toMatchObject({ phase: 'Failed', ...failed });
    expect(computePodStatus(v, s)).toMatchObject({ phase: 'Failed', ...failed });
    expect(computePodStatus(v, { phase: 'Running' }).phase).toBe('Running');
  });

  test('a deleted pod whose containers stopped ends Failed, or Succeeded when every container exited 0', () => {
    const stopped = (code: number) => view(pod('Always'), [{ name: 'a', image: 'img', current: exited(code), restartCount: 0 }]);
    expect(computePodStatus({ ...stopped(137), deleted: true }, { phase: 'Running' }).phase).toBe('Failed');
    expect(computePodStatus({ ...stopped(0), deleted: true }, { phase: 'Running' }).phase).toBe('Succeeded');
    expect(computePodStatus(stopped(137), { phase: 'Running' }).phase).toBe('Running');
  });

  test('a crash-looping container keeps the pod Running, shows the last termination, and is not ready', () => {
    const s = computePodStatus(
      view(pod('Always', ['b', 'a']), [
        {
          name: 'b',
          image: 'img',
          current: exited(1),
          previous: exited(1, 'c'.repeat(64)),
          restartCount: 3,
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' },
        },
        { name: 'a', image: 'img', current: running(), restartCount: 0 },
      ]),
      undefined,
    );
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses.map((c: { name: string }) => c.name)).toEqual(['a', 'b']);
    const b = s.containerStatuses[1];
    expect(b).toMatchObject({
      restartCount: 3,
      ready: false,
      started: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
    });
    expect(b.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error', containerID: `docker://${'a'.repeat(64)}` });
    expect(s.conditions.find((c: { type: string }) => c.type === 'ContainersReady')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [b]',
    });
  });

  test('lastTransitionTime moves only when a condition changes status; a container never started keeps the pod Pending', () => {
    const old = {
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: '2020-01-01T00:00:00Z' },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2019-01-01T00:00:00Z' },
      ],
    };
    const s = computePodStatus(view(pod('Always'), [{ name: 'a', image: 'img', current: running(), restartCount: 0 }]), old);
    const cond = (t: string) => s.conditions.find((c: { type: string }) => c.type === t);
    expect(cond('Ready').lastTransitionTime).toBe('2020-01-01T00:00:00Z');
    expect(cond('PodScheduled').lastTransitionTime).toBe('2019-01-01T00:00:00Z');
    expect(cond('Initialized').lastTransitionTime).toBe('2024-01-01T00:01:00Z');
    const pending = computePodStatus(
      view(pod('Always'), [{ name: 'a', image: 'img', restartCount: 0, waiting: { reason: 'ImagePullBackOff' } }]),
      old,
    );
    expect(pending.phase).toBe('Pending');
    expect(pending.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      lastTransitionTime: '2024-01-01T00:01:00Z',
    });
  });

  test('a failed init container fails a Never pod; an unfinished one keeps it Pending and not Initialized', () => {
    const init = (st: ReturnType<typeof exited> | ReturnType<typeof running>) => [
      { name: 'i', image: 'img', current: st, restartCount: 0 },
    ];
    const p = pod('Never');
    const app = [{ name: 'a', image: 'img', restartCount: 0, waiting: { reason: 'PodInitializing' } }];
    expect(computePodStatus(view(p, app, init(exited(2))), undefined).phase).toBe('Failed');
    const s = computePodStatus(view(pod('Always'), app, init(running())), undefined);
    expect(s.phase).toBe('Pending');
    expect(s.conditions.find((c: { type: string }) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [i]',
    });
    expect(podPhase(pod('OnFailure'), [], [{ state: { terminated: { exitCode: 0 } } }])).toBe('Succeeded');
  });
});
