// Events, core/v1 and events.k8s.io/v1 (both are the same stored object in Kubernetes and share one printer):
// LAST SEEN TYPE REASON OBJECT MESSAGE; wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME.
import type { KObject, TableDef } from '../types.js';
import { translateTimestampSince } from '../../machinery/duration.js';
import { column, nameOf, NAME_DESCRIPTION, num, rec, str } from './columns.js';

/** The fields the printer reads, in core/v1 terms. */
interface CoreEventView {
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject: Record<string, unknown>;
  source: Record<string, unknown>;
  reportingComponent: string;
  reportingInstance: string;
  type: string;
  reason: string;
  message: string;
}

const fromCore = (e: KObject): CoreEventView => ({
  firstTimestamp: str(e.firstTimestamp),
  lastTimestamp: str(e.lastTimestamp),
  eventTime: str(e.eventTime),
  count: num(e.count),
  series: e.series ? (rec(e.series) as CoreEventView['series']) : undefined,
  involvedObject: rec(e.involvedObject),
  source: rec(e.source),
  reportingComponent: str(e.reportingComponent),
  reportingInstance: str(e.reportingInstance),
  type: str(e.type),
  reason: str(e.reason),
  message: str(e.message),
});

/** events.k8s.io/v1 renames: regarding, note, deprecated* fields, reportingController. */
const fromEventsV1 = (e: KObject): CoreEventView => ({
  firstTimestamp: str(e.deprecatedFirstTimestamp),
  lastTimestamp: str(e.deprecatedLastTimestamp),
  eventTime: str(e.eventTime),
  count: num(e.deprecatedCount),
  series: e.series ? (rec(e.series) as CoreEventView['series']) : undefined,
  involvedObject: rec(e.regarding),
  source: rec(e.deprecatedSource),
  reportingComponent: str(e.reportingController),
  reportingInstance: str(e.reportingInstance),
  type: str(e.type),
  reason: str(e.reason),
  message: str(e.note),
});

/** `component, host`, falling back to the reporting controller and instance. */
function formatSource(ev: CoreEventView): string {
  const component = str(ev.source.component) || ev.reportingComponent;
  const instance = str(ev.source.host) || ev.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(ev: CoreEventView, name: string, now: Date): unknown[] {
  const first = ev.firstTimestamp ? translateTimestampSince(ev.firstTimestamp, now) : translateTimestampSince(ev.eventTime, now);
  let last = ev.lastTimestamp ? translateTimestampSince(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = translateTimestampSince(ev.series.lastObservedTime, now);
    count = num(ev.series.count);
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const kind = str(ev.involvedObject.kind).toLowerCase();
  const objName = str(ev.involvedObject.name);
  const target = objName ? `${kind}/${objName}` : kind;
  return [last, ev.type, ev.reason, target, str(ev.involvedObject.fieldPath), formatSource(ev), ev.message.trim(), first, count, name];
}

const columns = [
  column('Last Seen', 'string', 'When the event was last observed.'),
  column('Type', 'string', 'The type of the event (Normal or Warning).'),
  column('Reason', 'string', 'Why the event happened, short and machine-readable.'),
  column('Object', 'string', 'The object the event is about.'),
  column('Subobject', 'string', 'The part of the object the event is about (fieldPath).', 1),
  column('Source', 'string', 'The component that reported the event.', 1),
  column('Message', 'string', 'A human-readable description of the event.'),
  column('First Seen', 'string', 'When the event was first observed.', 1),
  column('Count', 'string', 'How many times the event occurred.', 1),
  { name: 'Name', type: 'string' as const, format: 'name', description: NAME_DESCRIPTION, priority: 1 },
];

export const eventsTable: TableDef = {
  columns,
  cells: (e, now) => eventCells(fromCore(e), nameOf(e), now),
};

export const eventsV1Table: TableDef = {
  columns,
  cells: (e, now) => eventCells(fromEventsV1(e), nameOf(e), now),
};
