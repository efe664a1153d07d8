// core/v1 Event and events.k8s.io/v1 Event: light validation of who reported what about which object.
import type { Strategy } from '../types.js';
import { invalid, isObj, required, tooLong, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isQualifiedName, nameIsPathSegment } from './common/names.js';

const EVENT_TYPES = ['Normal', 'Warning'];
const NOTE_MAX = 1024;
const FIELD_MAX = 128;

const namespaceMismatch = (objNs: unknown, evNs: unknown) =>
  objNs ? objNs !== evNs : evNs !== '' && evNs !== undefined && evNs !== 'default';

/** Newer style fields, checked when an event sets reportingController (or arrives as events.k8s.io). */
function validateNewStyle(ev: J, f: { controller: string; instance: string; action: string; reason: string; note: string; eventTime: string; type: string }, note: unknown): Errs {
  const errs: Errs = [];
  if (!ev.eventTime) errs.push(required(f.eventTime));
  if (!EVENT_TYPES.includes(ev.type)) errs.push(invalid(f.type, '', `has invalid value: ${ev.type ?? ''}`));
  const rc = ev.reportingController ?? ev.reportingComponent;
  if (!rc) errs.push(required(f.controller));
  else errs.push(...isQualifiedName(String(rc)).map((m) => invalid(f.controller, rc, m)));
  if (String(rc ?? '').length > FIELD_MAX) errs.push(invalid(f.controller, '', `can have at most ${FIELD_MAX} characters`));
  const ri = ev.reportingInstance;
  if (!ri) errs.push(required(f.instance));
  else if (String(ri).length > FIELD_MAX) errs.push(invalid(f.instance, '', `can have at most ${FIELD_MAX} characters`));
  if (!ev.action) errs.push(required(f.action));
  else if (String(ev.action).length > FIELD_MAX) errs.push(invalid(f.action, '', `can have at most ${FIELD_MAX} characters`));
  if (!ev.reason) errs.push(required(f.reason));
  else if (String(ev.reason).length > FIELD_MAX) errs.push(invalid(f.reason, '', `can have at most ${FIELD_MAX} characters`));
  if (String(note ?? '').length > NOTE_MAX) errs.push(invalid(f.note, '', `can have at most ${NOTE_MAX} characters`));
  return errs;
}

export function validateCoreEvent(ev: J): Errs {
  const errs: Errs = validateObjectMeta(ev.metadata, { namespaced: true, nameFn: nameIsPathSegment });
  const io: J = isObj(ev.involvedObject) ? ev.involvedObject : {};
  if (namespaceMismatch(io.namespace, ev.metadata?.namespace)) errs.push(invalid('involvedObject.namespace', io.namespace ?? '', 'does not match event.namespace'));
  if (ev.reportingController || ev.reportingComponent) {
    errs.push(...validateNewStyle(ev, { controller: 'reportingController', instance: 'reportingInstance', action: 'action', reason: 'reason', note: 'message', eventTime: 'eventTime', type: 'type' }, ev.message));
  } else if (String(ev.message ?? '').length > NOTE_MAX * 4) {
    errs.push(tooLong('message', NOTE_MAX * 4));
  }
  return errs;
}

export function validateEventsV1(ev: J): Errs {
  const errs: Errs = validateObjectMeta(ev.metadata, { namespaced: true, nameFn: nameIsPathSegment });
  const reg: J = isObj(ev.regarding) ? ev.regarding : {};
  if (namespaceMismatch(reg.namespace, ev.metadata?.namespace)) errs.push(invalid('regarding.namespace', reg.namespace ?? '', 'does not match event.namespace'));
  errs.push(...validateNewStyle(ev, { controller: 'reportingController', instance: 'reportingInstance', action: 'action', reason: 'reason', note: 'note', eventTime: 'eventTime', type: 'type' }, ev.note));
  return errs;
}

/** Events may be updated freely except for their identity and the object they are about. */
const validateEventUpdate = (objField: string) => (obj: J, old: J): Errs => {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (JSON.stringify(obj[objField]) !== JSON.stringify(old[objField]) && obj.reportingController) {
    errs.push(invalid(objField, obj[objField], 'field is immutable'));
  }
  return errs;
};

export const eventStrategy: Strategy = {
  validate: validateCoreEvent,
  validateUpdate: validateEventUpdate('involvedObject'),
  generationFields: [],
};

export const eventsV1EventStrategy: Strategy = {
  validate: validateEventsV1,
  validateUpdate: validateEventUpdate('regarding'),
  generationFields: [],
};
