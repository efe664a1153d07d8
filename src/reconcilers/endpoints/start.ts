// The service endpoint controllers kube-controller-manager runs: EndpointSlices for services with a selector (the
// slices kube-proxy and DNS read), their core/v1 Endpoints, and the mirroring of users' Endpoints into slices,
// started together.
import type { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { startEndpointSliceController } from '../endpointslice/endpointslice-controller.js';
import { startEndpointsController } from './endpoints-controller.js';
import { startMirroringController } from '../endpointslicemirroring/mirroring-controller.js';

export async function startEndpointControllers(ctx: ReconcilerContext): Promise<Controller[]> {
  const running = await Promise.all([startEndpointSliceController(ctx), startEndpointsController(ctx), startMirroringController(ctx)]);
  return running.map((r) => r.controller);
}
