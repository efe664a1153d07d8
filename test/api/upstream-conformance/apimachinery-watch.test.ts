// Mirrors test/e2e/apimachinery/watch.go's [Conformance] tests (upstream v1.26) over the in-process server.
import { openWatch, type WatchStream } from '../harness.js';
import { expectEvent, expectNoEvent, sameObject, startCluster, type Cluster, type J } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster();
});
afterAll(() => c.close());

const LABEL = 'watch-this-configmap';
const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

/** watchConfigMaps: `watch-this-configmap in (values)`, from resourceVersion when given. */
function watchConfigMaps(ns: string, resourceVersion: string, ...values: string[]): Promise<WatchStream> {
  const selector = encodeURIComponent(`${LABEL} in (${values.join(',')})`);
  const rv = resourceVersion ? `&resourceVersion=${resourceVersion}` : '';
  return openWatch(c.h, `${cms(ns)}?watch=1&labelSelector=${selector}${rv}`);
}

const configMap = (name: string, value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { [LABEL]: value } },
});

async function create(ns: string, body: J): Promise<J> {
  return (await c.h.api.post(cms(ns)).send(body).expect(201)).body;
}

/** updateConfigMap: read, change, write (retried on conflict upstream; nothing else writes here). */
async function update(ns: string, name: string, change: (cm: J) => void): Promise<J> {
  const cm = (await c.h.api.get(`${cms(ns)}/${name}`).expect(200)).body;
  change(cm);
  return (
    await c.h.api
      .put(`${cms(ns)}/${name}`)
      .send(cm)
      .expect(200)
  ).body;
}
const setData = (key: string, value: string) => (cm: J) => {
  cm.data = { ...(cm.data ?? {}), [key]: value };
};

