import { namespaceFinalizeStrategy, namespaceStatusStrategy, namespaceStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { ResourceDef } from '../types.js';
import { admitNamespacePodSecurity } from '../../admission/pod-security/index.js';
import { admitNamespaceDelete } from '../../admission/namespace-lifecycle.js';

export const namespaces: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  statusSubresource: true,
  returnDeletedObject: true,
  extraSubresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  strategy: namespaceStrategy,
  subresourceStrategies: { finalize: namespaceFinalizeStrategy, status: namespaceStatusStrategy },
  table: TABLES['namespaces'],
  admit: admitNamespacePodSecurity,
  admitDelete: admitNamespaceDelete,
  fieldSelectors: { 'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '' },
  // A namespace with spec.finalizers is emptied by the namespace controller before it goes away.
  beginDeletion: (obj) => {
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    obj.status = { ...(obj.status as object), phase: 'Terminating' };
    return (spec?.finalizers?.length ?? 0) > 0;
  },
};
