// The service endpoint controllers kube-controller-manager runs: EndpointSlices for services with a selector (the
// slices kube-proxy and DNS read) and their core/v1 Endpoints, started together.
import type { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { startEndpointSliceController } from '../endpointslice/endpointslice-controller.js';
import { startEndpointsController } from './endpoints-controller.js';

export async function startEndpointControllers(ctx: ReconcilerContext): Promise<Controller[]> {
  const running = await Promise.all([startEndpointSliceController(ctx), startEndpointsController(ctx)]);
  return running.map((r) => r.controller);
}
