import { podStrategy } from '../strategies/index.js';
import { admitPodSecurity } from '../../admission/pod-security/index.js';
import { admitServiceAccount } from '../../serviceaccount/admission.js';
import { admitNodeRestriction, admitNodeRestrictionDelete } from '../../admission/node-restriction.js';
import { admitPodPolicies } from '../../admission/pod-policies.js';
import { podBindingStrategy } from '../strategies/pod/binding.js';
import { podEphemeralContainersStrategy } from '../strategies/pod/ephemeral-containers.js';
import { podBinding } from '../subresources/binding.js';
import { podEviction } from '../subresources/eviction.js';
import { TABLES } from '../tables/index.js';
import type { KObject, ResourceDef } from '../types.js';
import { proxySubresource } from './proxy-subresource.js';

type PodLike = KObject & { spec?: Record<string, string | undefined>; status?: Record<string, string | undefined> };
const spec = (o: KObject, f: string) => (o as PodLike).spec?.[f] ?? '';
const status = (o: KObject, f: string) => (o as PodLike).status?.[f] ?? '';

/**
 * The pod strategy's CheckGracefulDelete: the requested period, else spec.terminationGracePeriodSeconds (else 0);
 * a pod never scheduled, or already Succeeded/Failed, goes at once; negative periods become 1.
 */
function podGracePeriod(pod: KObject, requested: number | undefined): number {
  const p = pod as KObject & { spec?: { nodeName?: string; terminationGracePeriodSeconds?: number }; status?: { phase?: string } };
  let period = requested ?? p.spec?.terminationGracePeriodSeconds ?? 0;
  if (!p.spec?.nodeName) period = 0;
  if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') period = 0;
  return period < 0 ? 1 : period;
}

export const pods: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  statusSubresource: true,
  returnDeletedObject: true,
  strategy: podStrategy,
  table: TABLES['pods'],
  gracefulDeletion: podGracePeriod,
  // Mutating admission (ServiceAccount) before validating admission (PodSecurity), as the apiserver orders them.
  admit: async (obj, old, ctx) => {
    // LimitRanger, Priority and RuntimeClass (their order in kube-apiserver's plugin list).
    await admitPodPolicies(obj, old, ctx);
    await admitServiceAccount(obj, old, ctx);
    // NodeRestriction: a node writes only mirror pods bound to it and the status of its own pods.
    admitNodeRestriction('pods', obj, old, ctx);
    await admitPodSecurity(obj, old, ctx);
  },
  admitDeleteObject: (obj, user) => admitNodeRestrictionDelete('pods', obj, user),
  // pods/binding sets spec.nodeName (the binding subresource, the scheduler); the pod strategy itself forbids that.
  // pods/ephemeralcontainers only adds to spec.ephemeralContainers (kubectl debug).
  subresourceStrategies: { binding: podBindingStrategy, ephemeralcontainers: podEphemeralContainersStrategy },
  // log streams from src/api/streams; exec and attach are WebSocket sessions there. Kinds as discovery names them.
  extraSubresources: [
    podBinding,
    podEviction,
    { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'log', kind: 'Pod', verbs: ['get'], connect: { methods: ['GET'] } },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'], connect: { methods: ['GET', 'POST'], upgrade: true } },
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'], connect: { methods: ['GET', 'POST'], upgrade: true } },
    proxySubresource('PodProxyOptions'),
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'], connect: { methods: ['GET', 'POST'], upgrade: true } },
  ],
  // The pod field selectors Kubernetes supports (pkg/registry/core/pod/strategy.go).
  fieldSelectors: {
    'spec.nodeName': (o) => spec(o, 'nodeName'),
    'spec.restartPolicy': (o) => spec(o, 'restartPolicy'),
    'spec.schedulerName': (o) => spec(o, 'schedulerName'),
    'spec.serviceAccountName': (o) => spec(o, 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(Boolean((o as KObject & { spec?: { hostNetwork?: boolean } }).spec?.hostNetwork)),
    'status.phase': (o) => status(o, 'phase'),
    'status.podIP': (o) => status(o, 'podIP'),
    'status.nominatedNodeName': (o) => status(o, 'nominatedNodeName'),
  },
};
