// Printers of the cluster-wide bookkeeping kinds: FlowSchema, PriorityLevelConfiguration (printers.go), APIService
// (kube-aggregator's table convertor) and ComponentStatus.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, rec, str } from './columns.js';

export const flowSchemasTable: TableDef = {
  columns: [
    nameColumn(),
    column('PriorityLevel', 'string', '`name` is the name of the priority level configuration being referenced Required.'),
    column('MatchingPrecedence', 'string', '`matchingPrecedence` is used to choose among the FlowSchemas that match a given request.'),
    column(
      'DistinguisherMethod',
      'string',
      '`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema.',
    ),
    ageColumn(),
    column('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  cells: (fs, now) => {
    const dm = get(fs, 'spec', 'distinguisherMethod');
    const dangling = arr(get(fs, 'status', 'conditions')).find((c) => c.type === 'Dangling');
    return [
      nameOf(fs),
      str(get(fs, 'spec', 'priorityLevelConfiguration', 'name')),
      get(fs, 'spec', 'matchingPrecedence') ?? 0,
      dm && typeof dm === 'object' ? str(rec(dm).type) : '<none>',
      ageOf(fs, now),
      dangling ? str(dangling.status) : '?',
    ];
  },
};

export const priorityLevelConfigurationsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Type', 'string', '`type` indicates whether this priority level is subject to limitation on request execution.'),
    column(
      'NominalConcurrencyShares',
      'string',
      '`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level.',
    ),
    column('Queues', 'string', '`queues` is the number of queues for this priority level.'),
    column('HandSize', 'string', '`handSize` is a small positive number that configures the shuffle sharding of requests into queues.'),
    column(
      'QueueLengthLimit',
      'string',
      '`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time.',
    ),
    ageColumn(),
  ],
  cells: (pl, now) => {
    const limited = get(pl, 'spec', 'limited');
    let cells: unknown[] = ['<none>', '<none>', '<none>', '<none>'];
    if (limited && typeof limited === 'object') {
      const q = get(limited, 'limitResponse', 'queuing');
      cells = [get(limited, 'nominalConcurrencyShares') ?? 0, '<none>', '<none>', '<none>'];
      if (q && typeof q === 'object') cells = [cells[0], get(q, 'queues') ?? 0, get(q, 'handSize') ?? 0, get(q, 'queueLengthLimit') ?? 0];
    }
    return [nameOf(pl), str(get(pl, 'spec', 'type')), ...cells, ageOf(pl, now)];
  },
};

export const apiServicesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
    ageColumn(),
  ],
  cells: (as, now) => {
    const svc = get(as, 'spec', 'service');
    const service = svc && typeof svc === 'object' ? `${str(rec(svc).namespace)}/${str(rec(svc).name)}` : 'Local';
    const cond = arr(get(as, 'status', 'conditions')).find((c) => c.type === 'Available');
    let available = 'Unknown';
    if (cond) available = cond.status === 'True' ? 'True' : `${str(cond.status)} (${str(cond.reason)})`;
    return [nameOf(as), service, available, ageOf(as, now)];
  },
};

export const componentStatusesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  cells: (cs) => {
    const c = arr(cs.conditions).find((x) => x.type === 'Healthy');
    if (!c) return [nameOf(cs), 'Unknown', '', ''];
    return [nameOf(cs), c.status === 'True' ? 'Healthy' : 'Unhealthy', str(c.message), str(c.error)];
  },
};
