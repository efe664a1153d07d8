// Mirrors upstream's PodDisruptionBudget API conformance tests that need no running pod (test/e2e/apps/disruption.go),
// with the disruption controller in process: every write waits, as upstream's helpers do, for the budget to be
// processed (status.observedGeneration caught up with metadata.generation).
import pino from 'pino';
import { startHarness, type Harness } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import { startDisruptionController, type RunningDisruptionController } from '../../../src/reconcilers/disruption/disruption-controller.js';
import { until } from '../../support/until.js';
import { MERGE, testNamespace, type J } from './support.js';

let h: Harness;
let disruption: RunningDisruptionController;
beforeAll(async () => {
  h = await startHarness();
  disruption = await startDisruptionController(makeContext(h.service, pino({ level: 'silent' })));
});
afterAll(async () => {
  disruption?.stop();
  await h?.close();
});

const pdbs = (ns: string) => `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`;
async function waitForProcessed(ns: string, name: string): Promise<J> {
  return until(async () => {
    const pdb = (await h.api.get(`${pdbs(ns)}/${name}`).expect(200)).body;
    return (pdb.status?.observedGeneration ?? 0) >= pdb.metadata.generation ? pdb : undefined;
  });
}
async function createPdbMinAvailable(ns: string, name: string, minAvailable: number | string, labels: Record<string, string>) {
  await h.api
    .post(pdbs(ns))
    .send({ metadata: { name, labels }, spec: { selector: { matchLabels: { foo: 'bar' } }, minAvailable } })
    .expect(201);
  await waitForProcessed(ns, name);
}
const namesOf = (list: J) => list.items.map((p: J) => p.metadata.name).sort();

test('[sig-apps] DisruptionController Listing PodDisruptionBudgets for all namespaces should list and delete a collection of PodDisruptionBudgets [Conformance]', async () => {
  const ns = await testNamespace(h, 'disruption');
  const other = await testNamespace(h, 'disruption-2');
  const special = { foo_pdb: 'bar_pdb' };
  await createPdbMinAvailable(ns, 'foo', 2, special);
  await createPdbMinAvailable(ns, 'foo2', '1%', special);
  await createPdbMinAvailable(other, 'foo3', 2, special);

  const all = (await h.api.get('/apis/policy/v1/poddisruptionbudgets?labelSelector=foo_pdb%3Dbar_pdb').expect(200)).body;
  expect(namesOf(all)).toEqual(['foo', 'foo2', 'foo3']);
  const mine = (await h.api.get(`${pdbs(ns)}?labelSelector=foo_pdb%3Dbar_pdb`).expect(200)).body;
  expect(namesOf(mine)).toEqual(['foo', 'foo2']);

  await h.api.delete(pdbs(ns)).expect(200);
  await until(async () => (await h.api.get(pdbs(ns)).expect(200)).body.items.length === 0);
});

test('[sig-apps] DisruptionController should create a PodDisruptionBudget [Conformance]', async () => {
  const ns = await testNamespace(h, 'disruption');
  await createPdbMinAvailable(ns, 'foo', '1%', { foo: 'bar' });

  const current = (await h.api.get(`${pdbs(ns)}/foo`).expect(200)).body;
  current.spec.minAvailable = '2%';
  const updated = (
    await h.api
      .put(`${pdbs(ns)}/foo`)
      .send(current)
      .expect(200)
  ).body;
  await waitForProcessed(ns, 'foo');
  expect(updated.spec.minAvailable).toBe('2%');

  // patchPDBOrDie reads the object through /status first, then patches the main resource.
  await h.api.get(`${pdbs(ns)}/foo/status`).expect(200);
  const patched = (
    await h.api
      .patch(`${pdbs(ns)}/foo`)
      .set('Content-Type', MERGE)
      .send({ spec: { minAvailable: '3%' } })
      .expect(200)
  ).body;
  await waitForProcessed(ns, 'foo');
  expect(patched.spec.minAvailable).toBe('3%');

  await h.api.delete(`${pdbs(ns)}/foo`).expect(200);
  await until(async () => (await h.api.get(`${pdbs(ns)}/foo`)).status === 404);
});
