// The Job and CronJob controllers in process against the API harness (no kubelet: the test finishes pods through
// /status as a kubelet would). Jobs: pods carry the tracking finalizer, finished pods are counted once through
// uncountedTerminatedPods and lose it, completions and parallelism are kept, SuccessCriteriaMet precedes Complete;
// backoffLimit fails a Job with BackoffLimitExceeded; Indexed pods report completedIndexes; suspend deletes pods without
// counting them; a successPolicy ends an Indexed Job early; a deleted Job's pods lose the finalizer. CronJobs on a fake clock: a due start creates
// `<cronjob>-<minutes>`, and after a long gap only the most recent missed start runs.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { JOBS, startJobController, type RunningJobController } from '../../src/reconcilers/job/job-controller.js';
import { CRONJOBS, startCronJobController, type RunningCronJobController } from '../../src/reconcilers/cronjob/cronjob-controller.js';
import { GVR } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const FINALIZER = 'batch.kubernetes.io/job-tracking';

const podSpec = { restartPolicy: 'Never', containers: [{ name: 'main', image: 'dockube/busybox:test' }] };
const job = (name: string, spec: J): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { template: { spec: podSpec }, ...spec },
});

describe('job and cronjob controllers in process', () => {
  let h: Harness;
  let api: HttpClient;
  let jc: RunningJobController;
  let cjc: RunningCronJobController;
  let offsetMs = 0;
  let ns = '';
  let n = 0;

  const podsOf = async (name: string) =>
    (await api.list(GVR.pods, ns, { labelSelector: `batch.kubernetes.io/job-name=${name}` })).items.filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const podCount = (name: string, want: number) => until(async () => (await podsOf(name)).length === want && podsOf(name));
  const getJob = (name: string) => api.get(JOBS, ns, name) as Promise<J>;
  const finish = async (p: KObject, phase: 'Succeeded' | 'Failed', exitCode = phase === 'Succeeded' ? 0 : 1) => {
    const cur = await api.get(GVR.pods, ns, p.metadata.name!);
    const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await api.updateStatus(GVR.pods, ns, {
      ...cur,
      status: { phase, containerStatuses: [{ name: 'main', restartCount: 0, state: { terminated: { exitCode, finishedAt: t } } }] },
    });
  };
  const conditions = (j: J) => (j.status?.conditions ?? []).filter((c: J) => c.status === 'True').map((c: J) => `${c.type}=${c.reason}`);

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    const ctx = makeContext(h.service, log);
    jc = await startJobController(ctx, { backoffBaseMs: 50, backoffMaxMs: 200 });
    cjc = await startCronJobController(ctx, { now: () => Date.now() + offsetMs });
  });
  afterAll(async () => {
    jc.stop();
    cjc.stop();
    await jc.recorder.flush();
    await cjc.recorder.flush();
    api.close();
    await h.close();
  });
  beforeEach(async () => {
    ns = `job-${++n}`;
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  test('completions 3, parallelism 2: pods with the finalizer, each success counted once, then Complete', async () => {
    const created = await api.create(JOBS, ns, job('calc', { completions: 3, parallelism: 2 }));
    const first = await podCount('calc', 2);
    for (const p of first) {
      expect(p.metadata.finalizers).toEqual([FINALIZER]);
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'calc', uid: created.metadata.uid, controller: true });
    }
    await finish(first[0]!, 'Succeeded');
    // The success is counted, its finalizer gone, and a third pod replaces it (2 active again).
    await until(async () => (await getJob('calc')).status?.succeeded === 1);
    await until(async () => !(await api.get(GVR.pods, ns, first[0]!.metadata.name!)).metadata.finalizers?.length);
    const next = await until(async () => {
      const active = (await podsOf('calc')).filter((p) => (p as J).status?.phase !== 'Succeeded');
      return active.length === 2 && active;
    });
    for (const p of next) await finish(p, 'Succeeded');
    const done = await until(async () => {
      const j = await getJob('calc');
      return j.status?.completionTime && j;
    });
    expect(conditions(done)).toEqual(['SuccessCriteriaMet=CompletionsReached', 'Complete=CompletionsReached']);
    expect(done.status).toMatchObject({ succeeded: 3, failed: 0, active: 0, uncountedTerminatedPods: {} });
    expect((await podsOf('calc')).length).toBe(3);
  });

  test('backoffLimit 1: the second failure fails the Job with BackoffLimitExceeded after the back-off', async () => {
    await api.create(JOBS, ns, job('flaky', { backoffLimit: 1 }));
    const [a] = await podCount('flaky', 1);
    await finish(a!, 'Failed');
    const b = await until(async () => (await podsOf('flaky')).find((p) => p.metadata.name !== a!.metadata.name));
    await finish(b, 'Failed');
    const failed = await until(async () => {
      const j = await getJob('flaky');
      return conditions(j).includes('Failed=BackoffLimitExceeded') && j;
    });
    expect(failed.status).toMatchObject({ failed: 2, succeeded: 0, active: 0 });
    expect(failed.status.completionTime).toBeUndefined();
  });

  test('Indexed: one pod per index, completedIndexes as ranges', async () => {
    await api.create(JOBS, ns, job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await podCount('idx', 3);
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    expect([...byIndex.keys()].sort()).toEqual(['0', '1', '2']);
    expect((byIndex.get('2') as J).spec.hostname).toBe('idx-2');
    await finish(byIndex.get('0')!, 'Succeeded');
    await finish(byIndex.get('2')!, 'Succeeded');
    await until(async () => (await getJob('idx')).status?.completedIndexes === '0,2');
    await finish(byIndex.get('1')!, 'Succeeded');
    const done = await until(async () => {
      const j = await getJob('idx');
      return j.status?.completedIndexes === '0-2' && conditions(j).includes('Complete=CompletionsReached') && j;
    });
    expect(done.status.succeeded).toBe(3);
  });

  test('successPolicy: index 0 succeeding is enough; the other pods go, then Complete with SuccessPolicy', async () => {
    await api.create(
      JOBS,
      ns,
      job('lead', { completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] } }),
    );
    const pods = await podCount('lead', 3);
    await finish(
      pods.find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '0')!,
      'Succeeded',
    );
    const done = await until(async () => {
      const j = await getJob('lead');
      return conditions(j).includes('Complete=SuccessPolicy') && j;
    });
    expect(conditions(done)).toEqual(['SuccessCriteriaMet=SuccessPolicy', 'Complete=SuccessPolicy']);
    expect(done.status).toMatchObject({ succeeded: 1, failed: 0, active: 0, completedIndexes: '0' });
    expect((await podsOf('lead')).map((p) => (p as J).status?.phase)).toEqual(['Succeeded']);
  });

  test('suspend deletes the pods without counting them; resuming starts again', async () => {
    await api.create(JOBS, ns, job('nap', { parallelism: 2, completions: 2 }));
    await podCount('nap', 2);
    await api.patch(JOBS, ns, 'nap', 'merge', { spec: { suspend: true } });
    const suspended = await until(async () => {
      const j = await getJob('nap');
      return (await podsOf('nap')).length === 0 && conditions(j).includes('Suspended=JobSuspended') && j.status?.active === 0 && j;
    });
    expect(suspended.status.failed).toBe(0);
    await api.patch(JOBS, ns, 'nap', 'merge', { spec: { suspend: false } });
    await podCount('nap', 2);
    const resumed = await getJob('nap');
    expect(resumed.status.conditions.find((c: J) => c.type === 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
    expect(resumed.status.startTime).toBeDefined();
  });

  test('a deleted Job\u2019s pods lose the tracking finalizer (orphans)', async () => {
    await api.create(JOBS, ns, job('gone', { parallelism: 2, completions: 2 }));
    const pods = await podCount('gone', 2);
    await api.delete(JOBS, ns, 'gone', { propagationPolicy: 'Orphan' });
    for (const p of pods) await until(async () => !(await api.get(GVR.pods, ns, p.metadata.name!)).metadata.finalizers?.length);
  });

  test('cronjob: a due start creates <name>-<minutes>; after a gap only the most recent missed start runs', async () => {
    offsetMs = 0;
    const cj = await api.create(CRONJOBS, ns, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: podSpec } } } },
    });
    const created = Date.parse(cj.metadata.creationTimestamp!);
    const firstStart = Math.floor(created / 60_000) * 60_000 + 60_000;
    offsetMs = firstStart + 5_000 - Date.now();
    await api.patch(CRONJOBS, ns, 'tick', 'merge', { metadata: { labels: { poke: '1' } } });
    const names = async () => (await api.list(JOBS, ns)).items.map((j) => j.metadata.name!).sort();
    await until(async () => (await names()).length === 1);
    expect(await names()).toEqual([`tick-${firstStart / 60_000}`]);
    const job1: J = await api.get(JOBS, ns, `tick-${firstStart / 60_000}`);
    expect(job1.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(
      new Date(firstStart).toISOString().replace('.000Z', 'Z'),
    );
    // Ten minutes later (the controller was "down"): one catch-up run, for the latest start.
    offsetMs = firstStart + 10 * 60_000 + 5_000 - Date.now();
    await api.patch(CRONJOBS, ns, 'tick', 'merge', { metadata: { labels: { poke: '2' } } });
    await until(async () => (await names()).length === 2);
    expect(await names()).toEqual([`tick-${firstStart / 60_000}`, `tick-${firstStart / 60_000 + 10}`].sort());
    const status = await until(async () => {
      const c: J = await api.get(CRONJOBS, ns, 'tick');
      return c.status?.active?.length === 2 && c.status;
    });
    expect(status.lastScheduleTime).toBe(new Date(firstStart + 10 * 60_000).toISOString().replace('.000Z', 'Z'));
    offsetMs = 0;
  });
});
