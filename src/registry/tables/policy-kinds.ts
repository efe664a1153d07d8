// Tables of the policy kinds, as kube-apiserver's printers: resourcequotas (NAME AGE REQUEST LIMIT), priorityclasses
// (NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY), runtimeclasses (NAME HANDLER AGE), podtemplates (NAME CONTAINERS
// IMAGES POD LABELS). LimitRanges have no printer upstream: the default NAME / CREATED AT.
import type { KObject, TableDef } from '../types.js';
import { compareStrings } from '../../machinery/compare.js';
import { formatQuantity, parseQuantity } from '../../machinery/api/quantity.js';
import { ageColumn, ageOf, column, containerCells, get, nameColumn, nameOf, rec, str } from './columns.js';

const quantity = (v: unknown) => formatQuantity(parseQuantity(String(v ?? '0')) ?? { nanos: 0n, format: 'DecimalSI' });

/** printResourceQuota: `name: used/hard` per hard resource, the limits.* ones in LIMIT, the rest in REQUEST. */
function quotaCells(rq: KObject): [string, string] {
  const hard = rec(get(rq, 'spec', 'hard'));
  const statusHard = rec(get(rq, 'status', 'hard'));
  const used = rec(get(rq, 'status', 'used'));
  const request: string[] = [];
  const limit: string[] = [];
  for (const r of Object.keys(hard).sort(compareStrings)) {
    const pieces = r.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(`${r}: ${quantity(used[r])}/${quantity(statusHard[r])}`);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourceQuotasTable: TableDef = {
  columns: [
    nameColumn(),
    ageColumn(),
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  cells: (rq, now) => [nameOf(rq), ageOf(rq, now), ...quotaCells(rq)],
};

export const priorityClassesTable: TableDef = {
  columns: [
    nameColumn(),
    column(
      'Value',
      'integer',
      'The value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.',
    ),
    column(
      'Global-Default',
      'boolean',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
    ),
    ageColumn(),
    column('PreemptionPolicy', 'string', 'PreemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells: (pc, now) => [
    nameOf(pc),
    Number(get(pc, 'value') ?? 0),
    get(pc, 'globalDefault') === true,
    ageOf(pc, now),
    str(get(pc, 'preemptionPolicy')),
  ],
};

export const runtimeClassesTable: TableDef = {
  columns: [
    nameColumn(),
    column(
      'Handler',
      'string',
      'Handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.',
    ),
    ageColumn(),
  ],
  cells: (rc, now) => [nameOf(rc), str(get(rc, 'handler')), ageOf(rc, now)],
};

const labelsString = (labels: Record<string, unknown>) =>
  Object.keys(labels)
    .sort(compareStrings)
    .map((k) => `${k}=${String(labels[k])}`)
    .join(',') || '<none>';

export const podTemplatesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells: (pt) => [
    nameOf(pt),
    ...containerCells(get(pt, 'template', 'spec', 'containers')),
    labelsString(rec(get(pt, 'template', 'metadata', 'labels'))),
  ],
};
