// The Job controller's pure decisions against a fake clock: pod accounting through the tracking finalizer, the pod
// failure back-off, failure (backoffLimit, OnFailure restarts, activeDeadlineSeconds, podFailurePolicy) and success,
// indexed completions and completedIndexes ranges, the pods it creates, the ttl expiry, and the API's defaults,
// generated selector, validation and table cells.
import type { KObject } from '../../src/machinery/api/meta.js';
import { backoffRemainingMs, nextBackoffRecord, podFinishedTime } from '../../src/reconcilers/job/backoff.js';
import { MAX_REQUEUE_MS, requeueDelay } from '../../src/reconcilers/job/constants.js';
import { matchPodFailurePolicy } from '../../src/reconcilers/job/failure-policy.js';
import {
  completionIndexOf,
  firstPendingIndexes,
  formatIndexes,
  invalidIndexPods,
  parseIndexes,
} from '../../src/reconcilers/job/indexes.js';
import { podForJob } from '../../src/reconcilers/job/job-pod.js';
import {
  canRemoveFinalizer,
  failureCondition,
  isPodFailed,
  matchSuccessPolicy,
  newFinishedPods,
  successCondition,
  uncountedOf,
  wantActive,
} from '../../src/reconcilers/job/pod-accounting.js';
import { removeFinalizerPatch, setCondition } from '../../src/reconcilers/job/job-controller.js';
import type { JobCondition } from '../../src/reconcilers/job/pod-accounting.js';
import { jobExpiresAt } from '../../src/reconcilers/job/ttl-after-finished.js';
import { jobStrategy } from '../../src/registry/strategies/job.js';
import { completionsCell, durationCell, jobStatusCell } from '../../src/registry/tables/jobs.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse('2026-01-01T12:00:00Z');
const at = (s: number) => new Date(NOW + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const FINALIZER = 'batch.kubernetes.io/job-tracking';

function job(spec: J = {}, status: J = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'ns', uid: 'job-uid' },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main' }] } },
      ...spec,
    },
    status,
  } as KObject;
}

interface PodOpts {
  phase?: string;
  finalizer?: boolean;
  deleting?: boolean;
  exit?: number;
  finishedAt?: number; // seconds from NOW
  restarts?: number;
  index?: number;
  conditions?: J[];
}
function pod(name: string, o: PodOpts = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      creationTimestamp: at(-100),
      finalizers: o.finalizer === false ? [] : [FINALIZER],
      ...(o.deleting ? { deletionTimestamp: at(0) } : {}),
      ...(o.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(o.index) } } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.conditions ?? [],
      containerStatuses: [
        {
          name: 'main',
          restartCount: o.restarts ?? 0,
          state:
            o.exit !== undefined
              ? { terminated: { exitCode: o.exit, finishedAt: at(o.finishedAt ?? 0) } }
              : { running: { startedAt: at(-50) } },
        },
      ],
    },
  } as KObject;
}

describe('pod accounting', () => {
  test('finished pods holding the finalizer and not yet uncounted are new; running, released and uncounted ones are not', () => {
    const j = job({}, { uncountedTerminatedPods: { succeeded: ['uid-b'] } });
    const pods = [
      pod('a', { phase: 'Succeeded', exit: 0 }),
      pod('b', { phase: 'Succeeded', exit: 0 }),
      pod('c', { phase: 'Failed', exit: 1 }),
      pod('d', { phase: 'Failed', exit: 1, finalizer: false }),
      pod('e'),
    ];
    const fresh = newFinishedPods(j, pods, uncountedOf(j));
    expect(fresh.succeeded.map((p) => p.metadata.name)).toEqual(['a']);
    expect(fresh.failed.map((p) => p.metadata.name)).toEqual(['c']);
  });

  test('a pod deleted before it finished counts as failed, unless only Failed pods are replaced (podFailurePolicy)', () => {
    const deleting = pod('x', { deleting: true });
    expect(isPodFailed(deleting, job())).toBe(true);
    expect(isPodFailed(deleting, job({ podReplacementPolicy: 'Failed' }))).toBe(false);
    expect(isPodFailed(deleting, job({ podFailurePolicy: { rules: [] } }))).toBe(false);
    expect(isPodFailed(pod('s', { phase: 'Succeeded', deleting: true }), job())).toBe(false);
  });

  test('finalizers go from finished pods, from all pods once the Job finishes or is deleted; a policy waits for Failed', () => {
    const running = pod('r');
    expect(canRemoveFinalizer(job(), running, false)).toBe(false);
    expect(canRemoveFinalizer(job(), running, true)).toBe(true);
    expect(canRemoveFinalizer({ ...job(), metadata: { ...job().metadata, deletionTimestamp: at(0) } }, running, false)).toBe(true);
    expect(canRemoveFinalizer(job(), pod('t', { deleting: true }), false)).toBe(true);
    expect(canRemoveFinalizer(job({ podFailurePolicy: { rules: [] } }), pod('t', { deleting: true }), false)).toBe(false);
  });

  test('wantActive: parallelism bounded by the completions left; a work queue stops creating after a success', () => {
    expect(wantActive(job({ completions: 5, parallelism: 2 }), 0, 0)).toBe(2);
    expect(wantActive(job({ completions: 5, parallelism: 2 }), 4, 1)).toBe(1);
    expect(wantActive(job({ completions: 5, parallelism: 2 }), 6, 0)).toBe(0);
    expect(wantActive(job({ completions: undefined, parallelism: 3 }), 0, 1)).toBe(3);
    expect(wantActive(job({ completions: undefined, parallelism: 3 }), 1, 2)).toBe(2);
  });
});

