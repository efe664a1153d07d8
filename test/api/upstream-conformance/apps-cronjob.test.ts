// Mirrors upstream's CronJob API operations conformance test (test/e2e/apps/cronjob.go); the others in that file
// wait for jobs' pods to run and are not mirrored. No cronjob controller runs: the schedule never fires here.
import { openWatch, startHarness, type Harness } from '../harness.js';
import { MERGE, testNamespace } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** newTestCronJob(name, schedule, AllowConcurrent, successCommand, 1, 0). */
const cronJob = (name: string, unique: string) => ({
  metadata: { name, labels: { 'special-label': unique } },
  spec: {
    schedule: '* */1 * * ?',
    concurrencyPolicy: 'Allow',
    successfulJobsHistoryLimit: 1,
    failedJobsHistoryLimit: 0,
    jobTemplate: {
      spec: {
        parallelism: 1,
        completions: 1,
        backoffLimit: 1,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            volumes: [{ name: 'data', emptyDir: {} }],
            containers: [
              {
                name: 'c',
                image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4',
                command: ['/bin/true'],
                volumeMounts: [{ mountPath: '/data', name: 'data' }],
              },
            ],
          },
        },
      },
    },
  },
});
/** metav1.Now().Rfc3339Copy(): whole seconds. */
const nowRfc3339 = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

test('[sig-apps] CronJob should support CronJob API operations [Conformance]', async () => {
  const ns = await testNamespace(h, 'cronjob');
  const unique = ns;
  const cjs = `/apis/batch/v1/namespaces/${ns}/cronjobs`;
  const selector = `labelSelector=special-label%3D${unique}`;

  const created = (await h.api.post(cjs).send(cronJob('test-api', unique)).expect(201)).body;
  const path = `${cjs}/test-api`;
  expect((await h.api.get(path).expect(200)).body.metadata.uid).toBe(created.metadata.uid);

  const list = (await h.api.get(`${cjs}?${selector}`).expect(200)).body;
  expect(list.items).toHaveLength(1);
  const watch = await openWatch(h, `${cjs}?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);
  expect((await h.api.get(`/apis/batch/v1/cronjobs?${selector}`).expect(200)).body.items).toHaveLength(1);
  const clusterWatch = await openWatch(h, `/apis/batch/v1/cronjobs?watch=1&${selector}&resourceVersion=${list.metadata.resourceVersion}`);
  expect(clusterWatch.status).toBe(200);
  clusterWatch.close();

  const patched = (
    await h.api
      .patch(path)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patched: 'true' } } })
      .expect(200)
  ).body;
  expect(patched.metadata.annotations).toMatchObject({ patched: 'true' });
  const toUpdate = (await h.api.get(path).expect(200)).body;
  toUpdate.metadata.annotations.updated = 'true';
  expect((await h.api.put(path).send(toUpdate).expect(200)).body.metadata.annotations).toMatchObject({ updated: 'true' });

  const event = await watch.next();
  watch.close();
  expect(event.type).toBe('MODIFIED');
  expect(event.object.metadata.annotations).toMatchObject({ patched: 'true' });

  const now1 = nowRfc3339();
  const patchedStatus = (
    await h.api
      .patch(`${path}/status`)
      .set('Content-Type', MERGE)
      .send({ metadata: { annotations: { patchedstatus: 'true' } }, status: { lastScheduleTime: now1 } })
      .expect(200)
  ).body;
  expect(patchedStatus.status.lastScheduleTime).toBe(now1);
  expect(patchedStatus.metadata.annotations).toMatchObject({ patchedstatus: 'true' });

  const now2 = new Date(Date.parse(now1) + 1000).toISOString().replace('.000Z', 'Z');
  const statusToUpdate = (await h.api.get(path).expect(200)).body;
  statusToUpdate.status.lastScheduleTime = now2;
  expect((await h.api.put(`${path}/status`).send(statusToUpdate).expect(200)).body.status.lastScheduleTime).toBe(now2);

  expect((await h.api.get(`${path}/status`).expect(200)).body.metadata.uid).toBe(created.metadata.uid);

  await h.api.post(cjs).send(cronJob('for-removal', unique)).expect(201);
  await h.api.delete(`${cjs}/for-removal`).expect(200);
  await h.api.get(`${cjs}/for-removal`).expect(404);

  await h.api.delete(`${cjs}?${selector}`).expect(200);
  expect((await h.api.get(`${cjs}?${selector}`).expect(200)).body.items).toHaveLength(0);
});
