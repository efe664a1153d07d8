// backoffLimitPerIndex, maxFailedIndexes, FailIndex, podReplacementPolicy and managedBy against a fake clock: which
// indexes fail, when the Job fails for them, which failed pod keeps its finalizer for its index's count, the count the
// replacement carries, the per-index back-off, and the API's validation of these fields.
import type { KObject } from '../../src/machinery/api/meta.js';
import {
  failedIndexesCondition,
  failedIndexesOf,
  indexBackoffRemainingMs,
  indexesReadyToCreate,
  isIndexFailed,
  podsWithDelayedDeletion,
  replacementAnnotations,
} from '../../src/reconcilers/job/index-failures.js';
import { podForJob } from '../../src/reconcilers/job/job-pod.js';
import { isManagedByJobController } from '../../src/reconcilers/job/managed-by.js';
import { canRemoveFinalizer } from '../../src/reconcilers/job/pod-accounting.js';
import { jobStrategy } from '../../src/registry/strategies/job.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse('2026-01-01T12:00:00Z');
const at = (s: number) => new Date(NOW + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const FAILURES = 'batch.kubernetes.io/job-index-failure-count';
const IGNORED = 'batch.kubernetes.io/job-index-ignored-failure-count';

function job(spec: J = {}, status: J = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'idx', namespace: 'ns', uid: 'job-uid' },
    spec: {
      completions: 4,
      parallelism: 2,
      completionMode: 'Indexed',
      backoffLimitPerIndex: 1,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main' }] } },
      ...spec,
    },
    status,
  } as KObject;
}

/** A pod of index `index`; `failures`/`ignored` are its failure-count annotations; `exit` finishes it `finishedAt` s from now. */
function pod(
  name: string,
  index: number,
  o: { phase?: string; exit?: number; finishedAt?: number; failures?: number; ignored?: number } = {},
): KObject {
  const annotations: Record<string, string> = { 'batch.kubernetes.io/job-completion-index': String(index) };
  if (o.failures !== undefined) annotations[FAILURES] = String(o.failures);
  if (o.ignored !== undefined) annotations[IGNORED] = String(o.ignored);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, finalizers: ['batch.kubernetes.io/job-tracking'], annotations },
    status: {
      phase: o.phase ?? (o.exit === undefined ? 'Running' : o.exit === 0 ? 'Succeeded' : 'Failed'),
      containerStatuses: [
        {
          name: 'main',
          state: o.exit === undefined ? { running: {} } : { terminated: { exitCode: o.exit, finishedAt: at(o.finishedAt ?? 0) } },
        },
      ],
    },
  } as KObject;
}