describe('the finalizer patch', () => {
  test('guarded by the uid; the last finalizer takes the list, another stays', () => {
    const only = pod('a');
    expect(removeFinalizerPatch(only)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'uid-a' },
      { op: 'test', path: '/metadata/finalizers/0', value: FINALIZER },
      { op: 'remove', path: '/metadata/finalizers' },
    ]);
    const two = pod('b');
    two.metadata.finalizers = ['example.com/keep', FINALIZER];
    expect(removeFinalizerPatch(two)?.[2]).toEqual({ op: 'remove', path: '/metadata/finalizers/1' });
    expect(removeFinalizerPatch(pod('c', { finalizer: false }))).toBeUndefined();
  });
});

describe('failure and success', () => {
  test('backoffLimit: failed > limit fails with BackoffLimitExceeded', () => {
    const j = job({ backoffLimit: 1 });
    expect(failureCondition(j, [], [], 1, NOW)).toBeUndefined();
    expect(failureCondition(j, [], [], 2, NOW)).toEqual({
      type: 'FailureTarget',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
  });

  test('restartPolicy OnFailure: container restarts of active pods reach the limit (0 means any restart)', () => {
    const spec = (limit: number) => ({ backoffLimit: limit, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } });
    const restarting = [pod('a', { restarts: 1 }), pod('b', { restarts: 1 })];
    expect(failureCondition(job(spec(3)), restarting, restarting, 0, NOW)).toBeUndefined();
    expect(failureCondition(job(spec(2)), restarting, restarting, 0, NOW)?.reason).toBe('BackoffLimitExceeded');
    expect(failureCondition(job(spec(0)), [pod('c', { restarts: 1 })], [pod('c', { restarts: 1 })], 0, NOW)?.reason).toBe(
      'BackoffLimitExceeded',
    );
  });

  test('activeDeadlineSeconds counts from startTime, not while suspended', () => {
    const j = job({ activeDeadlineSeconds: 30 }, { startTime: at(-29) });
    expect(failureCondition(j, [], [], 0, NOW)).toBeUndefined();
    expect(failureCondition(j, [], [], 0, NOW + 1000)).toEqual({
      type: 'FailureTarget',
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    expect(failureCondition(job({ activeDeadlineSeconds: 30, suspend: true }, { startTime: at(-60) }), [], [], 0, NOW)).toBeUndefined();
  });

  test('a FailureTarget already recorded stands', () => {
    const j = job({}, { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'm' }] });
    expect(failureCondition(j, [], [], 0, NOW)).toEqual({ type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'm' });
  });

  test('success: completions reached with nothing active; a work queue at its first success; Indexed when every index did', () => {
    expect(successCondition(job({ completions: 5 }), 5, 0, new Set())?.reason).toBe('CompletionsReached');
    expect(successCondition(job({ completions: 5 }), 5, 1, new Set())).toBeUndefined();
    expect(successCondition(job({ completions: 5 }), 4, 0, new Set())).toBeUndefined();
    expect(successCondition(job({ completions: undefined }), 1, 0, new Set())?.type).toBe('SuccessCriteriaMet');
    const indexed = job({ completions: 3, completionMode: 'Indexed' });
    expect(successCondition(indexed, 3, 0, new Set([0, 1]))).toBeUndefined();
    expect(successCondition(indexed, 2, 1, new Set([0, 1, 2]))?.message).toBe('Reached expected number of succeeded pods');
  });

  test('conditions: a status change moves lastTransitionTime, a repeat changes nothing', () => {
    const conds: JobCondition[] = [];
    expect(setCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', NOW)).toBe(true);
    expect(setCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', NOW + 5000)).toBe(false);
    expect(setCondition(conds, 'Suspended', 'False', 'JobResumed', 'Job resumed', NOW + 9000)).toBe(true);
    expect(conds).toEqual([
      { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: at(9), lastTransitionTime: at(9) },
    ]);
  });
});

describe('pod failure back-off', () => {
  test('10 s doubling per failure since the last success, capped at 10 minutes', () => {
    let r = nextBackoffRecord({ failuresAfterLastSuccess: 0 }, [], [pod('a', { phase: 'Failed', exit: 1, finishedAt: 0 })], NOW);
    expect(r).toEqual({ failuresAfterLastSuccess: 1, lastFailureTime: NOW });
    expect(backoffRemainingMs(r, NOW)).toBe(10_000);
    expect(backoffRemainingMs(r, NOW + 4000)).toBe(6000);
    expect(backoffRemainingMs(r, NOW + 10_000)).toBe(0);
    r = nextBackoffRecord(r, [], [pod('b', { phase: 'Failed', exit: 1, finishedAt: 20 })], NOW);
    expect(r.failuresAfterLastSuccess).toBe(2);
    expect(backoffRemainingMs(r, NOW + 20_000)).toBe(20_000);
    expect(backoffRemainingMs({ failuresAfterLastSuccess: 12, lastFailureTime: NOW }, NOW)).toBe(600_000);
  });

  test('a success resets the count; failures after it count afresh', () => {
    const prev = { failuresAfterLastSuccess: 4, lastFailureTime: NOW - 1000 };
    expect(nextBackoffRecord(prev, [pod('s', { phase: 'Succeeded', exit: 0, finishedAt: 0 })], [], NOW)).toEqual({
      failuresAfterLastSuccess: 0,
    });
    const mixed = nextBackoffRecord(
      prev,
      [pod('s', { phase: 'Succeeded', exit: 0, finishedAt: 5 })],
      [pod('f1', { phase: 'Failed', exit: 1, finishedAt: 1 }), pod('f2', { phase: 'Failed', exit: 1, finishedAt: 9 })],
      NOW,
    );
    expect(mixed).toEqual({ failuresAfterLastSuccess: 1, lastFailureTime: NOW + 9000 });
  });

  test('a finish time: all containers terminated, else Ready turning False, else deletion less its grace, else creation', () => {
    expect(podFinishedTime(pod('done', { phase: 'Failed', exit: 1, finishedAt: 7 }), NOW)).toBe(NOW + 7000);
    const notReady = pod('r', { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at(3) }] });
    expect(podFinishedTime(notReady, NOW)).toBe(NOW + 3000);
    const deleted = pod('d', { deleting: true }) as J;
    deleted.metadata.deletionGracePeriodSeconds = 30;
    expect(podFinishedTime(deleted as KObject, NOW)).toBe(NOW - 30_000);
    expect(podFinishedTime(pod('c'), NOW)).toBe(NOW - 100_000);
  });
});

describe('podFailurePolicy', () => {
  const policy = {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    ],
  };
  test('FailJob on an exit code, with upstream\u2019s message', () => {
    expect(matchPodFailurePolicy(policy, pod('p', { phase: 'Failed', exit: 42 }))).toEqual({
      countFailed: true,
      action: 'FailJob',
      message: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
    });
  });
  test('Ignore on the DisruptionTarget condition: not counted', () => {
    const evicted = pod('e', { phase: 'Failed', exit: 137, conditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    expect(matchPodFailurePolicy(policy, evicted)).toEqual({ countFailed: false, action: 'Ignore' });
  });
  test('Count on NotIn; no rule matching counts; exit 0 never matches an exit-code rule', () => {
    expect(matchPodFailurePolicy(policy, pod('c', { phase: 'Failed', exit: 7 })).action).toBe('Count');
    expect(matchPodFailurePolicy(policy, pod('n', { phase: 'Failed', exit: 1 }))).toEqual({ countFailed: true });
    expect(
      matchPodFailurePolicy({ rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1] } }] }, pod('z', { exit: 0 })),
    ).toEqual({
      countFailed: true,
    });
  });
  test('a Job fails at once on a FailJob match, before backoffLimit', () => {
    const j = job({ podFailurePolicy: policy, backoffLimit: 6 });
    const failed = pod('p', { phase: 'Failed', exit: 42 });
    expect(failureCondition(j, [failed], [], 1, NOW)?.reason).toBe('PodFailurePolicy');
  });
});

