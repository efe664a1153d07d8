// The service endpoint controllers kube-controller-manager runs: EndpointSlices for services with a selector (the
// slices kube-proxy and DNS read), started together.
import type { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { startEndpointSliceController } from '../endpointslice/endpointslice-controller.js';

export async function startEndpointControllers(ctx: ReconcilerContext): Promise<Controller[]> {
  const running = await Promise.all([startEndpointSliceController(ctx)]);
  return running.map((r) => r.controller);
}
