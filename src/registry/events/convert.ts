// events.k8s.io/v1 Event <-> core/v1 Event, as pkg/apis/events/v1's conversion does through the internal type:
// the two are one stored object (core/v1) seen under two sets of field names.
import type { KObject } from '../types.js';

/** core/v1 field name -> events.k8s.io/v1 field name, for the fields that are renamed. */
export const CORE_TO_EVENTS_V1: Readonly<Record<string, string>> = {
  involvedObject: 'regarding',
  message: 'note',
  source: 'deprecatedSource',
  firstTimestamp: 'deprecatedFirstTimestamp',
  lastTimestamp: 'deprecatedLastTimestamp',
  count: 'deprecatedCount',
  // core/v1 serves the internal ReportingController under its older JSON name.
  reportingComponent: 'reportingController',
};

const EVENTS_V1_TO_CORE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CORE_TO_EVENTS_V1).map(([core, v1]) => [v1, core]),
);

/**
 * Renames the fields of one view into the other. A field that only has a meaning in the target view
 * (e.g. `message` sent to events.k8s.io) is not a field of the source kind and is dropped, as decoding
 * into the source type would drop it; everything else (shared fields, metadata) is carried as is, so a
 * round trip gives back the same object.
 */
function rename(
  obj: KObject,
  map: Readonly<Record<string, string>>,
  foreign: Readonly<Record<string, string>>,
  apiVersion: string,
): KObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (Object.hasOwn(map, k)) out[map[k]] = v;
    else if (!Object.hasOwn(foreign, k)) out[k] = v;
  }
  return { apiVersion, kind: 'Event', ...out } as KObject;
}

/** A core/v1 Event as events.k8s.io/v1 serves it. */
export function coreToEventsV1(core: KObject): KObject {
  return rename(core, CORE_TO_EVENTS_V1, EVENTS_V1_TO_CORE, 'events.k8s.io/v1');
}

/** An events.k8s.io/v1 Event in its stored (core/v1) form. */
export function eventsV1ToCore(ev: KObject): KObject {
  return rename(ev, EVENTS_V1_TO_CORE, CORE_TO_EVENTS_V1, 'v1');
}
