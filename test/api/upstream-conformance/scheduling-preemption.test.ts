// Mirrors upstream's PriorityClass endpoints conformance test (test/e2e/scheduling/preemption.go); the preemption
// tests beside it need running pods and are not mirrored.
import { startHarness, type Harness } from '../harness.js';
import { STRATEGIC, testNamespace, type J } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';

test('[sig-scheduling] SchedulerPreemption [Serial] PriorityClass endpoints verify PriorityClass endpoints can be operated with different HTTP methods [Conformance]', async () => {
  const testUUID = await testNamespace(h, 'sched-preemption-path');
  const pcs: J[] = [];
  for (const i of [1, 2]) {
    pcs.push(
      (
        await h.api
          .post(PCS)
          .send({ metadata: { name: `${testUUID}-p${i}`, labels: { e2e: testUUID } }, value: i })
          .expect(201)
      ).body,
    );
  }
  try {
    // The two-way strategic merge patch of a changed value names only the value: immutable, refused.
    const valuePatch = await h.api.patch(`${PCS}/${pcs[0]!.metadata.name}`).set('Content-Type', STRATEGIC).send({ value: 10 });
    expect(valuePatch.status).toBe(422);
    const valueUpdate = await h.api.put(`${PCS}/${pcs[1]!.metadata.name}`).send({ ...pcs[1], value: 20 });
    expect(valueUpdate.status).toBe(422);

    const newDesc = 'updated description';
    await h.api.patch(`${PCS}/${pcs[0]!.metadata.name}`).set('Content-Type', STRATEGIC).send({ description: newDesc }).expect(200);
    await h.api
      .put(`${PCS}/${pcs[1]!.metadata.name}`)
      .send({ ...pcs[1], description: newDesc })
      .expect(200);

    await h.api.get(PCS).expect(200);
    for (const pc of pcs) {
      const live = (await h.api.get(`${PCS}/${pc.metadata.name}`).expect(200)).body;
      expect(live.value).toBe(pc.value);
      expect(live.description).toBe(newDesc);
    }
  } finally {
    await h.api.delete(`${PCS}?labelSelector=e2e%3D${testUUID}`).expect(200);
  }
});