describe('indexed completions', () => {
  test('completedIndexes: compressed ranges, parsed back, out-of-range indexes dropped', () => {
    expect(formatIndexes([7, 1, 3, 4, 5, 9, 10])).toBe('1,3-5,7,9,10');
    expect(formatIndexes([])).toBe('');
    expect([...parseIndexes('1,3-5,7,9-10', 10)].sort((a, b) => a - b)).toEqual([1, 3, 4, 5, 7, 9]);
    expect(parseIndexes('x,2', 5)).toEqual(new Set([2]));
  });
  test('first pending indexes skip succeeded and held ones', () => {
    expect(firstPendingIndexes(new Set([0, 2]), new Set([1]), 2, 6)).toEqual([3, 4]);
    expect(firstPendingIndexes(new Set([0, 1]), new Set([2]), 5, 3)).toEqual([]);
  });
  test('pods with no index, an index out of range or a duplicate go first', () => {
    const pods = [pod('a', { index: 0 }), pod('b', { index: 0 }), pod('c', { index: 9 }), pod('d')];
    pods[1]!.metadata.creationTimestamp = at(-1);
    expect(invalidIndexPods(pods, 3).map((p) => p.metadata.name)).toEqual(['c', 'd', 'b']);
    expect(completionIndexOf(pod('x', { index: 4 }))).toBe(4);
    expect(completionIndexOf(pod('y'))).toBe(-1);
  });
  test('an Indexed pod: name prefix, annotation, label, hostname, JOB_COMPLETION_INDEX, the finalizer and the owner', () => {
    const p: J = podForJob(job({ completionMode: 'Indexed', completions: 3 }), 2);
    expect(p.metadata.generateName).toBe('pi-2-');
    expect(p.metadata.annotations['batch.kubernetes.io/job-completion-index']).toBe('2');
    expect(p.metadata.labels['batch.kubernetes.io/job-completion-index']).toBe('2');
    expect(p.metadata.finalizers).toEqual([FINALIZER]);
    expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'Job', name: 'pi', uid: 'job-uid', controller: true });
    expect(p.spec.hostname).toBe('pi-2');
    expect(p.spec.containers[0].env).toEqual([
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
      },
    ]);
    const plain: J = podForJob(job());
    expect(plain.metadata.generateName).toBe('pi-');
    expect(plain.spec.hostname).toBeUndefined();
  });
});

