// HorizontalPodAutoscalers (autoscaling): NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE, TARGETS as kubectl's
// formatHPAMetrics (`cpu: 12%/50%`, `<unknown>` before the first measurement, two shown then `+ N more...`). The
// v1 table is the same printer over the v2 form the object is stored in.
import type { KObject, TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, num, rec, str } from './columns.js';
import { v1ToV2 } from '../autoscaling/convert-v1.js';

const MAX_SHOWN = 2;
const UNKNOWN = '<unknown>';

const quantity = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '0');
const percent = (v: unknown) => (typeof v === 'number' ? `${v}%` : undefined);

/** One metric's `current/target`, current from the status at the same index. */
function formatMetric(spec: Record<string, unknown>, status: Record<string, unknown> | undefined): string {
  const type = str(spec.type);
  const pick = (field: string) => rec(spec[field]);
  const cur = (field: string) => (status && status[field] ? rec(rec(status[field]).current) : undefined);
  switch (type) {
    case 'External':
    case 'Object': {
      const field = type === 'External' ? 'external' : 'object';
      const target = rec(pick(field).target);
      const c = cur(field);
      if (target.averageValue !== undefined)
        return `${c && c.averageValue !== undefined ? quantity(c.averageValue) : UNKNOWN}/${quantity(target.averageValue)} (avg)`;
      return `${c ? quantity(c.value) : UNKNOWN}/${quantity(target.value)}`;
    }
    case 'Pods': {
      const c = cur('pods');
      return `${c ? quantity(c.averageValue) : UNKNOWN}/${quantity(rec(pick('pods').target).averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const field = type === 'Resource' ? 'resource' : 'containerResource';
      const src = pick(field);
      const target = rec(src.target);
      const c = cur(field);
      if (target.averageValue !== undefined)
        return `${str(src.name)}: ${c ? quantity(c.averageValue) : UNKNOWN}/${quantity(target.averageValue)}`;
      return `${str(src.name)}: ${percent(c?.averageUtilization) ?? UNKNOWN}/${percent(target.averageUtilization) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

export function formatHPAMetrics(specs: unknown, statuses: unknown): string {
  const list = arr(specs);
  if (!list.length) return '<none>';
  const current = arr(statuses);
  const shown = list.map((m, i) => formatMetric(m, current[i]));
  if (shown.length > MAX_SHOWN) return `${shown.slice(0, MAX_SHOWN).join(', ')} + ${shown.length - MAX_SHOWN} more...`;
  return shown.join(', ');
}

function cells(hpa: KObject, now: Date): unknown[] {
  const ref = rec(get(hpa, 'spec', 'scaleTargetRef'));
  const min = get(hpa, 'spec', 'minReplicas');
  return [
    nameOf(hpa),
    `${str(ref.kind)}/${str(ref.name)}`,
    formatHPAMetrics(get(hpa, 'spec', 'metrics'), get(hpa, 'status', 'currentMetrics')),
    typeof min === 'number' ? String(min) : '<unset>',
    num(get(hpa, 'spec', 'maxReplicas')),
    num(get(hpa, 'status', 'currentReplicas')),
    ageOf(hpa, now),
  ];
}

const columns = [
  nameColumn(),
  column(
    'Reference',
    'string',
    'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
  ),
  column(
    'Targets',
    'string',
    'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).',
  ),
  column('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
  column('MaxPods', 'integer', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
  column(
    'Replicas',
    'integer',
    'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
  ),
  ageColumn(),
];

export const horizontalPodAutoscalersTable: TableDef = { columns, cells };
export const horizontalPodAutoscalersV1Table: TableDef = { columns, cells: (hpa, now) => cells(v1ToV2(hpa), now) };
