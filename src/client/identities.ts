// The named identities control-plane components act as (the users Kubernetes gives them), so that authorization,
// and later RBAC, sees who writes. Groups include system:authenticated, as an authenticated request's do.
import type { UserInfo } from '../machinery/api/user.js';

const AUTHENTICATED = 'system:authenticated';

export const KUBE_SCHEDULER: UserInfo = { name: 'system:kube-scheduler', groups: [AUTHENTICATED] };
export const KUBE_CONTROLLER_MANAGER: UserInfo = { name: 'system:kube-controller-manager', groups: [AUTHENTICATED] };
/** A kubelet: `system:node:<nodeName>` in `system:nodes`, as the Node authorizer expects. */
export const nodeIdentity = (nodeName: string): UserInfo => ({ name: `system:node:${nodeName}`, groups: ['system:nodes', AUTHENTICATED] });

/**
 * One kube-controller-manager controller as kube-controller-manager runs it with --use-service-account-credentials:
 * the service account `kube-system/<name>` (replicaset-controller, job-controller, ...), which bootstrap RBAC binds
 * to the ClusterRole `system:controller:<name>`.
 */
export const controllerIdentity = (name: string): UserInfo => ({
  name: `system:serviceaccount:kube-system:${name}`,
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', AUTHENTICATED],
});

/** The service proxy (kube-proxy's user), bound by bootstrap RBAC to system:node-proxier. */
export const KUBE_PROXY: UserInfo = { name: 'system:kube-proxy', groups: [AUTHENTICATED] };

/**
 * dockube's own add-ons, each a kube-system service account with a small role of its own
 * (src/authorization/bootstrap/dockube-policy.ts): the cluster DNS as CoreDNS runs, the node's volume provisioner,
 * and the event TTL sweeper.
 */
export const CLUSTER_DNS = controllerIdentity('coredns');
export const VOLUME_PROVISIONER = controllerIdentity('dockube-volume-provisioner');
export const EVENT_TTL = controllerIdentity('event-ttl-controller');