describe('requeue delays', () => {
  test('never past what a Node timer holds (a yearly schedule or a month-long TTL is looked at daily)', () => {
    expect(requeueDelay(365 * 86_400_000)).toBe(MAX_REQUEUE_MS);
    expect(MAX_REQUEUE_MS).toBeLessThan(2 ** 31 - 1);
    expect(requeueDelay(0)).toBe(10);
    expect(requeueDelay(5000)).toBe(5000);
  });
});

describe('successPolicy', () => {
  const policy = { rules: [{ succeededIndexes: '0-2', succeededCount: 2 }, { succeededCount: 4 }, { succeededIndexes: '7' }] };
  test('the first rule the succeeded indexes satisfy, as upstream words it', () => {
    expect(matchSuccessPolicy(policy, 10, new Set())).toBeUndefined();
    expect(matchSuccessPolicy(policy, 10, new Set([0, 5]))).toBeUndefined();
    expect(matchSuccessPolicy(policy, 10, new Set([0, 2]))).toBe('Matched rules at index 0');
    expect(matchSuccessPolicy(policy, 10, new Set([3, 4, 5, 6]))).toBe('Matched rules at index 1');
    expect(matchSuccessPolicy(policy, 10, new Set([7]))).toBe('Matched rules at index 2');
    expect(matchSuccessPolicy(policy, 5, new Set([1]))).toBeUndefined(); // index 7 is past the completions
  });
  test('an Indexed Job meets it before its completions (reason SuccessPolicy)', () => {
    const j = job({ completionMode: 'Indexed', completions: 10, successPolicy: policy });
    expect(successCondition(j, 1, 3, new Set([7]))).toEqual({
      type: 'SuccessCriteriaMet',
      reason: 'SuccessPolicy',
      message: 'Matched rules at index 2',
    });
  });
});

