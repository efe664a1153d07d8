// What a DELETE does to an object, decided without touching storage (the apiserver's rest.BeforeDelete plus the
// generic store's finalizer handling): remove it now, mark it (deletionTimestamp, finalizers) and keep it, or
// leave a deletion already in progress alone. The garbage collector finishes what the finalizers announce.
import { conflict, invalid, type FieldError } from '../machinery/api/errors.js';
import { nowTimestamp } from './object-meta.js';
import { clone } from '../machinery/api/equality.js';
import type { GarbageCollectionPolicy, KObject, ObjectMeta, ResourceDef } from './types.js';

/** metav1.FinalizerOrphanDependents / FinalizerDeleteDependents. */
export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeletionRequest {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy | string;
  /** Legacy DeleteOptions.orphanDependents: true = Orphan, false = delete dependents. */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type DeletionPlan =
  /** Remove from storage now; `object` is the state to answer with. */
  | { action: 'remove'; object: KObject }
  /** Store `object` (deletionTimestamp set, finalizers updated); something else completes the deletion. */
  | { action: 'mark'; object: KObject }
  /** A graceful deletion is already under way and the request does not shorten it: nothing changes. */
  | { action: 'pending'; object: KObject };

/** ValidateDeleteOptions: 422 on DeleteOptions.meta.k8s.io, as the apiserver answers. */
export function validateDeleteOptions(opts: DeletionRequest & { dryRun?: string[] }): void {
  const errs: FieldError[] = [];
  if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'propagationPolicy',
      value: opts.propagationPolicy,
      detail: 'orphanDependents and deletionPropagation cannot be both set',
    });
  }
  if (opts.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(opts.propagationPolicy)) {
    errs.push({
      type: 'FieldValueNotSupported',
      field: 'propagationPolicy',
      value: opts.propagationPolicy,
      supported: ['Foreground', 'Background', 'Orphan', 'nil'],
    });
  }
  // ValidateDryRun: only "All"; the list is printed with Go's %#v.
  const dryRun = opts.dryRun ?? [];
  if (dryRun.some((v) => v !== 'All')) {
    errs.push({
      type: 'FieldValueNotSupported',
      field: 'dryRun',
      detail: `[]string{${dryRun.map((v) => JSON.stringify(v)).join(', ')}}`,
      supported: ['All'],
    });
  }
  if (errs.length) throw invalid('DeleteOptions', 'meta.k8s.io', '', errs);
}

export const defaultGarbageCollectionPolicy = (def: ResourceDef): GarbageCollectionPolicy =>
  def.garbageCollectionPolicy ?? 'DeleteDependents';

/**
 * The finalizer list a DELETE leaves: orphan / foregroundDeletion follow the request's policy, else what the object
 * already carries, else the kind's default (shouldOrphanDependents / shouldDeleteDependents).
 */
export function finalizersForPolicy(def: ResourceDef, finalizers: string[], opts: DeletionRequest): string[] {
  const policy = defaultGarbageCollectionPolicy(def);
  if (policy === 'Unsupported') return finalizers;
  let orphan: boolean, foreground: boolean;
  if (opts.orphanDependents !== undefined) {
    orphan = opts.orphanDependents;
    foreground = false;
  } else if (opts.propagationPolicy) {
    orphan = opts.propagationPolicy === 'Orphan';
    foreground = opts.propagationPolicy === 'Foreground';
  } else {
    const first = finalizers.find((f) => f === FINALIZER_ORPHAN || f === FINALIZER_FOREGROUND);
    orphan = first ? first === FINALIZER_ORPHAN : policy === 'OrphanDependents';
    foreground = first === FINALIZER_FOREGROUND;
  }
  const next = finalizers.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan) next.push(FINALIZER_ORPHAN);
  if (foreground) next.push(FINALIZER_FOREGROUND);
  // Same set: keep the stored order, so a repeated DELETE writes nothing.
  const same = next.length === finalizers.length && next.every((f) => finalizers.includes(f));
  return same ? finalizers : next;
}

