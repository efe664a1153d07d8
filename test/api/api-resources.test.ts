// `kubectl api-resources` against dockube holds every resource of a default kube-apiserver 1.33 (the fixture), with
// the same short names, version, scope and kind, except exactly the ones test/fixtures/api-resources/not-yet-served.json
// names: the test fails on a resource missing from that list and on one that list names but that is served.
import { startHarness, type Harness } from './harness.js';
import { NOT_YET_SERVED, UPSTREAM_1_33, qualified, type ApiResourceRow } from '../support/api-resources.js';
import { compareStrings } from '../../src/machinery/compare.js';

let h: Harness;
let served: Map<string, ApiResourceRow>;

interface DiscoveredResource {
  name: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
}

/** What kubectl api-resources reads: /api/v1 and each group's preferred version, subresources left out. */
async function discover(): Promise<Map<string, ApiResourceRow>> {
  const out = new Map<string, ApiResourceRow>();
  const add = (apiVersion: string, resources: DiscoveredResource[]) => {
    for (const r of resources.filter((x) => !x.name.includes('/'))) {
      const row = { name: r.name, shortNames: r.shortNames ?? [], apiVersion, namespaced: r.namespaced, kind: r.kind };
      out.set(qualified(row), row);
    }
  };
  add('v1', (await h.api.get('/api/v1').expect(200)).body.resources);
  const groups = (await h.api.get('/apis').expect(200)).body.groups as { preferredVersion: { groupVersion: string } }[];
  for (const g of groups) {
    const gv = g.preferredVersion.groupVersion;
    add(gv, (await h.api.get(`/apis/${gv}`).expect(200)).body.resources);
  }
  return out;
}

beforeAll(async () => {
  h = await startHarness();
  served = await discover();
});
afterAll(() => h.close());

test('the fixture is kube-apiserver 1.33 as kubectl prints it: 60 resources, no duplicates', () => {
  expect(UPSTREAM_1_33).toHaveLength(60);
  expect(new Set(UPSTREAM_1_33.map(qualified)).size).toBe(60);
  for (const name of NOT_YET_SERVED) expect(UPSTREAM_1_33.map(qualified)).toContain(name);
});

test('exactly the resources on the not-yet-served list are missing', () => {
  const missing = UPSTREAM_1_33.map(qualified)
    .filter((n) => !served.has(n))
    .sort(compareStrings);
  expect(missing).toEqual([...NOT_YET_SERVED].sort(compareStrings));
});

test('every served upstream resource has upstream short names, preferred version, scope and kind', () => {
  const differ = UPSTREAM_1_33.filter((r) => served.has(qualified(r)))
    .map((r) => ({ upstream: r, dockube: served.get(qualified(r))! }))
    .filter(({ upstream, dockube }) => JSON.stringify(upstream) !== JSON.stringify(dockube));
  expect(differ).toEqual([]);
});
