// The prober's state machine with fake handlers and a fake clock: thresholds, initial delay, startup gating,
// liveness hold until a new container, events, and workers that stop (no timers left behind).
import { ProbeManager } from '../../src/reconcilers/kubelet/probes/manager.js';
import type { ProbeClock } from '../../src/reconcilers/kubelet/probes/clock.js';
import type { ProbeOutcome, ProbeType } from '../../src/reconcilers/kubelet/probes/types.js';
import type { ContainerSnapshot } from '../../src/reconcilers/kubelet/probes/worker.js';
import type { Pod } from '../../src/translate/k8s-types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

class FakeClock implements ProbeClock {
  t = 1_000_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers.delete(h as number);
  }
  pending() {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order and letting the async probes settle after each. */
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
    await settle();
  }
}
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function mkPod(container: J, extra: J = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
    spec: { containers: [{ name: 'c', image: 'x', ...container }], ...extra },
  } as unknown as Pod;
}

interface Setup {
  clock: FakeClock;
  mgr: ProbeManager;
  calls: { type: ProbeType; id: string }[];
  events: string[];
  enqueued: string[];
  answer: Record<ProbeType, ProbeOutcome | Error>;
}

function setup(): Setup {
  const clock = new FakeClock();
  const calls: Setup['calls'] = [];
  const events: string[] = [];
  const enqueued: string[] = [];
  const answer: Setup['answer'] = {
    liveness: { result: 'success', output: '' },
    readiness: { result: 'success', output: '' },
    startup: { result: 'success', output: '' },
  };
  const mgr = new ProbeManager({
    clock,
    jitter: false,
    run: async (target, spec) => {
      const type = (['liveness', 'readiness', 'startup'] as ProbeType[]).find((t) => target.container[`${t}Probe`] === spec.handler)!;
      calls.push({ type, id: target.containerId });
      const a = answer[type];
      if (a instanceof Error) throw a;
      return a;
    },
    event: (_pod, c, reason, message) => events.push(`${c.name} ${reason} ${message}`),
    enqueue: (k) => enqueued.push(k),
  });
  return { clock, mgr, calls, events, enqueued, answer };
}

const running = (id: string, startedAt: number): Map<string, ContainerSnapshot> =>
  new Map([['c', { id, running: true, startedAt, terminated: false }]]);
const probe = (p: J = {}) => ({
  exec: { command: ['true'] },
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  ...p,
});