describe('[sig-api-machinery] Watchers', () => {
  const open: WatchStream[] = [];
  afterEach(() => {
    for (const w of open.splice(0)) w.close();
  });
  const track = (w: WatchStream) => (open.push(w), w);

  test('should observe add, update, and delete watch notifications on configmaps [Conformance]', async () => {
    const ns = await c.namespace('watch');
    const watchA = track(await watchConfigMaps(ns, '', 'multiple-watchers-A'));
    const watchB = track(await watchConfigMaps(ns, '', 'multiple-watchers-B'));
    const watchAB = track(await watchConfigMaps(ns, '', 'multiple-watchers-A', 'multiple-watchers-B'));

    let a = await create(ns, configMap('e2e-watch-test-configmap-a', 'multiple-watchers-A'));
    await expectEvent(watchA, 'ADDED', sameObject(a));
    await expectEvent(watchAB, 'ADDED', sameObject(a));
    await expectNoEvent(watchB, 'ADDED');

    for (const n of ['1', '2']) {
      a = await update(ns, a.metadata.name, setData('mutation', n));
      await expectEvent(watchA, 'MODIFIED', sameObject(a));
      await expectEvent(watchAB, 'MODIFIED', sameObject(a));
      await expectNoEvent(watchB, 'MODIFIED');
    }

    await c.h.api.delete(`${cms(ns)}/${a.metadata.name}`).expect(200);
    await expectEvent(watchA, 'DELETED');
    await expectEvent(watchAB, 'DELETED');
    await expectNoEvent(watchB, 'DELETED');

    const b = await create(ns, configMap('e2e-watch-test-configmap-b', 'multiple-watchers-B'));
    await expectEvent(watchB, 'ADDED', sameObject(b));
    await expectEvent(watchAB, 'ADDED', sameObject(b));
    await expectNoEvent(watchA, 'ADDED');

    await c.h.api.delete(`${cms(ns)}/${b.metadata.name}`).expect(200);
    await expectEvent(watchB, 'DELETED');
    await expectEvent(watchAB, 'DELETED');
    await expectNoEvent(watchA, 'DELETED');
  });

  test('should be able to start watching from a specific resource version [Conformance]', async () => {
    const ns = await c.namespace('watch');
    const cm = await create(ns, configMap('e2e-watch-test-resource-version', 'from-resource-version'));
    const first = await update(ns, cm.metadata.name, setData('mutation', '1'));
    const second = await update(ns, cm.metadata.name, setData('mutation', '2'));
    await c.h.api.delete(`${cms(ns)}/${cm.metadata.name}`).expect(200);

    const w = track(await watchConfigMaps(ns, first.metadata.resourceVersion, 'from-resource-version'));
    // The first event after the first update's version is the second update, then the deletion.
    const e = await w.next();
    expect(e.type).toBe('MODIFIED');
    expect(sameObject(second)(e.object)).toBe(true);
    await expectEvent(w, 'DELETED');
  });

  test('should be able to restart watching from the last resource version observed by the previous watch [Conformance]', async () => {
    const ns = await c.namespace('watch');
    const broken = await watchConfigMaps(ns, '', 'watch-closed-and-restarted');
    const cm = await create(ns, configMap('e2e-watch-test-watch-closed', 'watch-closed-and-restarted'));
    await update(ns, cm.metadata.name, setData('mutation', '1'));

    await expectEvent(broken, 'ADDED', sameObject(cm));
    const last = await expectEvent(broken, 'MODIFIED');
    broken.close();

    const second = await update(ns, cm.metadata.name, setData('mutation', '2'));
    const restarted = track(await watchConfigMaps(ns, last.object.metadata.resourceVersion, 'watch-closed-and-restarted'));
    await c.h.api.delete(`${cms(ns)}/${cm.metadata.name}`).expect(200);

    await expectEvent(restarted, 'MODIFIED', sameObject(second));
    await expectEvent(restarted, 'DELETED');
  });

  test('should observe an object deletion if it stops meeting the requirements of the selector [Conformance]', async () => {
    const ns = await c.namespace('watch');
    const name = 'e2e-watch-test-label-changed';
    const w = track(await watchConfigMaps(ns, '', 'label-changed-and-restored'));
    const cm = await create(ns, configMap(name, 'label-changed-and-restored'));
    const first = await update(ns, name, setData('mutation', '1'));
    await update(ns, name, (o) => (o.metadata.labels[LABEL] = 'wrong-value'));

    await expectEvent(w, 'ADDED', sameObject(cm));
    await expectEvent(w, 'MODIFIED', sameObject(first));
    await expectEvent(w, 'DELETED');

    await update(ns, name, setData('mutation', '2'));
    await expectNoEvent(w, 'MODIFIED');

    const restored = await update(ns, name, (o) => (o.metadata.labels[LABEL] = 'label-changed-and-restored'));
    const third = await update(ns, name, setData('mutation', '3'));
    await c.h.api.delete(`${cms(ns)}/${name}`).expect(200);

    await expectEvent(w, 'ADDED', sameObject(restored));
    await expectEvent(w, 'MODIFIED', sameObject(third));
    await expectEvent(w, 'DELETED');
  });

  test('should receive events on concurrent watches in same order [Conformance]', async () => {
    const ns = await c.namespace('watch');
    const iterations = 100;
    let resourceVersion = (await c.h.api.get(cms(ns)).expect(200)).body.metadata.resourceVersion as string;

    // produceConfigMapEvents: a create, update or delete every 5 ms until stopped.
    let stop = false;
    const producer = (async () => {
      const existing: number[] = [];
      let i = 0;
      while (!stop) {
        let op = Math.floor(Math.random() * 3);
        if (existing.length === 0) op = 0;
        const idx = Math.floor(Math.random() * existing.length);
        if (op === 0) {
          await c.h.api
            .post(cms(ns))
            .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` } })
            .expect(201);
          existing.push(i++);
        } else if (op === 1) {
          // An update without a resourceVersion: unconditional, as ConfigMaps allow.
          await c.h.api
            .put(`${cms(ns)}/cm-${existing[idx]}`)
            .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${existing[idx]}` } })
            .expect(200);
        } else {
          await c.h.api.delete(`${cms(ns)}/cm-${existing[idx]}`).expect(200);
          existing.splice(idx, 1);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    // A watcher from each event's resourceVersion: all of them must see the following events in the same order.
    const watchers: WatchStream[] = [];
    try {
      for (let i = 0; i < iterations; i++) {
        watchers.push(track(await openWatch(c.h, `${cms(ns)}?watch=1&resourceVersion=${resourceVersion}&allowWatchBookmarks=true`)));
        const nextRv = async (w: WatchStream) => {
          for (;;) {
            const e = await w.next(10_000);
            if (e.type !== 'BOOKMARK') return e.object.metadata.resourceVersion as string;
          }
        };
        resourceVersion = await nextRv(watchers[0]!);
        for (const w of watchers.slice(1)) expect(await nextRv(w)).toBe(resourceVersion);
      }
    } finally {
      stop = true;
      await producer;
    }
  });
});
