// The StatefulSet and DaemonSet controllers, each as its own kube-controller-manager service account.
import type { ReconcilerContext } from '../reconcilers/context.js';
import type { Controller } from '../reconcilers/controller.js';
import { startStatefulSetController } from '../reconcilers/statefulset/statefulset-controller.js';
import { startDaemonSetController } from '../reconcilers/daemonset/daemonset-controller.js';

export async function startStatefulControllers(ctx: ReconcilerContext): Promise<Controller[]> {
  const [sets, daemons] = await Promise.all([startStatefulSetController(ctx), startDaemonSetController(ctx)]);
  return [sets.controller, daemons.controller];
}
