// batch/v1 Job (pkg/registry/batch/job/strategy.go, pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation): defaults,
// the generated selector (controller-uid and job-name labels unless manualSelector), validation and what an update may
// change.
import type { Strategy } from '../types.js';
import { invalid, invalidGo, isObj, nonNegative, notSupported, required, tooLong, type Errs, type J } from './common/field.js';
import { isDNS1123Subdomain, regexError } from './common/names.js';
import { goLabelSelector, goStringMap } from './common/gorender.js';
import { immutable, validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { selectorMatches, validateLabelSelector } from './common/selector.js';
import { deepEqual } from '../../machinery/api/equality.js';
import { defaultPodSpec } from './pod/defaults.js';
import { validatePodSpec } from './pod/validation.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** The unprefixed labels kube-apiserver still adds beside the prefixed ones. */
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const MAX_INT32 = 2 ** 31 - 1;

/** SetDefaults_Job (and the pod template's defaults); `spec` is a JobSpec (also a CronJob's jobTemplate.spec). */
export function defaultJobSpec(spec: J, opts: { jobFields: boolean }): void {
  if (opts.jobFields) {
    // Neither set: one pod, one completion. Only completions set: parallelism 1.
    if (spec.completions == null && spec.parallelism == null) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    spec.parallelism ??= 1;
    spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? MAX_INT32 : 6;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
    if (isObj(spec.podFailurePolicy))
      for (const rule of Array.isArray(spec.podFailurePolicy.rules) ? spec.podFailurePolicy.rules : [])
        for (const p of Array.isArray(rule?.onPodConditions) ? rule.onPodConditions : []) if (isObj(p)) p.status ??= 'True';
  }
  if (isObj(spec.template)) {
    spec.template.metadata = isObj(spec.template.metadata) ? spec.template.metadata : {};
    if (!('creationTimestamp' in spec.template.metadata)) spec.template.metadata.creationTimestamp = null;
    defaultPodSpec(spec.template.spec);
  }
}

/** generateSelector: unless manualSelector, the selector is the job's uid and the template carries the four labels. */
export function generateSelector(job: J): void {
  const spec = job.spec;
  if (!isObj(spec) || spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  spec.template = isObj(spec.template) ? spec.template : {};
  spec.template.metadata = isObj(spec.template.metadata) ? spec.template.metadata : {};
  const labels = isObj(spec.template.metadata.labels) ? spec.template.metadata.labels : {};
  labels[CONTROLLER_UID_LABEL] ??= uid;
  labels[LEGACY_CONTROLLER_UID_LABEL] ??= uid;
  labels[JOB_NAME_LABEL] ??= name;
  labels[LEGACY_JOB_NAME_LABEL] ??= name;
  spec.template.metadata.labels = labels;
  if (spec.selector == null) spec.selector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
}

/** IsDomainPrefixedPath (apimachinery): `<DNS subdomain>/<http path>`. */
function domainPrefixedPath(v: unknown, p: string): Errs {
  const s = String(v);
  if (!s) return [required(p)];
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) return [invalid(p, s, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = s.slice(0, slash);
  const path = s.slice(slash + 1);
  const errs = isDNS1123Subdomain(host).map((m) => invalid(p, host, m));
  const pathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(path)) errs.push(invalid(p, path, regexError('Invalid path', pathFmt)));
  return errs;
}

/** backoffLimitPerIndex and maxFailedIndexes: Indexed Jobs only, within upstream's limits. */
function validateIndexFailureLimits(spec: J, p: string): Errs {
  const errs: Errs = [...nonNegative(spec.backoffLimitPerIndex, `${p}.backoffLimitPerIndex`)];
  const perIndex = spec.backoffLimitPerIndex;
  const maxFailed = spec.maxFailedIndexes;
  if (maxFailed != null) {
    errs.push(...nonNegative(maxFailed, `${p}.maxFailedIndexes`));
    if (perIndex == null) errs.push(required(`${p}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (spec.completionMode !== 'Indexed') {
    if (perIndex != null) errs.push(invalid(`${p}.backoffLimitPerIndex`, perIndex, 'requires indexed completion mode'));
    if (maxFailed != null) errs.push(invalid(`${p}.maxFailedIndexes`, maxFailed, 'requires indexed completion mode'));
    return errs;
  }
  const completions = spec.completions;
  if (typeof completions === 'number' && typeof maxFailed === 'number' && maxFailed > completions)
    errs.push(invalid(`${p}.maxFailedIndexes`, maxFailed, 'must be less than or equal to completions'));
  if (typeof maxFailed === 'number' && maxFailed > 100_000)
    errs.push(invalid(`${p}.maxFailedIndexes`, maxFailed, 'must be less than or equal to 100000'));
  if (typeof completions === 'number' && completions > 100_000 && perIndex != null) {
    const why = 'when completions are above 100000 and used with backoff limit per index';
    if (maxFailed == null) errs.push(required(`${p}.maxFailedIndexes`, 'must be specified when completions is above 100000'));
    if (typeof spec.parallelism === 'number' && spec.parallelism > 10_000)
      errs.push(invalid(`${p}.parallelism`, spec.parallelism, `must be less than or equal to 10000 ${why}`));
    if (typeof maxFailed === 'number' && maxFailed > 10_000)
      errs.push(invalid(`${p}.maxFailedIndexes`, maxFailed, `must be less than or equal to 10000 ${why}`));
  }
  return errs;
}

/** validatePodReplacementPolicy: Failed only with a podFailurePolicy, else Failed or TerminatingOrFailed. */
function validatePodReplacementPolicy(spec: J, p: string): Errs {
  const v = spec.podReplacementPolicy;
  if (v == null) return [];
  if (spec.podFailurePolicy != null) return v === 'Failed' ? [] : [notSupported(p, v, ['Failed'])];
  return v === 'Failed' || v === 'TerminatingOrFailed' ? [] : [notSupported(p, v, ['Failed', 'TerminatingOrFailed'])];
}

function validatePodFailurePolicy(policy: J, restartPolicy: unknown, p: string, perIndex: unknown): Errs {
  if (policy == null) return [];
  const errs: Errs = [];
  if (restartPolicy !== 'Never')
    errs.push(invalid('spec.template.spec.restartPolicy', restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  const rules = Array.isArray(policy?.rules) ? policy.rules : [];
  if (rules.length > 20) errs.push({ type: 'FieldValueTooMany', field: `${p}.rules`, detail: 'must have at most 20 items' } as never);
  rules.forEach((r: J, i: number) => {
    const rp = `${p}.rules[${i}]`;
    if (r?.action === 'FailIndex') {
      if (perIndex == null) errs.push(invalid(`${rp}.action`, 'FailIndex', 'requires the backoffLimitPerIndex to be set'));
    } else if (!['FailJob', 'Ignore', 'Count'].includes(r?.action))
      errs.push(notSupported(`${rp}.action`, r?.action ?? '', ['Count', 'FailIndex', 'FailJob', 'Ignore']));
    const onExit = r?.onExitCodes;
    const onConds = r?.onPodConditions;
    if (onExit != null && onConds != null) errs.push(invalid(rp, '', 'specifying both OnExitCodes and OnPodConditions is not supported'));
    else if (onExit == null && onConds == null) errs.push(invalid(rp, '', 'specifying one of OnExitCodes and OnPodConditions is required'));
    if (onExit != null) {
      if (!['In', 'NotIn'].includes(onExit.operator))
        errs.push(notSupported(`${rp}.onExitCodes.operator`, onExit.operator ?? '', ['In', 'NotIn']));
      const values = Array.isArray(onExit.values) ? onExit.values : [];
      if (!values.length) errs.push(required(`${rp}.onExitCodes.values`, 'at least one value is required'));
      values.forEach((v: unknown, j: number) => {
        if (onExit.operator === 'In' && v === 0)
          errs.push(invalid(`${rp}.onExitCodes.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (j > 0 && typeof v === 'number' && v <= values[j - 1])
          errs.push(invalid(`${rp}.onExitCodes.values[${j}]`, v, 'must be ordered'));
      });
    }
    if (onConds != null)
      (Array.isArray(onConds) ? onConds : []).forEach((c: J, j: number) => {
        if (!c?.type) errs.push(required(`${rp}.onPodConditions[${j}].type`));
        if (!['True', 'False', 'Unknown'].includes(c?.status))
          errs.push(notSupported(`${rp}.onPodConditions[${j}].status`, c?.status ?? '', ['False', 'True', 'Unknown']));
      });
  });
  return errs;
}

