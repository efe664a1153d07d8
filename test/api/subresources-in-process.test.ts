// Subresources that create are served by their resource definition (SubresourceDef.create): the same code answers
// POST .../binding and .../eviction over HTTP (binding.test.ts, eviction.test.ts) and callers in process.
import { startHarness, ADMIN, type Harness } from './harness.js';
import { createSubresource } from '../../src/registry/subresources/index.js';
import type { ResourceDef, SubresourceContext } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { StatusError } from '../../src/machinery/api/errors.js';

let h: Harness;
let pods: ResourceDef;

beforeAll(async () => {
  h = await startHarness();
  pods = h.service.registry.find('', 'v1', 'pods')!;
});
afterAll(() => h.close());

const ctx = (dryRun: string[] = []): SubresourceContext => ({
  def: pods,
  service: h.service,
  write: { user: ADMIN, dryRun: dryRun.length > 0, warnings: [] },
  dryRun,
});
const pod = (name: string) =>
  h.service.create(
    pods,
    'default',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    },
    { user: ADMIN, dryRun: false, warnings: [] },
  );
const statusOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 0;
  } catch (e) {
    return (e as StatusError).code;
  }
};
const binding = (name: string, node: string) =>
  ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } }) as KObject;
const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } }) as KObject;

test('pods/binding sets spec.nodeName and answers a Success Status', async () => {
  await pod('bind-me');
  const out = await createSubresource(ctx(), 'default', 'bind-me', 'binding', binding('bind-me', 'node-a'));
  expect(out).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
  expect(((await h.service.get(pods, 'default', 'bind-me')).spec as { nodeName?: string }).nodeName).toBe('node-a');
  // A bound pod cannot be bound again (409), and the body must name the pod of the URL (400).
  expect(await statusOf(createSubresource(ctx(), 'default', 'bind-me', 'binding', binding('bind-me', 'node-b')))).toBe(409);
  expect(await statusOf(createSubresource(ctx(), 'default', 'bind-me', 'binding', binding('other', 'node-b')))).toBe(400);
});

test('pods/eviction deletes the pod (an unscheduled one at once); a dry run leaves it', async () => {
  await pod('evict-me');
  await createSubresource(ctx(['All']), 'default', 'evict-me', 'eviction', eviction('evict-me'));
  expect((await h.service.get(pods, 'default', 'evict-me')).metadata.deletionTimestamp).toBeUndefined();
  const out = await createSubresource(ctx(), 'default', 'evict-me', 'eviction', eviction('evict-me'));
  expect(out).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
  expect(await statusOf(h.service.get(pods, 'default', 'evict-me'))).toBe(404);
  expect(await statusOf(createSubresource(ctx(), 'default', 'missing', 'eviction', eviction('missing')))).toBe(404);
});

test('a subresource the resource lacks is a 404; one that only streams is a 405', async () => {
  expect(await statusOf(createSubresource(ctx(), 'default', 'bind-me', 'nonsense', {} as KObject))).toBe(404);
  expect(await statusOf(createSubresource(ctx(), 'default', 'bind-me', 'log', {} as KObject))).toBe(405);
});