describe('ttl after finished', () => {
  test('expires ttl seconds after the Complete or Failed condition; not before it finished, not without a TTL', () => {
    const done = { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at(0) }] };
    expect(jobExpiresAt(job({ ttlSecondsAfterFinished: 30 }, done))).toBe(NOW + 30_000);
    expect(jobExpiresAt(job({}, done))).toBeUndefined();
    expect(jobExpiresAt(job({ ttlSecondsAfterFinished: 30 }, {}))).toBeUndefined();
  });
});

describe('the Job API', () => {
  const create = (spec: J, manual = false): J => {
    const o: J = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'ns', uid: 'u1' },
      spec: structuredClone({ ...spec, ...(manual ? { manualSelector: true } : {}) }),
    };
    jobStrategy.prepareForCreate!(o as KObject);
    jobStrategy.defaults!(o as KObject);
    return o;
  };
  const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } };
  test('defaults and the generated selector with the controller-uid and job-name labels', () => {
    const o = create({ template });
    expect(o.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect(o.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } });
    expect(o.spec.template.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': 'u1',
      'controller-uid': 'u1',
      'batch.kubernetes.io/job-name': 'pi',
      'job-name': 'pi',
    });
    expect(jobStrategy.validate!(o as KObject)).toEqual([]);
    expect(create({ parallelism: 3, template }).spec.completions).toBeUndefined();
  });
  test('validation: restartPolicy, Indexed without completions, a policy with OnFailure, a hand-written selector', () => {
    const msgs = (o: J) => jobStrategy.validate!(o as KObject).map((e) => `${e.field}: ${e.type}`);
    expect(msgs(create({ template: { spec: { containers: [{ name: 'c', image: 'b' }] } } }))).toContain(
      'spec.template.spec.restartPolicy: FieldValueNotSupported',
    );
    expect(msgs(create({ completionMode: 'Indexed', parallelism: 2, template }))).toContain('spec.completions: FieldValueRequired');
    const onFailure = { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'b' }] } };
    expect(
      msgs(
        create({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] }, template: onFailure }),
      ),
    ).toContain('spec.template.spec.restartPolicy: FieldValueInvalid');
    expect(msgs(create({ successPolicy: { rules: [{ succeededCount: 1 }] }, template }))).toContain(
      'spec.successPolicy: FieldValueInvalid',
    );
    expect(
      msgs(
        create({ completionMode: 'Indexed', completions: 2, parallelism: 2, successPolicy: { rules: [{ succeededCount: 3 }] }, template }),
      ),
    ).toContain('spec.successPolicy.rules[0].succeededCount: FieldValueInvalid');
    const manual = create({ selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, ...template } }, true);
    expect(msgs(manual)).toEqual([]);
  });
  test('update: the selector, completionMode and (outside suspension) the template are immutable', () => {
    const old = create({ template });
    const next: J = structuredClone(old);
    next.spec.template.spec.containers[0].image = 'other';
    expect(jobStrategy.validateUpdate!(next as KObject, old as KObject).map((e) => e.field)).toContain('spec.template');
    const suspended: J = structuredClone(old);
    suspended.spec.suspend = true;
    const changed: J = structuredClone(suspended);
    changed.spec.template.spec.containers[0].image = 'other';
    expect(jobStrategy.validateUpdate!(changed as KObject, suspended as KObject)).toEqual([]);
  });
  test('table cells: STATUS, COMPLETIONS, DURATION', () => {
    const j = job({ completions: 5 }, { succeeded: 3, startTime: at(-90) });
    expect(jobStatusCell(j)).toBe('Running');
    expect(completionsCell(j)).toBe('3/5');
    expect(durationCell(j, new Date(NOW))).toBe('90s');
    expect(completionsCell(job({ completions: undefined, parallelism: 4 }))).toBe('0/1 of 4');
    const done = job(
      {},
      { succeeded: 1, startTime: at(-200), completionTime: at(-80), conditions: [{ type: 'Complete', status: 'True' }] },
    );
    expect([jobStatusCell(done), durationCell(done, new Date(NOW))]).toEqual(['Complete', '2m']);
    expect(jobStatusCell(job({}, { conditions: [{ type: 'FailureTarget', status: 'True' }] }))).toBe('FailureTarget');
  });
});
