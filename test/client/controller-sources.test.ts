// The shared Controller with informer sources: no reconcile before every cache has synced, predicates filter what
// enqueues, a start whose cache cannot fill fails after the sync timeout instead of hanging.
import pino from 'pino';
import { startHarness, ADMIN, VIEWER, type Harness } from '../api/harness.js';
import { Controller } from '../../src/reconcilers/controller.js';
import { Informer, PREDICATE } from '../../src/client/informer.js';
import { GVR, type Client } from '../../src/client/types.js';
import { inProcessClient } from './clients.js';

const log = pino({ level: 'silent' });
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** A client whose lists wait for `open()`. */
function gatedLists(inner: Client): { client: Client; open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'list')
        return async (...args: Parameters<Client['list']>) => {
          await gate;
          return target.list(...args);
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { client, open };
}

test('workers wait for every source to sync; predicates filter', async () => {
  const admin = inProcessClient(h, ADMIN);
  await admin.create(GVR.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cs-a' } });
  const slow = gatedLists(admin);
  const reconciled: string[] = [];
  const c = new Controller(
    'sources-test',
    async (key) => {
      reconciled.push(key);
    },
    log,
  );
  c.source(
    new Informer(admin, GVR.configmaps, { namespace: 'default' }),
    (_t, _o, o) => [o.metadata.name!],
    (_t, _o, o) => o.metadata.name!.startsWith('cs-'),
  );
  c.source(new Informer(slow.client, GVR.namespaces), () => [], PREDICATE.resourceVersionChanged);
  const started = c.start();
  await new Promise((r) => setTimeout(r, 100));
  expect(reconciled).toEqual([]); // the configmaps have synced and enqueued, the namespaces not yet
  slow.open();
  await started;
  await new Promise((r) => setTimeout(r, 50));
  expect(reconciled).toEqual(['cs-a']);
  await admin.create(GVR.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });
  await admin.create(GVR.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cs-b' } });
  await new Promise((r) => setTimeout(r, 50));
  expect(reconciled).toEqual(['cs-a', 'cs-b']);
  c.stop();
});

test('a source the identity may not list fails the start after the sync timeout', async () => {
  const c = new Controller('refused-test', async () => {}, log);
  c.source(new Informer(inProcessClient(h, VIEWER), GVR.secrets, { backoffMs: 5 }), () => []);
  await expect(c.start(200)).rejects.toThrow('controller refused-test: caches did not sync within 200 ms');
  c.stop();
});
