// Events: core/v1 and events.k8s.io/v1 are one stored object (core/v1) served under two sets of field names.
import { stringAt } from '../field-path.js';
import type { KObject, ResourceDef, Strategy } from '../types.js';
import { TABLES } from '../tables/index.js';
import { coreToEventsV1, eventsV1ToCore } from '../events/convert.js';
import { validateEventCreate, validateEventUpdate } from '../events/validation.js';

const REF_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

/** `source` selects on source.component, falling back to the reporting controller (ToSelectableFields). */
const sourceOf = (core: KObject) => stringAt(core, 'source.component') || stringAt(core, 'reportingComponent');

/** pkg/registry/core/event ToSelectableFields, over the core/v1 form. */
const coreFieldSelectors: Record<string, (o: KObject) => string> = {
  ...Object.fromEntries(REF_FIELDS.map((f) => [`involvedObject.${f}`, (o: KObject) => stringAt(o, `involvedObject.${f}`)])),
  reason: (o) => stringAt(o, 'reason'),
  reportingComponent: (o) => stringAt(o, 'reportingComponent'),
  source: sourceOf,
  type: (o) => stringAt(o, 'type'),
};

/** events.k8s.io/v1's field label conversion maps these onto the core fields above; here they read the v1 form. */
const eventsV1FieldSelectors: Record<string, (o: KObject) => string> = {
  ...Object.fromEntries(REF_FIELDS.map((f) => [`regarding.${f}`, (o: KObject) => stringAt(o, `regarding.${f}`)])),
  reason: (o) => stringAt(o, 'reason'),
  reportingController: (o) => stringAt(o, 'reportingController'),
  source: (o) => stringAt(o, 'deprecatedSource.component') || stringAt(o, 'reportingController'),
  type: (o) => stringAt(o, 'type'),
};

const coreEventStrategy: Strategy = {
  validate: (obj) => validateEventCreate(obj, 'core'),
  validateUpdate: (obj, old) => validateEventUpdate(obj, old, 'core'),
};

// Validation runs on the core form, as Kubernetes validates the internal type.
const eventsV1Strategy: Strategy = {
  validate: (obj) => validateEventCreate(eventsV1ToCore(obj), 'events.k8s.io'),
  validateUpdate: (obj, old) => validateEventUpdate(eventsV1ToCore(obj), eventsV1ToCore(old), 'events.k8s.io'),
};

export const events: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  strategy: coreEventStrategy,
  table: TABLES['events'],
  garbageCollectionPolicy: 'Unsupported', // deleting an event ignores propagation policies, as upstream
  fieldSelectors: coreFieldSelectors,
};

export const eventsV1: ResourceDef = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  strategy: eventsV1Strategy,
  table: TABLES['events.k8s.io/events'],
  garbageCollectionPolicy: 'Unsupported',
  fieldSelectors: eventsV1FieldSelectors,
  storage: { group: '', plural: 'events', toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 },
};
