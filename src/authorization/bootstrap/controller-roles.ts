// kube-controller-manager's per-controller ClusterRoles (bootstrappolicy/controller_policy.go): each controller runs
// as the service account kube-system/<name> (--use-service-account-credentials) and is bound to
// system:controller:<name>. Roles behind feature gates dockube does not serve (DRA, ClusterTrustBundle, storage
// versions, SELinux, ServiceCIDR) are left out.
import type { BindingObject, PolicyRule, RoleObject } from '../rbac/types.js';
import { clusterBinding, clusterRole, eventsRule, rule, serviceAccount } from './objects.js';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';
const READ = 'get list watch';
const CSR = 'certificates.k8s.io';

/** [service account name, rules] of every controller, in upstream's order. */
const CONTROLLERS: [string, PolicyRule[]][] = [
  [
    'attachdetach-controller',
    [
      rule('list watch', [''], 'persistentvolumes persistentvolumeclaims'),
      rule(READ, [''], 'nodes'),
      rule('patch update', [''], 'nodes/status'),
      rule('list watch', [''], 'pods'),
      eventsRule(),
      rule('get create delete list watch', ['storage.k8s.io'], 'volumeattachments'),
      rule('get watch list', ['storage.k8s.io'], 'csidrivers'),
      rule('get watch list', ['storage.k8s.io'], 'csinodes'),
    ],
  ],
  // Full rights on ClusterRoles (escalate included): it writes whatever the aggregated roles hold.
  ['clusterrole-aggregation-controller', [rule('escalate get list watch update patch', ['rbac.authorization.k8s.io'], 'clusterroles')]],
  [
    'cronjob-controller',
    [
      rule('get list watch update', ['batch'], 'cronjobs'),
      rule('get list watch create update delete patch', ['batch'], 'jobs'),
      rule('update', ['batch'], 'cronjobs/status'),
      rule('update', ['batch'], 'cronjobs/finalizers'),
      rule('list watch delete', [''], 'pods'),
      eventsRule(),
    ],
  ],
  [
    'daemon-set-controller',
    [
      rule(READ, ['extensions', 'apps'], 'daemonsets'),
      rule('update', ['extensions', 'apps'], 'daemonsets/status'),
      rule('update', ['extensions', 'apps'], 'daemonsets/finalizers'),
      rule('list watch', [''], 'nodes'),
      rule('list watch create delete patch', [''], 'pods'),
      rule('create', [''], 'pods/binding'),
      rule('get list watch create delete update patch', ['apps'], 'controllerrevisions'),
      eventsRule(),
    ],
  ],
  [
    'deployment-controller',
    [
      rule('get list watch update', ['extensions', 'apps'], 'deployments'),
      rule('update', ['extensions', 'apps'], 'deployments/status'),
      rule('update', ['extensions', 'apps'], 'deployments/finalizers'),
      rule('get list watch create update patch delete', ['apps', 'extensions'], 'replicasets'),
      rule('get list watch update', [''], 'pods'),
      eventsRule(),
    ],
  ],
  [
    'disruption-controller',
    [
      rule(READ, ['extensions', 'apps'], 'deployments'),
      rule(READ, ['apps', 'extensions'], 'replicasets'),
      rule(READ, [''], 'replicationcontrollers'),
      rule(READ, ['policy'], 'poddisruptionbudgets'),
      rule(READ, ['apps'], 'statefulsets'),
      rule('update', ['policy'], 'poddisruptionbudgets/status'),
      rule('patch update', [''], 'pods/status'),
      rule('get', ['*'], '*/scale'),
      eventsRule(),
    ],
  ],
  [
    'endpoint-controller',
    [
      rule(READ, [''], 'services pods'),
      rule('get list watch create update delete', [''], 'endpoints'),
      rule('create', [''], 'endpoints/restricted'),
      eventsRule(),
    ],
  ],
  [
    'endpointslice-controller',
    [
      rule(READ, [''], 'services pods nodes'),
      rule('update', [''], 'services/finalizers'),
      rule('get list watch create update delete', ['discovery.k8s.io'], 'endpointslices'),
      eventsRule(),
    ],
  ],
  [
    'endpointslicemirroring-controller',
    [
      rule(READ, [''], 'services endpoints'),
      rule('update', [''], 'services/finalizers'),
      rule('update', [''], 'endpoints/finalizers'),
      rule('get list watch create update delete', ['discovery.k8s.io'], 'endpointslices'),
      eventsRule(),
    ],
  ],
  [
    'expand-controller',
    [
      rule('get list watch update patch', [''], 'persistentvolumes'),
      rule('update patch', [''], 'persistentvolumeclaims/status'),
      rule(READ, [''], 'persistentvolumeclaims'),
      eventsRule(),
      rule('get', [''], 'services'),
    ],
  ],
  [
    'ephemeral-volume-controller',
    [
      rule(READ, [''], 'pods'),
      rule('update', [''], 'pods/finalizers'),
      rule('get list watch create', [''], 'persistentvolumeclaims'),
      eventsRule(),
    ],
  ],
  // List, watch, get and write any kind: the owner references it follows may name any resource.
  ['generic-garbage-collector', [rule('get list watch patch update delete', ['*'], '*'), eventsRule()]],
  [
    'horizontal-pod-autoscaler',
    [
      rule(READ, ['autoscaling'], 'horizontalpodautoscalers'),
      rule('update', ['autoscaling'], 'horizontalpodautoscalers/status'),
      rule('get update', ['*'], '*/scale'),
      rule('list', [''], 'pods'),
      // Listing resource, custom and external metrics.
      rule('list', ['metrics.k8s.io'], 'pods'),
      rule('get list', ['custom.metrics.k8s.io'], '*'),
      rule('get list', ['external.metrics.k8s.io'], '*'),
      eventsRule(),
    ],
  ],
  [
    'job-controller',
    [
      rule('get list watch update patch', ['batch'], 'jobs'),
      rule('update', ['batch'], 'jobs/status'),
      rule('update', ['batch'], 'jobs/finalizers'),
      rule('list watch create delete patch', [''], 'pods'),
      eventsRule(),
    ],
  ],
  [
    'namespace-controller',
    [
      rule('get list watch delete', [''], 'namespaces'),
      rule('update', [''], 'namespaces/finalize namespaces/status'),
      rule('get list watch delete deletecollection', ['*'], '*'),
    ],
  ],
  [
    'node-controller',
    [
      rule('get list watch update delete patch', [''], 'nodes'),
      rule('patch update', [''], 'nodes/status'),
      rule('patch update', [''], 'pods/status'),
      rule('list watch get delete', [''], 'pods'),
      eventsRule(),
    ],
  ],
  [
    'persistent-volume-binder',
    [
      rule('get list watch update create delete', [''], 'persistentvolumes'),
      rule('update', [''], 'persistentvolumes/status'),
      rule('get list watch update', [''], 'persistentvolumeclaims'),
      rule('update', [''], 'persistentvolumeclaims/status'),
      rule('list watch get create delete', [''], 'pods'),
      rule(READ, ['storage.k8s.io'], 'storageclasses'),
      rule('list watch', [''], 'nodes'),
      eventsRule(),
      rule('watch', [''], 'events'),
      rule('get', [''], 'services'),
    ],
  ],
  ['pod-garbage-collector', [rule('list watch delete', [''], 'pods'), rule(READ, [''], 'nodes'), rule('patch', [''], 'pods/status')]],
  [
    'replicaset-controller',
    [
      rule('get list watch update', ['apps', 'extensions'], 'replicasets'),
      rule('update', ['apps', 'extensions'], 'replicasets/status'),
      rule('update', ['apps', 'extensions'], 'replicasets/finalizers'),
      rule('list watch patch create delete', [''], 'pods'),
      eventsRule(),
    ],
  ],
  [
    'replication-controller',
    [
      rule('get list watch update', [''], 'replicationcontrollers'),
      rule('update', [''], 'replicationcontrollers/status'),
      rule('update', [''], 'replicationcontrollers/finalizers'),
      rule('list watch patch create delete', [''], 'pods'),
      eventsRule(),
    ],
  ],
  ['resourcequota-controller', [rule('list watch', ['*'], '*'), rule('update', [''], 'resourcequotas/status'), eventsRule()]],
  ['route-controller', [rule('list watch', [''], 'nodes'), rule('patch', [''], 'nodes/status'), eventsRule()]],
  ['service-account-controller', [rule('create', [''], 'serviceaccounts'), eventsRule()]],
  [
    'service-controller',
    [rule(READ, [''], 'services'), rule('patch update', [''], 'services/status'), rule('list watch', [''], 'nodes'), eventsRule()],
  ],
  [
    'statefulset-controller',
    [
      rule('list watch', [''], 'pods'),
      rule(READ, ['apps'], 'statefulsets'),
      rule('update', ['apps'], 'statefulsets/status'),
      rule('update', ['apps'], 'statefulsets/finalizers'),
      rule('get create delete update patch', [''], 'pods'),
      rule('get create delete update patch list watch', ['apps'], 'controllerrevisions'),
      rule('get create list watch', [''], 'persistentvolumeclaims'),
      rule('update delete', [''], 'persistentvolumeclaims'),
      rule('update', [''], 'pods/finalizers'),
      eventsRule(),
    ],
  ],
  ['ttl-controller', [rule('update patch list watch', [''], 'nodes'), eventsRule()]],
  [
    'certificate-controller',
    [
      rule('get list watch delete', [CSR], 'certificatesigningrequests'),
      rule('update', [CSR], 'certificatesigningrequests/status certificatesigningrequests/approval'),
      rule('approve', [CSR], 'signers', ['kubernetes.io/kube-apiserver-client-kubelet']),
      rule('sign', [CSR], 'signers', [
        'kubernetes.io/legacy-unknown',
        'kubernetes.io/kube-apiserver-client',
        'kubernetes.io/kube-apiserver-client-kubelet',
        'kubernetes.io/kubelet-serving',
      ]),
      rule('create', ['authorization.k8s.io'], 'subjectaccessreviews'),
      eventsRule(),
    ],
  ],
  [
    'pvc-protection-controller',
    [rule('get list watch update', [''], 'persistentvolumeclaims'), rule('list watch get', [''], 'pods'), eventsRule()],
  ],
  ['pv-protection-controller', [rule('get list watch update', [''], 'persistentvolumes'), eventsRule()]],
  ['ttl-after-finished-controller', [rule('get list watch delete', ['batch'], 'jobs'), eventsRule()]],
  ['root-ca-cert-publisher', [rule('create update', [''], 'configmaps'), eventsRule()]],
  [
    'validatingadmissionpolicy-status-controller',
    [
      rule(READ, ['admissionregistration.k8s.io'], 'validatingadmissionpolicies'),
      rule('get patch update', ['admissionregistration.k8s.io'], 'validatingadmissionpolicies/status'),
      eventsRule(),
    ],
  ],
  [
    'legacy-service-account-token-cleaner',
    [rule('get', [''], 'configmaps', ['kube-apiserver-legacy-service-account-token-tracking']), rule('patch delete', [''], 'secrets')],
  ],
];

/** Every controller's service account name (kube-system/<name>). */
export const CONTROLLER_NAMES = CONTROLLERS.map(([name]) => name);

export const controllerRoles = (): RoleObject[] => CONTROLLERS.map(([name, rules]) => clusterRole(CONTROLLER_ROLE_PREFIX + name, rules));

/** system:controller:<name> bound to the service account kube-system/<name>. */
export const controllerRoleBindings = (): BindingObject[] =>
  CONTROLLERS.map(([name]) => clusterBinding(CONTROLLER_ROLE_PREFIX + name, [serviceAccount('kube-system', name)]));