describe('failed indexes', () => {
  test('an index fails once a pod that already used its retries fails; earlier failures are retried', () => {
    const j = job();
    expect(isIndexFailed(j, pod('a', 0, { exit: 1, failures: 0 }))).toBe(false);
    expect(isIndexFailed(j, pod('b', 0, { exit: 1, failures: 1 }))).toBe(true);
    expect(isIndexFailed(job({ backoffLimitPerIndex: 0 }), pod('c', 0, { exit: 1 }))).toBe(true);
    expect(isIndexFailed(j, pod('d', 0, { failures: 5 }))).toBe(false);
  });

  test('FailIndex fails the index at once; Ignore never does', () => {
    const policy = {
      rules: [
        { action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } },
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } },
      ],
    };
    const j = job({ podFailurePolicy: policy, backoffLimitPerIndex: 3 });
    expect(isIndexFailed(j, pod('a', 0, { exit: 42 }))).toBe(true);
    expect(isIndexFailed(j, pod('b', 0, { exit: 7, failures: 9 }))).toBe(false);
    expect(isIndexFailed(j, pod('c', 0, { exit: 1 }))).toBe(false);
  });

  test('status.failedIndexes plus the indexes failing now; released pods and out-of-range indexes do not count', () => {
    const released = pod('r', 3, { exit: 1, failures: 1 });
    released.metadata.finalizers = [];
    const pods = [pod('a', 2, { exit: 1, failures: 1 }), released, pod('x', 9, { exit: 1, failures: 1 })];
    expect([...failedIndexesOf(job({}, { failedIndexes: '0' }), pods)].sort()).toEqual([0, 2]);
  });

  test('the Job fails past maxFailedIndexes, or once every index finished with some failed', () => {
    const max = job({ maxFailedIndexes: 1 });
    expect(failedIndexesCondition(max, new Set([0]), new Set())).toBeUndefined();
    expect(failedIndexesCondition(max, new Set([0, 1]), new Set())).toEqual({
      type: 'FailureTarget',
      reason: 'MaxFailedIndexesExceeded',
      message: 'Job has exceeded the specified maximal number of failed indexes',
    });
    expect(failedIndexesCondition(job(), new Set([1]), new Set([0, 2]))).toBeUndefined();
    expect(failedIndexesCondition(job(), new Set([1]), new Set([0, 2, 3]))).toEqual({
      type: 'FailureTarget',
      reason: 'FailedIndexes',
      message: 'Job has failed indexes',
    });
    expect(failedIndexesCondition(job(), new Set(), new Set([0, 1, 2, 3]))).toBeUndefined();
  });
});

describe('delayed deletion and the replacement', () => {
  test('the latest failed pod of a pending index keeps its finalizer; indexes running, done or failed release theirs', () => {
    const older = pod('a0', 0, { exit: 1, failures: 0, finishedAt: -30 });
    const newer = pod('a1', 0, { exit: 1, failures: 1, finishedAt: -5 });
    const running = pod('b1', 1);
    const b0 = pod('b0', 1, { exit: 1, failures: 0 });
    const c0 = pod('c0', 2, { exit: 1, failures: 0 });
    const d0 = pod('d0', 3, { exit: 1, failures: 1 });
    const j = job();
    const delayed = podsWithDelayedDeletion(j, [older, newer, running, b0, c0, d0], [running], new Set([2]), new Set([3]), NOW);
    expect([...delayed.keys()]).toEqual([0]);
    expect(delayed.get(0)).toBe(newer);
    expect(canRemoveFinalizer(j, newer, false, delayed)).toBe(false);
    expect(canRemoveFinalizer(j, older, false, delayed)).toBe(true);
    expect(canRemoveFinalizer(j, b0, false, delayed)).toBe(true);
    // Once the Job is finishing, nothing is held back.
    expect(canRemoveFinalizer(j, newer, true, delayed)).toBe(true);
  });

  test('the replacement carries the count on: counted failures, or ignored ones under an Ignore rule', () => {
    const j = job();
    expect(replacementAnnotations(j, undefined)).toEqual({ [FAILURES]: '0' });
    expect(replacementAnnotations(j, pod('a', 0, { exit: 1, failures: 2 }))).toEqual({ [FAILURES]: '3' });
    const ignoring = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } }] } });
    expect(replacementAnnotations(ignoring, pod('b', 0, { exit: 7, failures: 1, ignored: 1 }))).toEqual({
      [FAILURES]: '1',
      [IGNORED]: '2',
    });
    const created = podForJob(j, 2, replacementAnnotations(j, pod('c', 2, { exit: 1, failures: 0 })));
    expect(created.metadata.annotations).toEqual({ 'batch.kubernetes.io/job-completion-index': '2', [FAILURES]: '1' });
  });

  test('each index backs off on its own: 10 s after its first failure, 20 s after its second', () => {
    const first = pod('a', 0, { exit: 1, failures: 0, finishedAt: -4 });
    const second = pod('b', 1, { exit: 1, failures: 1, finishedAt: -4 });
    expect(indexBackoffRemainingMs(undefined, NOW)).toBe(0);
    expect(indexBackoffRemainingMs(first, NOW)).toBe(6000);
    expect(indexBackoffRemainingMs(second, NOW)).toBe(16_000);
    const delayed = new Map([
      [0, first],
      [1, second],
    ]);
    expect(indexesReadyToCreate([0, 1, 2], delayed, NOW)).toEqual({ ready: [2], waitMs: 0 });
    expect(indexesReadyToCreate([0, 1], delayed, NOW)).toEqual({ ready: [], waitMs: 6000 });
    expect(indexesReadyToCreate([0, 1], delayed, NOW + 7000)).toEqual({ ready: [0], waitMs: 0 });
  });
});