/** validateSuccessPolicy: Indexed Jobs only; each rule names indexes, a count, or both. */
function validateSuccessPolicy(spec: J, p: string): Errs {
  const policy = spec.successPolicy;
  if (policy == null) return [];
  if (spec.completionMode !== 'Indexed') return [invalid(p, '', 'requires indexed completion mode')];
  const rules = Array.isArray(policy.rules) ? policy.rules : [];
  const errs: Errs = [];
  if (!rules.length) errs.push(required(`${p}.rules`, 'at least one rule is required'));
  rules.forEach((r: J, i: number) => {
    const rp = `${p}.rules[${i}]`;
    if (r?.succeededIndexes == null && r?.succeededCount == null)
      errs.push(required(rp, 'at least one of succeededCount or succeededIndexes must be specified'));
    if (typeof r?.succeededIndexes === 'string' && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(r.succeededIndexes))
      errs.push(invalid(`${rp}.succeededIndexes`, r.succeededIndexes, 'error parsing succeededIndexes'));
    if (typeof r?.succeededCount === 'number' && r.succeededCount < 0)
      errs.push(invalid(`${rp}.succeededCount`, r.succeededCount, 'must be greater than or equal to 0'));
    else if (typeof r?.succeededCount === 'number' && typeof spec.completions === 'number' && r.succeededCount > spec.completions)
      errs.push(
        invalid(
          `${rp}.succeededCount`,
          r.succeededCount,
          `must be less than or equal to ${spec.completions} (the number of specified completions)`,
        ),
      );
  });
  return errs;
}

