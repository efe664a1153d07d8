// ReplicationControllers (core): the ReplicaSet table over a plain label-map selector.
import { formatLabels } from '../../machinery/labels.js';
import { replicatedPodsTable } from './replicasets.js';

export const replicationControllersTable = replicatedPodsTable('replication controller', (s) =>
  formatLabels(s as Record<string, string> | undefined),
);
