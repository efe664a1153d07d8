// The two kinds one controller serves (upstream's replication controller wraps the ReplicaSet controller): they
// differ only in their resource, their events' component and how the selector is spelled.
import type { KObject } from '../../machinery/api/meta.js';
import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import type { Gvr } from '../../client/types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ReplicaKind {
  /** The controller's name (workqueue metrics, logs). */
  name: string;
  /** The events' source component, as kube-controller-manager names it. */
  component: string;
  gvr: Gvr;
  apiVersion: string;
  kind: string;
  /** The pods the owner selects; throws a 400 StatusError for an invalid selector. */
  selectorOf(owner: KObject): LabelSelector;
}

export const REPLICA_SET: ReplicaKind = {
  name: 'replicaset',
  component: 'replicaset-controller',
  gvr: { group: 'apps', version: 'v1', resource: 'replicasets' },
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selectorOf: (rs) => labelSelectorFromObject((rs as J).spec?.selector as LabelSelectorObject | undefined),
};

export const REPLICATION_CONTROLLER: ReplicaKind = {
  name: 'replicationcontroller',
  component: 'replication-controller',
  gvr: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  apiVersion: 'v1',
  kind: 'ReplicationController',
  // A plain label map: labels.SelectorFromSet (validation keeps it non-empty).
  selectorOf: (rc) => labelSelectorFromObject({ matchLabels: ((rc as J).spec?.selector ?? {}) as Record<string, string> }),
};
