// core/v1 bindings (create only): the older way to schedule a pod, POSTing a Binding named after it to the
// namespace's `bindings` (BindingREST in pkg/registry/core/pod/storage), answered as pods/binding is.
import type { KObject, ResourceDef } from '../types.js';
import { assignPod, type Binding } from '../strategies/pod/binding.js';

export const bindings: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: ['create'],
  strategy: {},
  garbageCollectionPolicy: 'Unsupported',
  async virtualCreate(obj, _user, env) {
    const pods = env.service!.registry.find('', 'v1', 'pods')!;
    await assignPod(env.service!, pods, obj.metadata.namespace!, obj as Binding, env.write!);
    return obj as KObject;
  },
};
