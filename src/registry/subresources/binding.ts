// pods/binding (the apiserver's BindingREST, a Creater): assigns the pod to a node through assignPod, the one write
// that may set spec.nodeName, and answers with a Success Status.
import { badRequest } from '../../machinery/api/errors.js';
import type { KObject, SubresourceDef } from '../types.js';
import { assignPod, type Binding } from '../strategies/pod/binding.js';
import { successStatus } from './status.js';

export const podBinding: SubresourceDef = {
  name: 'binding',
  kind: 'Binding',
  verbs: ['create'],
  bodyVersions: ['v1'],
  async create(ctx, namespace, name, body: KObject) {
    const binding = body as Binding;
    if (binding.metadata?.name !== name) throw badRequest('name in URL does not match name in Binding object');
    await assignPod(ctx.service, ctx.def, namespace!, binding, ctx.write);
    return successStatus(201);
  },
};
