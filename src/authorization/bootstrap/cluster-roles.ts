// Kubernetes' bootstrap ClusterRoles (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, as its
// testdata/cluster-roles.yaml lists them): the user-facing admin/edit/view, aggregated from the
// system:aggregate-to-* roles, and the roles of the system's users (discovery, nodes, scheduler, ...).
import type { RoleObject } from '../rbac/types.js';
import { clusterRole, eventsRule, rule, urls } from './objects.js';

const READ = 'get list watch';
const WRITE = 'create delete deletecollection patch update';
const READ_WRITE = `${READ} ${WRITE}`;
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';
const CSR = 'certificates.k8s.io';
const SIGNERS = {
  client: 'kubernetes.io/kube-apiserver-client',
  kubelet: 'kubernetes.io/kube-apiserver-client-kubelet',
  serving: 'kubernetes.io/kubelet-serving',
  legacy: 'kubernetes.io/legacy-unknown',
};
const approver = (name: string, signer: string) =>
  clusterRole(`system:certificates.k8s.io:${name}`, [rule('approve', [CSR], 'signers', [signer])]);
const leaderLease = (name: string) => [
  rule('create', ['coordination.k8s.io'], 'leases'),
  rule('get update', ['coordination.k8s.io'], 'leases', [name]),
];

