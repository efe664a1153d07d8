// The pod a Job creates (job_controller.go's pod template handling): the template's pod with the controller reference
// and the job-tracking finalizer; for an Indexed Job also its completion index as annotation, label and
// JOB_COMPLETION_INDEX env, the hostname `<job>-<index>` and the name prefix `<job>-<index>-`.
import type { KObject } from '../../machinery/api/meta.js';
import { controllerRef } from '../replicaset/claim.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import {
  JOB_COMPLETION_INDEX_ANNOTATION,
  JOB_COMPLETION_INDEX_ENV,
  JOB_COMPLETION_INDEX_LABEL,
  JOB_TRACKING_FINALIZER,
} from './constants.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const indexEnv = {
  name: JOB_COMPLETION_INDEX_ENV,
  valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX_ANNOTATION}']` } },
};

/** addCompletionIndexEnvVariable: to every container and init container that does not set it already. */
function addIndexEnv(containers: J[] | undefined): void {
  for (const c of containers ?? []) {
    c.env = Array.isArray(c.env) ? c.env : [];
    if (!c.env.some((e: J) => e?.name === JOB_COMPLETION_INDEX_ENV)) c.env.push(structuredClone(indexEnv));
  }
}

/**
 * `index` is the completion index for an Indexed Job, undefined otherwise; `annotations` are added for that index
 * (backoffLimitPerIndex's failure counts).
 */
export function podForJob(job: KObject, index?: number, annotations: Record<string, string> = {}): KObject {
  const pod = podFromTemplate((job as J).spec?.template, job, controllerRef(job));
  pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
  if (index === undefined) return pod;
  const ix = String(index);
  pod.metadata.generateName = `${job.metadata.name}-${ix}-`.slice(0, 253 - 5);
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [JOB_COMPLETION_INDEX_ANNOTATION]: ix, ...annotations };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [JOB_COMPLETION_INDEX_LABEL]: ix };
  const spec: J = (pod as J).spec;
  // The hostname is a DNS label: a long job name leaves the template's (or the pod name's) hostname alone.
  const hostname = `${job.metadata.name}-${ix}`;
  if (!spec.hostname && hostname.length <= 63) spec.hostname = hostname;
  addIndexEnv(spec.containers);
  addIndexEnv(spec.initContainers);
  return pod;
}