/** validateJobSpec: counts, completion mode, failure policy and the pod template (restartPolicy OnFailure or Never). */
export function validateJobSpec(spec: J, p: string, opts: { selectorRequired: boolean }): Errs {
  const errs: Errs = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    errs.push(...nonNegative(spec[f], `${p}.${f}`));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds === 0)
    errs.push(invalid(`${p}.activeDeadlineSeconds`, 0, 'must be greater than 0'));
  const mode = spec.completionMode;
  if (mode != null && mode !== 'NonIndexed' && mode !== 'Indexed')
    errs.push(notSupported(`${p}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (spec.completions == null) errs.push(required(`${p}.completions`, 'when completion mode is Indexed'));
    else if (spec.completions > 100_000)
      errs.push(invalid(`${p}.completions`, spec.completions, 'must be less than or equal to 100000 when completion mode is Indexed'));
  }
  const tpl: J = isObj(spec.template) ? spec.template : {};
  const labels = tpl.metadata?.labels;
  if (isObj(spec.selector)) {
    errs.push(...validateLabelSelector(spec.selector, `${p}.selector`));
    if (!selectorMatches(spec.selector, labels))
      errs.push(invalidGo(`${p}.template.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
  } else if (opts.selectorRequired) errs.push(required(`${p}.selector`));
  errs.push(...validateLabels(labels, `${p}.template.metadata.labels`));
  errs.push(...validateAnnotations(tpl.metadata?.annotations, `${p}.template.metadata.annotations`));
  errs.push(...validatePodSpec(tpl.spec, `${p}.template.spec`, { forPod: false }));
  const rp = tpl.spec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(`${p}.template.spec.restartPolicy`, rp ?? '', ['OnFailure', 'Never']));
  errs.push(...validateIndexFailureLimits(spec, p));
  if (spec.managedBy != null) {
    errs.push(...domainPrefixedPath(spec.managedBy, `${p}.managedBy`));
    if (String(spec.managedBy).length > 63) errs.push(tooLong(`${p}.managedBy`, 63));
  }
  errs.push(...validatePodFailurePolicy(spec.podFailurePolicy, rp, `${p}.podFailurePolicy`, spec.backoffLimitPerIndex));
  errs.push(...validatePodReplacementPolicy(spec, `${p}.podReplacementPolicy`));
  errs.push(...validateSuccessPolicy(spec, `${p}.successPolicy`));
  return errs;
}

/** validateGeneratedSelector: an auto-generated selector must name this job's uid in the selector and the template. */
function validateGeneratedSelector(job: J): Errs {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true || !isObj(spec.selector)) return [];
  const uid = job.metadata?.uid;
  const labels = spec.template?.metadata?.labels ?? {};
  const errs: Errs = [];
  if (labels[CONTROLLER_UID_LABEL] !== uid)
    errs.push(invalid('spec.template.metadata.labels', labels[CONTROLLER_UID_LABEL] ?? '', '`selector` not auto-generated'));
  if (spec.selector.matchLabels?.[CONTROLLER_UID_LABEL] !== uid)
    errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  return errs;
}

export function validateJob(job: J): Errs {
  const spec: J = isObj(job.spec) ? job.spec : {};
  return [
    ...validateObjectMeta(job.metadata, { namespaced: true }),
    ...validateJobSpec(spec, 'spec', { selectorRequired: true }),
    ...validateGeneratedSelector(job),
  ];
}

/** ValidateJobSpecUpdate: what stays fixed once the job exists. */
export function validateJobUpdate(job: J, old: J): Errs {
  const spec: J = job.spec ?? {};
  const prev: J = old.spec ?? {};
  const errs: Errs = [...validateObjectMetaUpdate(job.metadata, old.metadata)];
  if (!deepEqual(spec.selector, prev.selector)) errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  errs.push(...immutable(spec.completionMode, prev.completionMode, 'spec.completionMode'));
  errs.push(...immutable(spec.podFailurePolicy, prev.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...immutable(spec.manualSelector, prev.manualSelector, 'spec.manualSelector'));
  errs.push(...immutable(spec.managedBy, prev.managedBy, 'spec.managedBy'));
  // Elastic Indexed Jobs: completions may move together with parallelism.
  const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism;
  if (!elastic) errs.push(...immutable(spec.completions, prev.completions, 'spec.completions'));
  // The template may change only while the job is suspended and has never started (mutable scheduling directives).
  const mayChangeTemplate = prev.suspend === true && !old.status?.startTime;
  if (!mayChangeTemplate && !deepEqual(spec.template, prev.template)) errs.push(invalid('spec.template', '', 'field is immutable'));
  return errs;
}

export const jobStrategy: Strategy = {
  defaults: (obj) => defaultJobSpec(isObj(obj.spec) ? obj.spec : (obj.spec = {}), { jobFields: true }),
  prepareForCreate(obj) {
    obj.status = {};
    generateSelector(obj);
  },
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  },
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  generationFields: ['spec'],
};