describe('managedBy', () => {
  test('the built-in controller takes Jobs without the field or naming it, no other', () => {
    expect(isManagedByJobController(job())).toBe(true);
    expect(isManagedByJobController(job({ managedBy: 'kubernetes.io/job-controller' }))).toBe(true);
    expect(isManagedByJobController(job({ managedBy: 'example.com/kueue' }))).toBe(false);
  });
});

describe('validation', () => {
  const errors = (spec: J) => {
    const j = job(spec) as J;
    j.spec.selector = { matchLabels: { a: 'b' } };
    j.spec.manualSelector = true;
    j.spec.template.metadata = { labels: { a: 'b' } };
    j.spec.template.spec.containers[0].image = 'busybox';
    jobStrategy.defaults!(j as KObject);
    return jobStrategy.validate!(j as KObject).map((e) => `${e.field}: ${e.detail ?? e.type}`);
  };
  test('per-index limits need an Indexed Job; maxFailedIndexes needs backoffLimitPerIndex and stays within completions', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ completionMode: 'NonIndexed' })).toEqual(['spec.backoffLimitPerIndex: requires indexed completion mode']);
    expect(errors({ backoffLimitPerIndex: undefined, maxFailedIndexes: 1 })).toEqual([
      'spec.backoffLimitPerIndex: when maxFailedIndexes is specified',
    ]);
    expect(errors({ maxFailedIndexes: 5 })).toEqual(['spec.maxFailedIndexes: must be less than or equal to completions']);
    expect(errors({ backoffLimitPerIndex: -1 })).toEqual(['spec.backoffLimitPerIndex: must be greater than or equal to 0']);
  });
  test('FailIndex needs backoffLimitPerIndex; a podFailurePolicy allows only podReplacementPolicy Failed', () => {
    const policy = { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }] };
    expect(errors({ podFailurePolicy: policy })).toEqual([]);
    expect(errors({ podFailurePolicy: policy, backoffLimitPerIndex: undefined })).toEqual([
      'spec.podFailurePolicy.rules[0].action: requires the backoffLimitPerIndex to be set',
    ]);
    expect(errors({ podFailurePolicy: policy, podReplacementPolicy: 'TerminatingOrFailed' })).toEqual([
      'spec.podReplacementPolicy: FieldValueNotSupported',
    ]);
    expect(errors({ podReplacementPolicy: 'Sometimes' })).toEqual(['spec.podReplacementPolicy: FieldValueNotSupported']);
  });
  test('managedBy is a domain-prefixed path of at most 63 characters, fixed once set', () => {
    expect(errors({ managedBy: 'example.com/kueue' })).toEqual([]);
    expect(errors({ managedBy: 'kueue' })).toEqual(['spec.managedBy: must be a domain-prefixed path (such as "acme.io/foo")']);
    expect(errors({ managedBy: `example.com/${'x'.repeat(60)}` })).toEqual(['spec.managedBy: may not be more than 63 bytes']);
    const old = job({ managedBy: 'example.com/kueue' }) as J;
    const changed = structuredClone(old);
    changed.spec.managedBy = 'example.com/other';
    const errs = jobStrategy.validateUpdate!(changed as KObject, old as KObject).map((e) => `${e.field}: ${e.detail}`);
    expect(errs).toContain('spec.managedBy: field is immutable');
  });
});
