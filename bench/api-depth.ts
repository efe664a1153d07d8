// Issue-3 operations: server-side apply of a 50-container pod, and garbage collection of an owner with 1,000
// dependents. Apply is compared with the bare create round trip of the same body; GC with deleting the same
// 1,000 objects directly (deletecollection), measured in the same run.
import type https from 'node:https';
import type { Dockube } from './dockube-server.js';
import { expectStatus } from './https-client.js';
import { summarize, timeSequential, type Stats } from './stats.js';

export const DEPENDENTS = 1000;
const CONTAINERS = 50;

/** A pod with 50 containers (env, ports, resources); `variant` changes one image so every apply has work to do. */
export function bigPod(name: string, variant: number, nodeName?: string): string {
  const containers = Array.from({ length: CONTAINERS }, (_, i) => ({
    name: `c${i}`,
    image: `dockube/busybox:${i === variant % CONTAINERS ? `v${variant}` : 'test'}`,
    command: ['sh', '-c', 'sleep 100000'],
    env: [
      { name: 'INDEX', value: String(i) },
      { name: 'ROLE', value: 'bench' },
    ],
    ports: [{ containerPort: 8000 + i, protocol: 'TCP' }],
    resources: { requests: { cpu: '1m', memory: '1Mi' } },
  }));
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { ...(nodeName ? { nodeName } : {}), containers },
  });
}

/** A Node no kubelet runs: pods bound to it are stored and served but never started, so only the API works. */
export const IDLE_NODE = 'bench-idle-node';

export async function createIdleNode(dk: Dockube, agent: https.Agent): Promise<void> {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: IDLE_NODE } };
  await expectStatus(201, agent, dk.origin, 'POST', '/api/v1/nodes', JSON.stringify(node));
}

export async function applyBigPod(dk: Dockube, agent: https.Agent, namespace: string, n: number, warm: number): Promise<Stats> {
  const path = `/api/v1/namespaces/${namespace}/pods/big?fieldManager=bench&force=true`;
  const apply = async (i: number) => {
    await expectStatus([200, 201], agent, dk.origin, 'PATCH', path, bigPod('big', i, IDLE_NODE), 'application/apply-patch+yaml');
  };
  for (let i = 0; i < warm; i++) await apply(i);
  return timeSequential(n, (i) => apply(warm + i));
}

/** Plain creates (POST → 201) of the same 50-container pod JSON in dockube, each a new pod. */
export async function createBigPods(dk: Dockube, agent: https.Agent, namespace: string, n: number, warm: number): Promise<Stats> {
  const create = (i: number) =>
    expectStatus(201, agent, dk.origin, 'POST', `/api/v1/namespaces/${namespace}/pods`, bigPod(`plain-${i}`, i, IDLE_NODE)).then(
      () => undefined,
    );
  for (let i = 0; i < warm; i++) await create(n + i);
  return timeSequential(n, create);
}

const cm = (name: string, owner?: { name: string; uid: string }) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      labels: { set: 'gc' },
      ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.name, uid: owner.uid }] } : {}),
    },
    data: { a: '1' },
  });

async function populate(dk: Dockube, pool: https.Agent, namespace: string, owner?: { name: string; uid: string }): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < DEPENDENTS) {
        const i = next++;
        await expectStatus(201, pool, dk.origin, 'POST', `/api/v1/namespaces/${namespace}/configmaps`, cm(`dep-${i}`, owner));
      }
    }),
  );
}

async function untilEmpty(dk: Dockube, agent: https.Agent, namespace: string): Promise<void> {
  for (;;) {
    const res = await expectStatus(
      200,
      agent,
      dk.origin,
      'GET',
      `/api/v1/namespaces/${namespace}/configmaps?labelSelector=set%3Dgc&limit=1`,
    );
    if ((JSON.parse(res.body.toString()) as { items: unknown[] }).items.length === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Time from deleting the owner (background propagation) until its last dependent is gone. */
export async function gcOwner(
  dk: Dockube,
  agent: https.Agent,
  pool: https.Agent,
  namespace: string,
  rounds: number,
): Promise<{ gc: Stats; direct: Stats }> {
  const gcMs: number[] = [],
    directMs: number[] = [];
  const base = `/api/v1/namespaces/${namespace}/configmaps`;
  for (let r = 0; r < rounds; r++) {
    const created = await expectStatus(201, agent, dk.origin, 'POST', base, cm(`owner-${r}`));
    const uid = (JSON.parse(created.body.toString()) as { metadata: { uid: string } }).metadata.uid;
    await populate(dk, pool, namespace, { name: `owner-${r}`, uid });
    let t0 = performance.now();
    await expectStatus(200, agent, dk.origin, 'DELETE', `${base}/owner-${r}`, JSON.stringify({ propagationPolicy: 'Background' }));
    await untilEmpty(dk, agent, namespace);
    gcMs.push(performance.now() - t0);

    await populate(dk, pool, namespace);
    t0 = performance.now();
    await expectStatus(200, agent, dk.origin, 'DELETE', `${base}?labelSelector=set%3Dgc`);
    await untilEmpty(dk, agent, namespace);
    directMs.push(performance.now() - t0);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return { gc: summarize(gcMs, sum(gcMs)), direct: summarize(directMs, sum(directMs)) };
}
