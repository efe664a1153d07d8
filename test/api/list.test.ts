// Lists: limit/continue paging, label selectors, the per-kind field selectors, and their errors.
import { CM, PODS, configMap, pod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const names = (body: { items: { metadata: { name: string } }[] }) => body.items.map((i) => i.metadata.name);
const sorted = (xs: string[]) => [...xs].sort();

async function makeNamespace(name: string) {
  await h.api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
}

describe('limit and continue', () => {
  const NS = '/api/v1/namespaces/paging/configmaps';
  const TOTAL = 23;

  beforeAll(async () => {
    await makeNamespace('paging');
    for (let i = 0; i < TOTAL; i++)
      await h.api
        .post(NS)
        .send(configMap(`cm-${String(i).padStart(2, '0')}`, { metadata: { labels: { parity: i % 2 ? 'odd' : 'even' } } }))
        .expect(201);
  });

  test('pages return every object exactly once, with remainingItemCount and a stable list revision', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const q = token ? `?limit=5&continue=${encodeURIComponent(token)}` : '?limit=5';
      const res = await h.api.get(`${NS}${q}`).expect(200);
      pages++;
      seen.push(...names(res.body));
      rv ??= res.body.metadata.resourceVersion;
      expect(res.body.metadata.resourceVersion).toBe(rv);
      token = res.body.metadata.continue;
      if (token) expect(res.body.metadata.remainingItemCount).toBe(TOTAL - seen.length);
      else expect(res.body.metadata).not.toHaveProperty('remainingItemCount');
    } while (token);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(TOTAL);
    expect(new Set(seen).size).toBe(TOTAL);
    expect(seen).toEqual(sorted(seen));
  });

  test('an exact multiple of the limit ends without a continue token', async () => {
    const first = await h.api.get(`${NS}?limit=${TOTAL}`).expect(200);
    expect(first.body.items).toHaveLength(TOTAL);
    expect(first.body.metadata.continue).toBeUndefined();
  });

  test('with a selector, pages are full, complete, and carry no remainingItemCount', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const q = `?labelSelector=parity%3Dodd&limit=4${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const res = await h.api.get(`${NS}${q}`).expect(200);
      seen.push(...names(res.body));
      if (res.body.metadata.continue) expect(res.body.items).toHaveLength(4);
      expect(res.body.metadata.remainingItemCount).toBeUndefined();
      token = res.body.metadata.continue;
    } while (token);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => `cm-${String(2 * i + 1).padStart(2, '0')}`));
  });

  test('an invalid continue token is 400', async () => {
    const res = await h.api.get(`${NS}?limit=5&continue=garbage`).expect(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(res.body.message).toMatch(/^continue key is not valid/);
  });

  test('a non-integer limit is 400', async () => {
    await h.api.get(`${NS}?limit=abc`).expect(400);
  });
});

describe('label selectors', () => {
  const NS = '/api/v1/namespaces/labels/configmaps';
  beforeAll(async () => {
    await makeNamespace('labels');
    const objs: [string, Record<string, string>][] = [
      ['web-prod', { app: 'web', env: 'prod' }],
      ['web-dev', { app: 'web', env: 'dev' }],
      ['db-prod', { app: 'db', env: 'prod' }],
      ['bare', {}],
      ['canary', { app: 'web', env: 'prod', canary: 'true' }],
    ];
    for (const [n, labels] of objs)
      await h.api
        .post(NS)
        .send(configMap(n, { metadata: { labels } }))
        .expect(201);
  });

  test.each([
    ['app=web', ['canary', 'web-dev', 'web-prod']],
    ['app==web,env!=dev', ['canary', 'web-prod']],
    ['env in (prod,staging)', ['canary', 'db-prod', 'web-prod']],
    ['env notin (prod)', ['bare', 'web-dev']],
    ['!canary', ['bare', 'db-prod', 'web-dev', 'web-prod']],
    ['canary', ['canary']],
    ['app,!env', []],
  ])('%s', async (sel, want) => {
    const res = await h.api.get(`${NS}?labelSelector=${encodeURIComponent(sel)}`).expect(200);
    expect(sorted(names(res.body))).toEqual(want);
  });

  test('an unparsable label selector is 400', async () => {
    const res = await h.api.get(`${NS}?labelSelector=${encodeURIComponent('app in (web')}`).expect(400);
    expect(res.body.reason).toBe('BadRequest');
  });
});

describe('field selectors', () => {
  beforeAll(async () => {
    await h.api
      .post(PODS)
      .send(pod('on-n1', { nodeName: 'n1' }))
      .expect(201);
    await h.api
      .post(PODS)
      .send(pod('on-n2', { nodeName: 'n2' }))
      .expect(201);
    await h.api.post(PODS).send(pod('nowhere')).expect(201);
    const running = (await h.api.get(`${PODS}/on-n1`)).body;
    await h.api
      .put(`${PODS}/on-n1/status`)
      .send({ ...running, status: { ...running.status, phase: 'Running' } })
      .expect(200);
  });

  test('pods by status.phase', async () => {
    const res = await h.api.get(`${PODS}?fieldSelector=${encodeURIComponent('status.phase=Running')}`).expect(200);
    expect(names(res.body)).toEqual(['on-n1']);
    const pending = await h.api.get(`${PODS}?fieldSelector=${encodeURIComponent('status.phase!=Running')}`).expect(200);
    expect(sorted(names(pending.body))).toEqual(['nowhere', 'on-n2']);
  });

  test('pods by spec.nodeName, across namespaces, and unscheduled ones', async () => {
    const res = await h.api.get(`/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=n2')}`).expect(200);
    expect(names(res.body)).toEqual(['on-n2']);
    const unscheduled = await h.api.get(`${PODS}?fieldSelector=${encodeURIComponent('spec.nodeName=')}`).expect(200);
    expect(names(unscheduled.body)).toEqual(['nowhere']);
    const both = await h.api.get(`${PODS}?fieldSelector=${encodeURIComponent('status.phase=Running,spec.nodeName=n1')}`).expect(200);
    expect(names(both.body)).toEqual(['on-n1']);
  });

  test('metadata.name and metadata.namespace work for every kind', async () => {
    await h.api.post(CM).send(configMap('same-name')).expect(201);
    await makeNamespace('other');
    await h.api.post('/api/v1/namespaces/other/configmaps').send(configMap('same-name')).expect(201);
    const all = await h.api.get(`/api/v1/configmaps?fieldSelector=${encodeURIComponent('metadata.name=same-name')}`).expect(200);
    expect(all.body.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace).sort()).toEqual(['default', 'other']);
    const res = await h.api
      .get(`/api/v1/configmaps?fieldSelector=${encodeURIComponent('metadata.namespace=other,metadata.name=same-name')}`)
      .expect(200);
    expect(res.body.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace)).toEqual(['other']);
    const ns = await h.api.get(`/api/v1/namespaces?fieldSelector=${encodeURIComponent('metadata.name=kube-system')}`).expect(200);
    expect(names(ns.body)).toEqual(['kube-system']);
  });

  test('events by involvedObject.name', async () => {
    const ev = (name: string, target: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name },
      involvedObject: { kind: 'Pod', name: target, namespace: 'default' },
      reason: 'Testing',
      message: 'hello',
      type: 'Normal',
      source: { component: 'test' },
      firstTimestamp: '2024-01-01T00:00:00Z',
      lastTimestamp: '2024-01-01T00:00:00Z',
      count: 1,
    });
    await h.api.post('/api/v1/namespaces/default/events').send(ev('e1', 'on-n1')).expect(201);
    await h.api.post('/api/v1/namespaces/default/events').send(ev('e2', 'on-n2')).expect(201);
    const res = await h.api
      .get(`/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent('involvedObject.name=on-n2')}`)
      .expect(200);
    expect(names(res.body)).toEqual(['e2']);
  });

  test('secrets by type', async () => {
    const S = '/api/v1/namespaces/default/secrets';
    await h.api
      .post(S)
      .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque' }, stringData: { a: 'b' } })
      .expect(201);
    await h.api
      .post(S)
      .send({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': '', 'tls.key': '' },
      })
      .expect(201);
    const res = await h.api.get(`${S}?fieldSelector=${encodeURIComponent('type=kubernetes.io/tls')}`).expect(200);
    expect(names(res.body)).toEqual(['tls']);
    const opaque = await h.api.get(`${S}?fieldSelector=${encodeURIComponent('type=Opaque')}`).expect(200);
    expect(names(opaque.body)).toEqual(['opaque']);
  });

  test('an unsupported field selector is 400 with Kubernetes wording', async () => {
    const res = await h.api.get(`${CM}?fieldSelector=${encodeURIComponent('data.k=v')}`).expect(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(res.body.message).toBe('"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});