describe('probe workers', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });
  afterEach(() => {
    s.mgr.stop();
    expect(s.clock.pending()).toBe(0);
  });

  test('readiness: unready until the first success, then flips only after failureThreshold failures', async () => {
    const pod = mkPod({ readinessProbe: probe() });
    s.mgr.observe(pod, '10.0.0.2', new Map());
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: false, ready: false });
    s.answer.readiness = { result: 'failure', output: 'HTTP probe failed with statuscode: 500' };
    s.mgr.observe(pod, '10.0.0.2', running('A', s.clock.now()));
    await s.clock.advance(0); // a new container's readiness is probed at once
    expect(s.calls).toEqual([{ type: 'readiness', id: 'A' }]);
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: true, ready: false });
    expect(s.events).toEqual(['c Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 500']);
    s.answer.readiness = { result: 'success', output: 'ok' };
    await s.clock.advance(10_000);
    expect(s.mgr.status('uid-1', 'c', 'A')!.ready).toBe(true);
    expect(s.enqueued.length).toBeGreaterThan(0);
    expect(s.enqueued.every((k) => k === 'ns/p')).toBe(true);
    s.answer.readiness = { result: 'failure', output: 'boom' };
    await s.clock.advance(10_000);
    await s.clock.advance(10_000);
    expect(s.mgr.status('uid-1', 'c', 'A')!.ready).toBe(true); // 2 failures < failureThreshold 3
    await s.clock.advance(10_000);
    expect(s.mgr.status('uid-1', 'c', 'A')!.ready).toBe(false);
    expect(s.calls).toHaveLength(5);
  });

  test('a kubelet restart keeps a running container ready and started until its probes say otherwise (KEP-4781)', async () => {
    const pod = mkPod({ readinessProbe: probe(), startupProbe: probe() });
    const stored = (id: string) => ({
      ...pod,
      status: {
        containerStatuses: [{ name: 'c', containerID: `docker://${id}`, started: true, ready: true, state: { running: {} } }],
      },
    });
    s.answer.readiness = { result: 'failure', output: 'boom' };
    s.mgr.observe(stored('A') as Pod, '10.0.0.2', running('A', s.clock.now() - 60_000));
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: true, ready: true });
    await s.clock.advance(10_000);
    expect(s.calls).toHaveLength(2);
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: true, ready: true }); // 2 failures < 3
    await s.clock.advance(10_000);
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: true, ready: false });
    expect(s.calls.every((c) => c.type === 'readiness')).toBe(true); // started: the startup probe never runs

    // A status naming another container (it was replaced while the kubelet was down) restores nothing.
    s.mgr.stop();
    s = setup();
    s.mgr.observe(stored('OLD') as Pod, '10.0.0.2', running('B', s.clock.now()));
    expect(s.mgr.status('uid-1', 'c', 'B')).toEqual({ started: false, ready: false });
  });

  test('successThreshold needs consecutive successes', async () => {
    const pod = mkPod({ readinessProbe: probe({ successThreshold: 2, periodSeconds: 1 }) });
    s.mgr.observe(pod, '10.0.0.2', running('A', s.clock.now()));
    await s.clock.advance(0);
    expect(s.mgr.status('uid-1', 'c', 'A')!.ready).toBe(false);
    await s.clock.advance(1000);
    expect(s.mgr.status('uid-1', 'c', 'A')!.ready).toBe(true);
  });

  test('nothing is probed during initialDelaySeconds', async () => {
    const started = s.clock.now();
    s.mgr.observe(mkPod({ livenessProbe: probe({ initialDelaySeconds: 25, periodSeconds: 5 }) }), '10.0.0.2', running('A', started));
    await s.clock.advance(24_000);
    expect(s.calls).toHaveLength(0);
    await s.clock.advance(1_000);
    expect(s.calls).toHaveLength(1);
  });

  test('liveness: killed after failureThreshold failures, then on hold until a new container', async () => {
    const pod = mkPod({ livenessProbe: probe({ periodSeconds: 1 }) });
    s.mgr.observe(pod, '10.0.0.2', running('A', s.clock.now()));
    s.answer.liveness = { result: 'failure', output: "cat: can't open '/tmp/healthy': No such file or directory\n" };
    await s.clock.advance(0);
    await s.clock.advance(1000);
    expect(s.mgr.killReason('uid-1', 'A')).toBeUndefined();
    await s.clock.advance(1000);
    expect(s.mgr.killReason('uid-1', 'A')).toBe('liveness');
    expect(s.calls).toHaveLength(3);
    expect(s.events[0]).toBe("c Unhealthy Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n");
    await s.clock.advance(5000);
    expect(s.calls).toHaveLength(3); // on hold: no execs into a dying container
    s.answer.liveness = { result: 'success', output: '' };
    s.mgr.observe(pod, '10.0.0.2', running('B', s.clock.now()));
    await s.clock.advance(1000);
    expect(s.mgr.killReason('uid-1', 'B')).toBeUndefined();
    expect(s.mgr.killReason('uid-1', 'A')).toBeUndefined(); // the old container's result is gone
    expect(s.calls.at(-1)).toEqual({ type: 'liveness', id: 'B' });
  });

  test('startup gates liveness and readiness; started follows it', async () => {
    const pod = mkPod({
      startupProbe: probe({ periodSeconds: 1, failureThreshold: 2 }),
      livenessProbe: probe({ periodSeconds: 1 }),
      readinessProbe: probe({ periodSeconds: 1 }),
    });
    s.answer.startup = { result: 'failure', output: 'not yet' };
    s.mgr.observe(pod, '10.0.0.2', running('A', s.clock.now()));
    await s.clock.advance(0);
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: false, ready: false });
    expect(s.calls.map((c) => c.type)).toEqual(['startup']);
    s.answer.startup = { result: 'success', output: '' };
    await s.clock.advance(1000);
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: true, ready: false });
    await s.clock.advance(1000);
    expect(s.mgr.status('uid-1', 'c', 'A')).toEqual({ started: true, ready: true });
    const types = s.calls.map((c) => c.type);
    expect(types.filter((t) => t === 'startup')).toHaveLength(2); // startup stops probing once started
    expect(types).toContain('liveness');
    expect(types.indexOf('liveness')).toBeGreaterThan(1);
  });

  test('a startup probe failing past its threshold asks for a kill', async () => {
    s.answer.startup = { result: 'failure', output: 'slow' };
    s.mgr.observe(
      mkPod({ startupProbe: probe({ periodSeconds: 1, failureThreshold: 2 }), livenessProbe: probe() }),
      '10.0.0.2',
      running('A', s.clock.now()),
    );
    await s.clock.advance(2000);
    expect(s.mgr.killReason('uid-1', 'A')).toBe('startup');
    expect(s.events).toEqual(['c Unhealthy Startup probe failed: slow', 'c Unhealthy Startup probe failed: slow']);
    expect(s.calls.every((c) => c.type === 'startup')).toBe(true);
  });

  test('a prober error keeps the last result and records "probe errored"', async () => {
    s.answer.readiness = new Error("couldn't find port: web in c");
    s.mgr.observe(mkPod({ readinessProbe: probe({ periodSeconds: 1 }) }), '10.0.0.2', running('A', s.clock.now()));
    await s.clock.advance(0);
    expect(s.calls).toHaveLength(3); // retried three times
    expect(s.events).toEqual(["c Unhealthy Readiness probe errored: couldn't find port: web in c"]);
    expect(s.mgr.status('uid-1', 'c', 'A')!.ready).toBe(false);
  });

  test('workers end with a terminated container of a Never pod, with deletion (liveness), and on removePod', async () => {
    const never = mkPod(
      { livenessProbe: probe({ periodSeconds: 1 }), readinessProbe: probe({ periodSeconds: 1 }) },
      { restartPolicy: 'Never' },
    );
    s.mgr.observe(never, '10.0.0.2', running('A', s.clock.now()));
    await s.clock.advance(1000);
    expect(s.mgr.workerCount()).toBe(2);
    s.mgr.observe(never, '10.0.0.2', new Map([['c', { id: 'A', running: false, terminated: true }]]));
    await s.clock.advance(1000);
    expect(s.mgr.workerCount()).toBe(0);
    expect(s.clock.pending()).toBe(0);

    const other = mkPod({ livenessProbe: probe({ periodSeconds: 1 }), readinessProbe: probe({ periodSeconds: 1 }) });
    (other.metadata as J).uid = 'uid-2';
    s.mgr.observe(other, '10.0.0.3', running('B', s.clock.now()));
    await s.clock.advance(1000);
    s.mgr.updatePod({ ...other, metadata: { ...other.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } } as Pod);
    await s.clock.advance(1000);
    expect(s.mgr.workerCount()).toBe(1); // readiness keeps probing during termination
    s.mgr.removePod('uid-2');
    await s.clock.advance(5000);
    expect(s.mgr.workerCount()).toBe(0);
    expect(s.clock.pending()).toBe(0);
  });
});
