// Event validation as Kubernetes' pkg/apis/core/validation/events.go does it, on the stored (core/v1) form:
// every event passes the legacy checks; writes through events.k8s.io/v1 also pass the strict ones.
// Field paths are the internal type's (reportingController, involvedObject...), as Kubernetes reports them.
import type { FieldError } from '../../machinery/api/errors.js';
import { invalid, isObj, required, type J } from '../strategies/common/field.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from '../strategies/common/meta.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain, nameIsPathSegment } from '../strategies/common/names.js';
import { deepEqual } from '../../machinery/api/equality.js';

const REPORTING_INSTANCE_MAX = 128;
const ACTION_MAX = 128;
const REASON_MAX = 128;
const NOTE_MAX = 1024;

/** Which API the write came through: core/v1 keeps the lenient rules for old clients. */
export type EventApi = 'core' | 'events.k8s.io';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const isTimeSet = (v: unknown) => v !== undefined && v !== null && v !== '';
const tooMany = (field: string, max: number) => invalid(field, '', `can have at most ${max} characters`);

/** legacyValidateEvent: old-style events (no eventTime) only need matching namespaces. */
function legacyValidate(ev: J): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(ev.metadata?.namespace);
  const io: J = isObj(ev.involvedObject) ? ev.involvedObject : {};
  const ioNs = str(io.namespace);
  if (!isTimeSet(ev.eventTime)) {
    const mismatch = ioNs ? ns !== ioNs : ns !== '' && ns !== 'default';
    if (mismatch) errs.push(invalid('involvedObject.namespace', ioNs, 'does not match event.namespace'));
  } else {
    if (!ioNs && ns !== 'default' && ns !== 'kube-system')
      errs.push(invalid('involvedObject.namespace', ioNs, 'does not match event.namespace'));
    const rc = str(ev.reportingComponent);
    if (!rc) errs.push(required('reportingController'));
    errs.push(...isQualifiedName(rc).map((m) => invalid('reportingController', rc, m)));
    const ri = str(ev.reportingInstance);
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > REPORTING_INSTANCE_MAX) errs.push(tooMany('reportingInstance', REPORTING_INSTANCE_MAX));
    const action = str(ev.action);
    if (!action) errs.push(required('action'));
    if (action.length > ACTION_MAX) errs.push(tooMany('action', ACTION_MAX));
    const reason = str(ev.reason);
    if (!reason) errs.push(required('reason'));
    if (reason.length > REASON_MAX) errs.push(tooMany('reason', REASON_MAX));
    if (str(ev.message).length > NOTE_MAX) errs.push(tooMany('message', NOTE_MAX));
  }
  if (ns) errs.push(...isDNS1123Subdomain(ns).map((m) => invalid('namespace', ns, m)));
  return errs;
}

function validateSeries(ev: J): FieldError[] {
  if (!isObj(ev.series)) return [];
  const errs: FieldError[] = [];
  if (!(typeof ev.series.count === 'number' && ev.series.count >= 2)) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!isTimeSet(ev.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** ValidateEventCreate, given the event in core/v1 form. */
export function validateEventCreate(ev: J, api: EventApi): FieldError[] {
  // The generic ObjectMeta check every create gets (names are path segments).
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, nameFn: nameIsPathSegment });
  errs.push(...legacyValidate(ev));
  if (api === 'core') return errs;
  errs.push(
    ...validateObjectMeta(ev.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }).filter(
      (e) => !errs.some((x) => x.field === e.field && x.type === e.type),
    ),
  );
  errs.push(...validateSeries(ev));
  if (!isTimeSet(ev.eventTime)) errs.push(required('eventTime'));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${str(ev.type)}`));
  if (isTimeSet(ev.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (isTimeSet(ev.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof ev.count === 'number' && ev.count !== 0) errs.push(invalid('count', '', 'needs to be unset'));
  if (str(ev.source?.component) || str(ev.source?.host)) errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

/** The fields an events.k8s.io/v1 update may not change (core names), with their zero values. */
const IMMUTABLE: [string, unknown][] = [
  ['involvedObject', {}],
  ['reason', ''],
  ['message', ''],
  ['source', {}],
  ['firstTimestamp', null],
  ['lastTimestamp', null],
  ['count', 0],
  ['type', ''],
  ['eventTime', null],
  ['action', ''],
  ['related', null],
  ['reportingComponent', ''],
  ['reportingInstance', ''],
];

/** ValidateEventUpdate, given both events in core/v1 form. */
export function validateEventUpdate(ev: J, old: J, api: EventApi): FieldError[] {
  const errs = validateObjectMetaUpdate(ev.metadata, old.metadata);
  errs.push(...legacyValidate(ev));
  if (api === 'core') return errs;
  if (!deepEqual(ev.series, old.series)) errs.push(...validateSeries(ev));
  for (const [f, zero] of IMMUTABLE) {
    // Absent and zero are the same value in Go's typed object.
    const n = ev[f] ?? zero;
    const o = old[f] ?? zero;
    const path = f === 'reportingComponent' ? 'reportingController' : f;
    errs.push(...immutable(n, o, path));
  }
  return errs;
}
