// Kubernetes' bootstrap Roles and RoleBindings in kube-system and kube-public (bootstrappolicy/namespace_policy.go).
import type { BindingObject, RoleObject } from '../rbac/types.js';
import { eventsRule, role, roleBinding, rule, serviceAccount, user } from './objects.js';

const LEADER_RULES = [
  rule('create get list update watch', ['coordination.k8s.io'], 'leases'),
  rule('create get list update watch', ['coordination.k8s.io'], 'leasecandidates'),
];

export function bootstrapRoles(): RoleObject[] {
  return [
    role('kube-public', 'system:controller:bootstrap-signer', [
      rule('get list watch', [''], 'configmaps'),
      rule('update', [''], 'configmaps', ['cluster-info']),
      eventsRule(),
    ]),
    role('kube-system', 'extension-apiserver-authentication-reader', [
      rule('get list watch', [''], 'configmaps', ['extension-apiserver-authentication']),
    ]),
    role('kube-system', 'system::leader-locking-kube-controller-manager', LEADER_RULES),
    role('kube-system', 'system::leader-locking-kube-scheduler', LEADER_RULES),
    role('kube-system', 'system:controller:bootstrap-signer', [rule('get list watch', [''], 'secrets')]),
    role('kube-system', 'system:controller:cloud-provider', [rule('create get list watch', [''], 'configmaps')]),
    role('kube-system', 'system:controller:token-cleaner', [rule('delete get list watch', [''], 'secrets'), eventsRule()]),
  ];
}

export function bootstrapRoleBindings(): BindingObject[] {
  const sa = (name: string) => serviceAccount('kube-system', name);
  const own = (ns: string, name: string, account: string) =>
    roleBinding(ns, `system:controller:${name}`, { kind: 'Role', name: `system:controller:${name}` }, [sa(account)]);
  return [
    own('kube-public', 'bootstrap-signer', 'bootstrap-signer'),
    roleBinding(
      'kube-system',
      'system::extension-apiserver-authentication-reader',
      { kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      [user('system:kube-controller-manager'), user('system:kube-scheduler')],
    ),
    roleBinding(
      'kube-system',
      'system::leader-locking-kube-controller-manager',
      { kind: 'Role', name: 'system::leader-locking-kube-controller-manager' },
      [user('system:kube-controller-manager'), sa('kube-controller-manager'), sa('leader-election-controller')],
    ),
    roleBinding('kube-system', 'system::leader-locking-kube-scheduler', { kind: 'Role', name: 'system::leader-locking-kube-scheduler' }, [
      user('system:kube-scheduler'),
      sa('kube-scheduler'),
    ]),
    own('kube-system', 'bootstrap-signer', 'bootstrap-signer'),
    own('kube-system', 'cloud-provider', 'cloud-provider'),
    own('kube-system', 'token-cleaner', 'token-cleaner'),
  ];
}