export function bootstrapClusterRoles(): RoleObject[] {
  return [
    // The user-facing roles: rules come only from the roles their selectors match (clusterrole-aggregation).
    clusterRole('cluster-admin', [rule('*', ['*'], '*'), urls('*', '*')]),
    clusterRole('admin', [], { aggregateFrom: AGGREGATE_TO_ADMIN }),
    clusterRole('edit', [], { aggregateFrom: AGGREGATE_TO_EDIT, labels: { [AGGREGATE_TO_ADMIN]: 'true' } }),
    clusterRole('view', [], { aggregateFrom: AGGREGATE_TO_VIEW, labels: { [AGGREGATE_TO_EDIT]: 'true' } }),
    clusterRole(
      'system:aggregate-to-admin',
      [
        rule('create', ['authorization.k8s.io'], 'localsubjectaccessreviews'),
        rule(READ_WRITE, ['rbac.authorization.k8s.io'], 'rolebindings roles'),
      ],
      { labels: { [AGGREGATE_TO_ADMIN]: 'true' } },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        rule(READ, [''], 'pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy'),
        rule('impersonate', [''], 'serviceaccounts'),
        rule(WRITE, [''], 'pods pods/attach pods/exec pods/portforward pods/proxy'),
        rule('create', [''], 'pods/eviction'),
        rule(
          WRITE,
          [''],
          'configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets serviceaccounts services services/proxy',
        ),
        rule('create', [''], 'serviceaccounts/token'),
        rule(
          WRITE,
          ['apps'],
          'daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale',
        ),
        rule(WRITE, ['autoscaling'], 'horizontalpodautoscalers'),
        rule(WRITE, ['batch'], 'cronjobs jobs'),
        rule(
          WRITE,
          ['extensions'],
          'daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies replicasets replicasets/scale replicationcontrollers/scale',
        ),
        rule(WRITE, ['policy'], 'poddisruptionbudgets'),
        rule(WRITE, ['networking.k8s.io'], 'ingresses networkpolicies'),
        rule(READ_WRITE, ['coordination.k8s.io'], 'leases'),
      ],
      { labels: { [AGGREGATE_TO_EDIT]: 'true' } },
    ),
    // No secrets: `view` must not reveal credentials (they would let a viewer act as a service account).
    clusterRole(
      'system:aggregate-to-view',
      [
        rule(
          READ,
          [''],
          'configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status',
        ),
        rule(
          READ,
          [''],
          'bindings events limitranges namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas resourcequotas/status',
        ),
        rule(READ, [''], 'namespaces'),
        rule(READ, ['discovery.k8s.io'], 'endpointslices'),
        rule(
          READ,
          ['apps'],
          'controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status',
        ),
        rule(READ, ['autoscaling'], 'horizontalpodautoscalers horizontalpodautoscalers/status'),
        rule(READ, ['batch'], 'cronjobs cronjobs/status jobs jobs/status'),
        rule(
          READ,
          ['extensions'],
          'daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses ingresses/status networkpolicies replicasets replicasets/scale replicasets/status replicationcontrollers/scale',
        ),
        rule(READ, ['policy'], 'poddisruptionbudgets poddisruptionbudgets/status'),
        rule(READ, ['networking.k8s.io'], 'ingresses ingresses/status networkpolicies'),
      ],
      { labels: { [AGGREGATE_TO_VIEW]: 'true' } },
    ),
    clusterRole('system:auth-delegator', [
      rule('create', ['authentication.k8s.io'], 'tokenreviews'),
      rule('create', ['authorization.k8s.io'], 'subjectaccessreviews'),
    ]),
    clusterRole('system:basic-user', [
      rule('create', ['authorization.k8s.io'], 'selfsubjectaccessreviews selfsubjectrulesreviews'),
      rule('create', ['authentication.k8s.io'], 'selfsubjectreviews'),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [
      rule('create', [CSR], 'certificatesigningrequests/nodeclient'),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [
      rule('create', [CSR], 'certificatesigningrequests/selfnodeclient'),
    ]),
    approver('kube-apiserver-client-approver', SIGNERS.client),
    approver('kube-apiserver-client-kubelet-approver', SIGNERS.kubelet),
    approver('kubelet-serving-approver', SIGNERS.serving),
    approver('legacy-unknown-approver', SIGNERS.legacy),
    clusterRole('system:discovery', [
      urls('get', '/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'),
    ]),
    clusterRole('system:heapster', [rule(READ, [''], 'events namespaces nodes pods'), rule(READ, ['extensions'], 'deployments')]),
    clusterRole('system:kube-aggregator', [rule(READ, [''], 'endpoints services')]),
    clusterRole('system:kube-controller-manager', [
      eventsRule(),
      ...leaderLease('kube-controller-manager'),
      rule('create', [''], 'secrets serviceaccounts'),
      rule('delete', [''], 'secrets'),
      rule('get', [''], 'configmaps namespaces secrets serviceaccounts'),
      rule('update', [''], 'secrets serviceaccounts'),
      rule('create', ['authentication.k8s.io'], 'tokenreviews'),
      rule('create', ['authorization.k8s.io'], 'subjectaccessreviews'),
      // Its shared informers list and watch everything; each controller writes with its own service account.
      rule('list watch', ['*'], '*'),
      rule('create', [''], 'serviceaccounts/token'),
    ]),
    clusterRole('system:kube-dns', [rule('list watch', [''], 'endpoints services')]),
    clusterRole('system:kube-scheduler', [
      eventsRule(),
      ...leaderLease('kube-scheduler'),
      rule(READ, [''], 'nodes'),
      rule('delete get list watch', [''], 'pods'),
      rule('create', [''], 'bindings pods/binding'),
      rule('patch update', [''], 'pods/status'),
      rule(READ, [''], 'replicationcontrollers services'),
      rule(READ, ['apps', 'extensions'], 'replicasets'),
      rule(READ, ['apps'], 'statefulsets'),
      rule(READ, ['policy'], 'poddisruptionbudgets'),
      rule(READ, [''], 'persistentvolumeclaims persistentvolumes'),
      rule('create', ['authentication.k8s.io'], 'tokenreviews'),
      rule('create', ['authorization.k8s.io'], 'subjectaccessreviews'),
      rule(READ, ['storage.k8s.io'], 'csinodes'),
      rule(READ, [''], 'namespaces'),
      rule(READ, ['storage.k8s.io'], 'csidrivers'),
      rule(READ, ['storage.k8s.io'], 'csistoragecapacities'),
    ]),
    clusterRole('system:kubelet-api-admin', [
      rule(READ, [''], 'nodes'),
      rule('proxy', [''], 'nodes'),
      rule('*', [''], 'nodes/log nodes/metrics nodes/proxy nodes/stats'),
    ]),
    clusterRole('system:monitoring', [
      urls('get', '/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'),
    ]),
    clusterRole('system:node', [
      rule('create', ['authentication.k8s.io'], 'tokenreviews'),
      rule('create', ['authorization.k8s.io'], 'localsubjectaccessreviews subjectaccessreviews'),
      rule(READ, [''], 'services'),
      rule('create get list watch', [''], 'nodes'),
      rule('patch update', [''], 'nodes/status'),
      rule('patch update', [''], 'nodes'),
      rule('create patch update', [''], 'events'),
      rule(READ, [''], 'pods'),
      rule('create delete', [''], 'pods'),
      rule('patch update', [''], 'pods/status'),
      rule('create', [''], 'pods/eviction'),
      rule(READ, [''], 'configmaps secrets'),
      rule('get', [''], 'persistentvolumeclaims persistentvolumes'),
      rule('get', [''], 'endpoints'),
      rule('create get list watch', [CSR], 'certificatesigningrequests'),
      rule('create delete get patch update', ['coordination.k8s.io'], 'leases'),
      rule('get', ['storage.k8s.io'], 'volumeattachments'),
      rule('create', [''], 'serviceaccounts/token'),
      rule('get patch update', [''], 'persistentvolumeclaims/status'),
      rule(READ, ['storage.k8s.io'], 'csidrivers'),
      rule('create delete get patch update', ['storage.k8s.io'], 'csinodes'),
      rule(READ, ['node.k8s.io'], 'runtimeclasses'),
    ]),
    clusterRole('system:node-bootstrapper', [rule('create get list watch', [CSR], 'certificatesigningrequests')]),
    clusterRole('system:node-problem-detector', [rule('get', [''], 'nodes'), rule('patch', [''], 'nodes/status'), eventsRule()]),
    clusterRole('system:node-proxier', [
      rule('list watch', [''], 'endpoints services'),
      rule(READ, [''], 'nodes'),
      eventsRule(),
      rule('list watch', ['discovery.k8s.io'], 'endpointslices'),
    ]),
    clusterRole('system:persistent-volume-provisioner', [
      rule('create delete get list watch', [''], 'persistentvolumes'),
      rule('get list update watch', [''], 'persistentvolumeclaims'),
      rule(READ, ['storage.k8s.io'], 'storageclasses'),
      rule('watch', [''], 'events'),
      eventsRule(),
    ]),
    clusterRole('system:public-info-viewer', [urls('get', '/healthz', '/livez', '/readyz', '/version', '/version/')]),
    clusterRole('system:service-account-issuer-discovery', [urls('get', '/.well-known/openid-configuration', '/openid/v1/jwks')]),
    clusterRole('system:volume-scheduler', [
      rule('get list patch update watch', [''], 'persistentvolumes'),
      rule(READ, ['storage.k8s.io'], 'storageclasses'),
      rule('get list patch update watch', [''], 'persistentvolumeclaims'),
    ]),
  ];
}
