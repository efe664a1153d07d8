// Names the Job controller shares with the API and with kubectl (k8s.io/api/batch/v1 types.go): the tracking finalizer,
// the completion index's annotation, label and env, and the condition reasons and messages.
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** The pod label beside the annotation (PodIndexLabel, on by default since 1.28). */
export const JOB_COMPLETION_INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const REASON_POD_FAILURE_POLICY = 'PodFailurePolicy';
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const REASON_SUCCESS_POLICY = 'SuccessPolicy';
export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = 'Job has reached the specified backoff limit';
export const MESSAGE_DEADLINE_EXCEEDED = 'Job was active longer than specified deadline';
export const MESSAGE_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';

/** Pod failure back-off: 10 s doubling per failure since the last success, at most 10 minutes (job_controller.go). */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;
/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** MaxUncountedPods: uids held in status.uncountedTerminatedPods at once. */
export const MAX_UNCOUNTED_PODS = 500;

/**
 * The longest requeue a controller asks for: Node's timers overflow past 2^31-1 ms (24.8 days) and fire at once, so a
 * yearly schedule or a month-long deadline is looked at again daily instead.
 */
export const MAX_REQUEUE_MS = 24 * 3_600_000;
/** A requeue delay within [10 ms, MAX_REQUEUE_MS]. */
export const requeueDelay = (ms: number) => Math.min(Math.max(ms, 10), MAX_REQUEUE_MS);
