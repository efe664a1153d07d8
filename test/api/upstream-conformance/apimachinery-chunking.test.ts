// Mirrors test/e2e/apimachinery/chunking.go's [Conformance] tests (promoted in upstream v1.29; the file is in v1.26
// too) over the in-process server. Where upstream waits for etcd's compaction (up to 10 minutes) to expire the first
// continue token, this server's window of recent changes is made small and other writes push the token's revision
// out of it: the same expiry, reached in a second.
import { startCluster, type Cluster, type J } from './cluster.js';
import { systemContext } from '../../../src/reconcilers/context.js';

const TOTAL = 400;
/** Window of 100 events: 101 later writes expire a token. */
const WINDOW_EVENTS = 100;
let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ watchCache: { maxEvents: WINDOW_EVENTS } });
});
afterAll(() => c.close());

const templates = (ns: string) => `/api/v1/namespaces/${ns}/podtemplates`;
const templateName = (i: number) => `template-${String(i).padStart(4, '0')}`;

/**
 * The BeforeEach: 400 PodTemplates, created 20 at a time. Through the service rather than HTTP (the same write path
 * below the handlers), which keeps the file's run short; the lists under test go over HTTP.
 */
async function createTemplates(ns: string): Promise<void> {
  const def = c.h.service.registry.find('', 'v1', 'podtemplates')!;
  for (let i = 0; i < TOTAL; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, TOTAL - i) }, (_, j) =>
        c.h.service.create(
          def,
          ns,
          {
            apiVersion: 'v1',
            kind: 'PodTemplate',
            metadata: { name: templateName(i + j) },
            template: { spec: { containers: [{ name: 'test', image: 'test2' }] } },
          },
          systemContext('e2e'),
        ),
      ),
    );
  }
}

const list = async (ns: string, limit: number, cont?: string) =>
  c.h.api.get(`${templates(ns)}?limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);

/** remainingItemCount is set exactly when there is a continue token, and adds up to the total. */
function checkRemaining(page: J, found: number): void {
  if (!page.metadata.continue) expect(page.metadata.remainingItemCount).toBeUndefined();
  else expect(page.metadata.remainingItemCount + page.items.length + found).toBe(TOTAL);
}

describe('[sig-api-machinery] Servers with support for API chunking', () => {
  test('should return chunks of results for list calls [Conformance]', async () => {
    const ns = await c.namespace('chunking');
    await createTemplates(ns);
    for (let i = 0; i < 3; i++) {
      let found = 0;
      let lastRV = '';
      let cont: string | undefined;
      for (;;) {
        const page = (await list(ns, 17, cont).then((r) => r.body)) as J;
        expect(page.items.length).toBeLessThanOrEqual(17);
        lastRV ||= page.metadata.resourceVersion;
        expect(page.metadata.resourceVersion).toBe(lastRV);
        checkRemaining(page, found);
        for (const item of page.items as J[]) expect(item.metadata.name).toBe(templateName(found++));
        if (!page.metadata.continue) break;
        cont = page.metadata.continue;
      }
      expect(found).toBe(TOTAL);
    }
    const all = (await list(ns, TOTAL + 1)).body;
    expect(all.items).toHaveLength(TOTAL);
  });

  test('should support continue listing from the last key if the original version has been compacted away, though the list is inconsistent [Slow] [Conformance]', async () => {
    const ns = await c.namespace('chunking');
    await createTemplates(ns);
    const oneTenth = TOTAL / 10;
    const first = (await list(ns, oneTenth)).body;
    checkRemaining(first, 0);
    const firstToken = first.metadata.continue as string;
    const firstRV = first.metadata.resourceVersion as string;

    // What compaction does to the token's revision: more writes than the window holds.
    const other = `/api/v1/namespaces/${ns}/configmaps`;
    await c.h.api.post(other).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn' }, data: { n: '0' } });
    for (let n = 1; n <= WINDOW_EVENTS + 1; n++)
      await c.h.api
        .put(`${other}/churn`)
        .send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn' }, data: { n: String(n) } })
        .expect(200);

    const expired = await list(ns, oneTenth, firstToken);
    expect(expired.status).toBe(410);
    expect(expired.body.reason).toBe('Expired');
    const inconsistentToken = expired.body.metadata.continue as string;
    expect(inconsistentToken).toBeTruthy();

    const second = (await list(ns, oneTenth, inconsistentToken).then((r) => r.body)) as J;
    expect(second.metadata.resourceVersion).not.toBe(firstRV);
    expect(second.items).toHaveLength(oneTenth);
    let found = oneTenth;
    checkRemaining(second, found);
    for (const item of second.items as J[]) expect(item.metadata.name).toBe(templateName(found++));

    let cont = second.metadata.continue as string;
    const lastRV = second.metadata.resourceVersion as string;
    for (;;) {
      const page = (await list(ns, oneTenth, cont).then((r) => r.body)) as J;
      checkRemaining(page, found);
      expect(page.items.length).toBeLessThanOrEqual(oneTenth);
      expect(page.metadata.resourceVersion).toBe(lastRV);
      for (const item of page.items as J[]) expect(item.metadata.name).toBe(templateName(found++));
      if (!page.metadata.continue) break;
      cont = page.metadata.continue;
    }
    expect(found).toBe(TOTAL);
  });
});
