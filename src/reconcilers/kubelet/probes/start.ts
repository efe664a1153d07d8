// The probe manager as the kubelet runs it: handlers against the container runtime, events through the kubelet's
// recorder (about the container: fieldPath spec.containers{name}), result changes syncing the pod.
import type { ContainerRuntime } from '../../../runtime/container-runtime.js';
import type { KObject } from '../../../machinery/api/meta.js';
import type { EventRecorder } from '../../event-recorder.js';
import { ProbeManager } from './manager.js';
import { runtimeProbeRunner } from './prober.js';

export function startProbeManager(
  runtime: Pick<ContainerRuntime, 'exec'>,
  recorder: EventRecorder,
  nodeName: string,
  enqueue: (key: string) => void,
): ProbeManager {
  return new ProbeManager({
    run: runtimeProbeRunner(runtime),
    event: (pod, container, reason, message) =>
      recorder.record(pod as unknown as KObject, 'Warning', reason, message, {
        component: 'kubelet',
        host: nodeName,
        fieldPath: `spec.containers{${container.name}}`,
      }),
    enqueue,
  });
}
