// What dockube adds to Kubernetes' bootstrap policy, for the parts of a cluster it runs itself: each gets a role
// of its own with only what it does, named system:dockube:* (or, for CoreDNS, the ClusterRole kubeadm installs).
import type { BindingObject, RoleObject } from '../rbac/types.js';
import { clusterBinding, clusterRole, eventsRule, group, role, roleBinding, rule, serviceAccount } from './objects.js';

/** Service accounts in kube-system dockube's own components act as. */
export const DOCKUBE_ACCOUNTS = {
  /** The cluster DNS server, as kubeadm's CoreDNS addon runs it. */
  coredns: 'coredns',
  /** The node's Docker-volume provisioner (k3s's local-path-provisioner has a service account of its own too). */
  volumeProvisioner: 'dockube-volume-provisioner',
  /** Event expiry: the apiserver's storage does it with etcd leases upstream; here a small sweeper does. */
  eventTtl: 'event-ttl-controller',
};
/** The kubeconfig's read-only user's group, bound to `view` across the cluster. */
export const VIEWERS_GROUP = 'dockube:viewers';

const READ = 'get list watch';
const sa = (name: string) => serviceAccount('kube-system', name);

export function dockubeClusterRoles(): RoleObject[] {
  return [
    // kubeadm's CoreDNS role: what the kubernetes plugin watches.
    clusterRole('system:coredns', [
      rule('list watch', [''], 'endpoints services pods namespaces'),
      rule('list watch', ['discovery.k8s.io'], 'endpointslices'),
      rule('get', [''], 'nodes'),
    ]),
    // Reads the claims to provision for and the class's parameters, creates their PersistentVolumes and deletes them
    // once reclaimed (finalizer removed first), and reports on the claim: external-provisioner's role.
    clusterRole('system:dockube:volume-provisioner', [
      rule('get list watch update', [''], 'persistentvolumeclaims'),
      rule('create delete get list watch update patch', [''], 'persistentvolumes'),
      rule(READ, ['storage.k8s.io'], 'storageclasses'),
      eventsRule(),
    ]),
    // Deletes each event once its TTL is past (the one thing etcd's leases do for kube-apiserver).
    clusterRole('system:dockube:event-ttl', [rule('list watch delete', [''], 'events')]),
  ];
}

export function dockubeClusterRoleBindings(): BindingObject[] {
  return [
    clusterBinding('system:coredns', [sa(DOCKUBE_ACCOUNTS.coredns)]),
    clusterBinding('system:dockube:volume-provisioner', [sa(DOCKUBE_ACCOUNTS.volumeProvisioner)]),
    clusterBinding('system:dockube:event-ttl', [sa(DOCKUBE_ACCOUNTS.eventTtl)]),
    // The read-only kubeconfig user reads what `view` allows everywhere: no secrets, as on Kubernetes.
    clusterBinding('view', [group(VIEWERS_GROUP)], 'dockube:viewers'),
  ];
}

/**
 * The cluster DNS also keeps the kube-dns Service, Endpoints and EndpointSlice in kube-system (the addon manager's
 * job on a kubeadm cluster): created by anyone who may create there, and only those objects otherwise.
 */
export function dockubeRoles(): RoleObject[] {
  return [
    role('kube-system', 'system:dockube:kube-dns-publisher', [
      rule('create', [''], 'services endpoints'),
      rule('create', ['discovery.k8s.io'], 'endpointslices'),
      rule('get patch update delete', [''], 'services', ['kube-dns']),
      rule('get patch update delete', [''], 'endpoints', ['kube-dns']),
      rule('get patch update delete', ['discovery.k8s.io'], 'endpointslices', ['kube-dns']),
    ]),
  ];
}

export function dockubeRoleBindings(): BindingObject[] {
  return [
    roleBinding('kube-system', 'system:dockube:kube-dns-publisher', { kind: 'Role', name: 'system:dockube:kube-dns-publisher' }, [
      sa(DOCKUBE_ACCOUNTS.coredns),
    ]),
  ];
}
