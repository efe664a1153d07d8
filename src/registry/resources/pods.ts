import { podStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { KObject, ResourceDef } from '../types.js';

type PodLike = KObject & { spec?: Record<string, string | undefined>; status?: Record<string, string | undefined> };
const spec = (o: KObject, f: string) => (o as PodLike).spec?.[f] ?? '';
const status = (o: KObject, f: string) => (o as PodLike).status?.[f] ?? '';

export const pods: ResourceDef = {
  group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod',
  namespaced: true, shortNames: ['po'], categories: ['all'], statusSubresource: true, returnDeletedObject: true,
  strategy: podStrategy,
  table: TABLES['pods'],
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
