// Mirrors upstream's API-only SchedulerPredicates conformance test (test/e2e/scheduling/predicates.go): a pod whose
// nodeSelector no node matches is never scheduled. kube-scheduler runs in process with one Ready Node object; the
// other predicates tests fill nodes with running pods and are not mirrored.
import pino from 'pino';
import { startHarness, type Harness } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import { startScheduler, type RunningScheduler } from '../../../src/reconcilers/scheduler/scheduler.js';
import { until } from '../../support/until.js';
import { readyNode, testNamespace, type J } from './support.js';

let h: Harness;
let scheduler: RunningScheduler;
beforeAll(async () => {
  h = await startHarness();
  await readyNode(h, 'predicates-node');
  scheduler = await startScheduler(makeContext(h.service, pino({ level: 'silent' })));
});
afterAll(async () => {
  scheduler?.stop();
  await h?.close();
});

test('[sig-scheduling] SchedulerPredicates [Serial] validates that NodeSelector is respected if not matching [Conformance]', async () => {
  const ns = await testNamespace(h, 'sched-pred');
  const podName = 'restricted-pod';
  await h.api
    .post(`/api/v1/namespaces/${ns}/pods`)
    .send({
      metadata: { name: podName, labels: { name: 'restricted' } },
      spec: { nodeSelector: { label: 'nonempty' }, containers: [{ name: podName, image: 'registry.k8s.io/pause:3.9' }] },
    })
    .expect(201);

  // WaitForSchedulerAfterAction(..., false): the scheduler's FailedScheduling event for the pod.
  await until(async () => {
    const events: J[] = (await h.api.get(`/api/v1/namespaces/${ns}/events`).expect(200)).body.items;
    return events.some((e) => e.involvedObject?.name === podName && e.reason === 'FailedScheduling');
  });

  // verifyResult(0 scheduled, 1 not scheduled).
  const pods: J[] = (await h.api.get(`/api/v1/namespaces/${ns}/pods`).expect(200)).body.items;
  const scheduled = pods.filter((p) => p.spec.nodeName);
  const notScheduled = pods.filter((p) =>
    (p.status.conditions ?? []).some((c: J) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
  );
  expect([scheduled.length, notScheduled.length]).toEqual([0, 1]);
});
