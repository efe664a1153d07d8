// The kubelet's status writes (status-writer.ts) and token manager (pod-tokens.ts) against scripted fakes: no write
// when nothing changed, a lost race read again and recomputed, a replaced pod left alone; tokens asked for once,
// again past 80% of their lifetime, and a failed refresh keeping the token that has not expired.
import { StatusError } from '../../src/machinery/api/errors.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { Client } from '../../src/client/types.js';
import { writePodStatus } from '../../src/reconcilers/kubelet/status-writer.js';
import { PodTokenManager, type RequestToken } from '../../src/serviceaccount/pod-tokens.js';
import type { Pod } from '../../src/translate/index.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const podObj = (rv: string, status: J, uid = 'u1'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid, resourceVersion: rv },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status,
});

/** A store of one pod: updateStatus checks the resourceVersion as the API server does. */
function fakeClient(stored: KObject) {
  const calls: string[] = [];
  const client = {
    async get() {
      calls.push('get');
      return structuredClone(stored);
    },
    async updateStatus(_gvr: unknown, _ns: unknown, obj: KObject) {
      calls.push('updateStatus');
      if (obj.metadata.uid !== stored.metadata.uid) throw new StatusError(409, 'Conflict', 'uid precondition');
      if (obj.metadata.resourceVersion !== stored.metadata.resourceVersion)
        throw new StatusError(409, 'Conflict', 'the object has been modified');
      stored = {
        ...stored,
        status: obj.status,
        metadata: { ...stored.metadata, resourceVersion: String(Number(stored.metadata.resourceVersion) + 1) },
      };
      return stored;
    },
  } as unknown as Client;
  return { client, calls, stored: () => stored };
}

test('an unchanged status writes nothing and reads nothing', async () => {
  const cached = podObj('5', { phase: 'Running' });
  const f = fakeClient(cached);
  const out = await writePodStatus(f.client, cached as unknown as Pod, () => ({ phase: 'Running' }));
  expect(out).toEqual({ phase: 'Running' });
  expect(f.calls).toEqual([]);
});

test('a changed status is written from the cached pod in one request', async () => {
  const cached = podObj('5', { phase: 'Pending' });
  const f = fakeClient(cached);
  await writePodStatus(f.client, cached as unknown as Pod, (cur) => ({ ...(cur.status as J), phase: 'Running' }));
  expect(f.calls).toEqual(['updateStatus']);
  expect(f.stored().status).toEqual({ phase: 'Running' });
});

test('a stale cache loses the race (409): the pod is read again and the status recomputed against it', async () => {
  const f = fakeClient(podObj('7', { phase: 'Running', podIP: '10.0.0.9' }));
  const stale = podObj('5', { phase: 'Pending' });
  const seen: J[] = [];
  const out = await writePodStatus(f.client, stale as unknown as Pod, (cur) => {
    seen.push(cur.status as J);
    return { ...(cur.status as J), phase: 'Running' };
  });
  expect(f.calls).toEqual(['updateStatus', 'get']);
  expect(seen).toEqual([{ phase: 'Pending' }, { phase: 'Running', podIP: '10.0.0.9' }]);
  // Against the fresh pod nothing changed: no second write.
  expect(out).toEqual({ phase: 'Running', podIP: '10.0.0.9' });
});

test('a pod replaced under the same name (another uid) is left alone; a pod gone resolves to undefined', async () => {
  const f = fakeClient(podObj('9', { phase: 'Pending' }, 'u2'));
  const old = podObj('5', { phase: 'Pending' }, 'u1');
  expect(await writePodStatus(f.client, old as unknown as Pod, () => ({ phase: 'Running' }))).toBeUndefined();
  expect(f.calls).toEqual(['updateStatus', 'get']);
  expect(f.stored().status).toEqual({ phase: 'Pending' });
  const gone = { updateStatus: async () => Promise.reject(new StatusError(404, 'NotFound', 'gone')) } as unknown as Client;
  expect(await writePodStatus(gone, old as unknown as Pod, () => ({ phase: 'Running' }))).toBeUndefined();
});

describe('PodTokenManager', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: {
      serviceAccountName: 'sa',
      containers: [],
      volumes: [
        { name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 1000, audience: 'aud' } }] } },
      ],
    },
  } as unknown as Pod;

  test('asks once, again past 80% of the lifetime; a failed refresh serves the token until it expires', async () => {
    let now = 1_000_000;
    const asked: J[] = [];
    let fail = false;
    const request: RequestToken = async (ns, sa, spec) => {
      asked.push({ ns, sa, ...spec });
      if (fail) throw new StatusError(503, 'ServiceUnavailable', 'not now');
      return { token: `t${asked.length}`, expirationTimestamp: new Date(now + spec.expirationSeconds * 1000).toISOString() };
    };
    const m = new PodTokenManager(request, () => now);
    const src = () => m.prepare(pod).then((s) => s!({ audience: 'aud', expirationSeconds: 1000 }));
    expect(await src()).toBe('t1');
    expect(asked[0]).toEqual({
      ns: 'ns',
      sa: 'sa',
      audiences: ['aud'],
      expirationSeconds: 1000,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u1' },
    });
    now += 790_000;
    expect(await src()).toBe('t1');
    expect(asked).toHaveLength(1);
    now += 20_000; // past 800 s of 1000
    expect(await src()).toBe('t2');
    fail = true;
    now += 850_000; // t2 is due for refresh, the request fails, t2 has not expired
    expect(await src()).toBe('t2');
    now += 200_000; // t2 expired and still no new token
    expect(await src()).toBeUndefined();
  });
});