/** rest.BeforeDelete's precondition check (it answers before storage does, with its own wording). */
export function checkPreconditions(def: ResourceDef, current: KObject, opts: DeletionRequest): void {
  const pre = opts.preconditions;
  const gr = { group: def.group, resource: def.kind };
  const { name = '', uid, resourceVersion } = current.metadata;
  if (pre?.uid && pre.uid !== uid) {
    throw conflict(
      gr,
      name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== resourceVersion) {
    throw conflict(
      gr,
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${resourceVersion}). The object might have been modified`,
    );
  }
}

/** metav1.Time's range: RFC 3339 years 0001 to 9999 (a grace period of any int64 lands inside it). */
const MIN_TIME_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIME_MS = Date.parse('9999-12-31T23:59:59Z');

const addSeconds = (ts: string | undefined, seconds: number, base: Date) =>
  nowTimestamp(new Date(Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, (ts ? Date.parse(ts) : base.getTime()) + seconds * 1000))));

/** Decides what DELETE does to `current` (never mutates it). Throws for invalid options and failed preconditions. */
export function planDeletion(def: ResourceDef, current: KObject, opts: DeletionRequest, now = new Date()): DeletionPlan {
  validateDeleteOptions(opts);
  checkPreconditions(def, current, opts);
  const obj = clone(current);
  const meta = obj.metadata;
  // Negative grace periods count as 1s on the delete path.
  let requested = opts.gracePeriodSeconds;
  if (requested !== undefined && requested < 0) requested = 1;
  if (meta.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds < 0) meta.deletionGracePeriodSeconds = 1;

  let graceful = false;
  let grace = 0;
  if (def.gracefulDeletion) {
    if (meta.deletionTimestamp) {
      const current = meta.deletionGracePeriodSeconds;
      if (current) {
        // Already terminating: a request may only shorten the grace period.
        if (requested === undefined || requested >= current) return { action: 'pending', object: obj };
        meta.deletionTimestamp = addSeconds(meta.deletionTimestamp, requested - current, now);
        meta.deletionGracePeriodSeconds = requested;
        graceful = true;
        grace = requested;
      }
    } else {
      const period = def.gracefulDeletion(obj, requested);
      if (period !== undefined) {
        meta.deletionTimestamp = addSeconds(undefined, period, now);
        meta.deletionGracePeriodSeconds = period;
        if ((meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
        graceful = true;
        grace = period;
      }
    }
  }

  meta.finalizers = finalizersForPolicy(def, meta.finalizers ?? [], opts);
  if (!meta.finalizers.length && !current.metadata.finalizers) delete meta.finalizers;
  // A kind whose deletion a controller completes (namespaces) is marked like an object with finalizers.
  const controlled = def.beginDeletion?.(obj, nowTimestamp(now)) ?? false;
  const pendingFinalizers = (meta.finalizers?.length ?? 0) > 0 || controlled;
  if (!graceful) {
    if (!pendingFinalizers) return { action: 'remove', object: current };
    markAsDeleting(meta, now);
    return { action: 'mark', object: obj };
  }
  if (pendingFinalizers || grace > 0) return { action: 'mark', object: obj };
  return { action: 'remove', object: obj };
}

/** markAsDeleting: deletionTimestamp now (or earlier if already set), grace 0, generation bumped once. */
function markAsDeleting(meta: ObjectMeta, now: Date): void {
  if (!meta.deletionTimestamp && (meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
  if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > now.getTime()) meta.deletionTimestamp = nowTimestamp(now);
  meta.deletionGracePeriodSeconds = 0;
}

/**
 * An update that empties the finalizers of an object marked for deletion with grace 0 removes it
 * (the generic store's shouldDeleteDuringUpdate).
 */
export function completesDeletion(next: KObject, current: KObject): boolean {
  return !next.metadata.finalizers?.length && current.metadata.deletionGracePeriodSeconds === 0 && !!current.metadata.deletionTimestamp;
}

/** Finalizer rules of ObjectMeta validation that need the old object or span the list. */
export function validateFinalizerUpdate(next: KObject, current: KObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const fins = next.metadata.finalizers ?? [];
  if (fins.includes(FINALIZER_ORPHAN) && fins.includes(FINALIZER_FOREGROUND)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'metadata.finalizers',
      value: fins,
      detail: `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`,
    });
  }
  if (current?.metadata.deletionTimestamp) {
    const old = new Set(current.metadata.finalizers ?? []);
    const extra = [...new Set(fins.filter((f) => !old.has(f)))].sort();
    if (extra.length) {
      errs.push({
        type: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`,
      });
    }
  }
  return errs;
}
