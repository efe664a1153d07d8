// The kubelet's lifecycle events (started, killed, back-off) are also info lines naming the pod and container.
import { LifecycleLoggingRecorder } from '../../src/reconcilers/kubelet/lifecycle-log.js';
import type { Client } from '../../src/client/types.js';
import type { Logger } from '../../src/log.js';

const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
const log = {
  info: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'info', obj, msg }),
  warn: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'warn', obj, msg }),
  debug: () => undefined,
} as unknown as Logger;
const client = new Proxy({}, { get: () => async () => ({ metadata: {} }) }) as unknown as Client;
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1' } };

test('Started, Killing and BackOff are logged at info; other reasons are only events', () => {
  const r = new LifecycleLoggingRecorder(client, log);
  r.record(pod, 'Normal', 'Started', 'Started container app', { component: 'kubelet', fieldPath: 'spec.containers{app}' });
  r.record(pod, 'Normal', 'Killing', 'Stopping container app', { component: 'kubelet', fieldPath: 'spec.containers{app}' });
  r.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container app in pod web-1_shop(u-1)', {
    component: 'kubelet',
    fieldPath: 'spec.containers{app}',
  });
  r.record(pod, 'Normal', 'Scheduled', 'Successfully assigned', { component: 'default-scheduler' });
  expect(lines.filter((l) => l.level === 'info').map((l) => [l.msg, l.obj.pod, l.obj.containerName, l.obj.reason])).toEqual([
    ['Container started', 'shop/web-1', 'app', 'Started'],
    ['Killing container', 'shop/web-1', 'app', 'Killing'],
    ['Back-off restarting failed container', 'shop/web-1', 'app', 'BackOff'],
  ]);
  expect(lines[0]!.obj).toMatchObject({ podUID: 'u-1', type: 'Normal', message: 'Started container app' });
});
