// The deployment controller over the client seam, in process (as system:kube-controller-manager) and over HTTP,
// against the API harness with no ReplicaSet controller and no kubelet: the test plays both, writing each set's
// status (replicas, ready, available) as they would. Checks the set's name, hash label and selector, owner,
// annotations, the rolling steps of a template change, the revision of a rollback, /scale, Recreate, and the
// status and conditions kubectl reads.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startDeploymentController, type RunningDeploymentController } from '../../src/reconcilers/deployment/deployment-controller.js';
import { GVR, type Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { httpClient } from './clients.js';
import { computeHash } from '../../src/reconcilers/deployment/hash.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const DEPLOY: Gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
const RS: Gvr = { group: 'apps', version: 'v1', resource: 'replicasets' };

const deployment = (name: string, replicas: number, image: string, strategy: J): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    strategy,
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

describe.each(['in-process', 'https'])('deployment controller over the %s client', (kind) => {
  let h: Harness;
  let api: HttpClient;
  let dc: RunningDeploymentController;
  const ns = 'default';

  const setsOf = async (app: string) => (await api.list(RS, ns, { labelSelector: `app=${app}` })).items as J[];
  const image = (rs: J) => rs.spec.template.spec.containers[0].image;
  const byImage = async (app: string, img: string) => (await setsOf(app)).find((rs) => image(rs) === img);
  /** What the ReplicaSet controller and kubelets would report once every asked-for pod is ready and available. */
  const settle = async (rs: J) => {
    const cur = (await api.get(RS, ns, rs.metadata.name).catch(() => undefined)) as J | undefined;
    if (!cur) return; // deleted meanwhile (history cleanup)
    const n = cur.spec.replicas;
    const status = {
      replicas: n,
      fullyLabeledReplicas: n,
      readyReplicas: n,
      availableReplicas: n,
      observedGeneration: cur.metadata.generation,
    };
    if (JSON.stringify(cur.status ?? {}) !== JSON.stringify(status))
      await api.updateStatus(RS, ns, { ...cur, status } as unknown as KObject);
  };
  const events = async (name: string) =>
    (await api.list(GVR.events, ns)).items.filter((e) => (e as J).involvedObject.name === name).map((e) => (e as J).message as string);
  const get = async (name: string) => (await api.get(DEPLOY, ns, name)) as J;
  const condition = (d: J, type: string) => (d.status?.conditions ?? []).find((c: J) => c.type === type);

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    dc = await startDeploymentController(makeContext(h.service, log, kind === 'https' ? { client: () => api } : {}));
  });
  afterAll(async () => {
    dc.stop();
    api.close();
    await h.close();
  });

  test('a rolling update: the new set named by its hash, stepped within maxSurge/maxUnavailable, then undone', async () => {
    const app = `roll-${kind}`;
    await api.create(
      DEPLOY,
      ns,
      deployment(app, 4, 'img:v1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }),
    );
    const v1 = await until(() => byImage(app, 'img:v1'));
    const hash = v1.metadata.labels['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(v1.metadata.name).toBe(`${app}-${hash}`);
    expect(v1.spec.selector.matchLabels).toEqual({ app, 'pod-template-hash': hash });
    expect(v1.spec.template.metadata.labels).toEqual({ app, 'pod-template-hash': hash });
    expect(v1.spec.replicas).toBe(4);
    expect(v1.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: app, controller: true, blockOwnerDeletion: true }),
    ]);
    expect(v1.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    let d = await until(async () => {
      const x = await get(app);
      return condition(x, 'Progressing')?.reason === 'NewReplicaSetCreated' && x;
    });
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(condition(d, 'Progressing').message).toBe(`Created new replica set "${v1.metadata.name}"`);

    await settle(v1);
    d = await until(async () => {
      const x = await get(app);
      return condition(x, 'Progressing')?.reason === 'NewReplicaSetAvailable' && x;
    });
    expect(d.status).toMatchObject({
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      observedGeneration: d.metadata.generation,
    });
    expect(d.status.unavailableReplicas ?? 0).toBe(0);
    expect(condition(d, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    expect(condition(d, 'Progressing').message).toBe(`ReplicaSet "${v1.metadata.name}" has successfully progressed.`);

    // v1 -> v2: one surge pod, one old pod down (4 + 1 at most, 4 - 1 available at least).
    await api.patch(DEPLOY, ns, app, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:v2' }] } } } });
    const v2 = await until(() => byImage(app, 'img:v2'));
    await until(async () => ((await api.get(RS, ns, v1.metadata.name)) as J).spec.replicas === 3);
    // With nothing new available yet the new set may grow to 2 (3 + 2 = 5 pods), never further.
    const sizes = (await setsOf(app)).map((rs) => rs.spec.replicas as number);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
    expect(((await api.get(RS, ns, v2.metadata.name)) as J).spec.replicas).toBeLessThanOrEqual(2);
    expect(v2.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(v2.metadata.name).not.toBe(v1.metadata.name);
    const msgs = await until(async () => {
      const m = await events(app);
      return m.some((x) => x.startsWith('Scaled down')) && m;
    });
    expect(msgs).toContain(`Scaled up replica set ${v1.metadata.name} from 0 to 4`);
    expect(msgs).toContain(`Scaled up replica set ${v2.metadata.name} from 0 to 1`);
    expect(msgs).toContain(`Scaled down replica set ${v1.metadata.name} from 4 to 3`);

    // Play the pods becoming ready; the sum of asked-for pods never exceeds 5 and availability never drops below 3.
    for (let i = 0; i < 40; i++) {
      const sets = await setsOf(app);
      expect(sets.reduce((n, rs) => n + rs.spec.replicas, 0)).toBeLessThanOrEqual(5);
      const x = await get(app);
      if (condition(x, 'Progressing')?.reason === 'NewReplicaSetAvailable' && x.status.updatedReplicas === 4 && x.status.replicas === 4)
        break;
      for (const rs of sets) await settle(rs);
      await new Promise((r) => setTimeout(r, 50));
    }
    d = await get(app);
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(((await api.get(RS, ns, v1.metadata.name)) as J).spec.replicas).toBe(0);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');

    // Undo as kubectl does it: the old set's template (without its hash label) back into the deployment.
    const tpl = structuredClone(v1.spec.template);
    delete tpl.metadata.labels['pod-template-hash'];
    await api.patch(DEPLOY, ns, app, 'json', [{ op: 'replace', path: '/spec/template', value: tpl }]);
    const back = await until(async () => {
      const rs = (await api.get(RS, ns, v1.metadata.name)) as J;
      return rs.metadata.annotations['deployment.kubernetes.io/revision'] === '3' && rs;
    });
    expect(back.metadata.annotations['deployment.kubernetes.io/revision-history']).toBe('1');
    expect((await setsOf(app)).length).toBe(2); // the old set was reused, not recreated
  });

  test('scaled through /scale: the one active set follows; Recreate scales old sets to 0 before the new one', async () => {
    const app = `re-${kind}`;
    await api.create(DEPLOY, ns, deployment(app, 2, 'img:v1', { type: 'Recreate' }));
    const v1 = await until(() => byImage(app, 'img:v1'));
    await settle(v1);
    await api.update(
      DEPLOY,
      ns,
      {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: app, namespace: ns },
        spec: { replicas: 3 },
      } as KObject,
      { subresource: 'scale' },
    );
    await until(async () => ((await api.get(RS, ns, v1.metadata.name)) as J).spec.replicas === 3);
    await settle(v1);

    await api.patch(DEPLOY, ns, app, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:v2' }] } } } });
    await until(async () => ((await api.get(RS, ns, v1.metadata.name)) as J).spec.replicas === 0);
    // Old pods still reported: no new set yet.
    await new Promise((r) => setTimeout(r, 200));
    expect(await byImage(app, 'img:v2')).toBeUndefined();
    await settle(v1);
    const v2 = await until(() => byImage(app, 'img:v2'));
    expect(v2.spec.replicas).toBe(3);
    expect(v2.metadata.annotations['deployment.kubernetes.io/max-replicas']).toBe('3');
  });

  test('a hash collision (the name taken by another template) bumps collisionCount and hashes anew', async () => {
    const app = `col-${kind}`;
    // Paused from the start: no set is created, so the stored (defaulted) template can be hashed first.
    await api.create(DEPLOY, ns, {
      ...deployment(app, 1, 'img:v1', { type: 'RollingUpdate' }),
      spec: { ...(deployment(app, 1, 'img:v1', {}) as J).spec, paused: true },
    } as KObject);
    const stored = await get(app);
    const taken = `${app}-${computeHash(stored.spec.template)}`;
    await api.create(RS, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: taken, labels: { app: 'squatter' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'squatter' } },
        template: { metadata: { labels: { app: 'squatter' } }, spec: { containers: [{ name: 'c', image: 'other' }] } },
      },
    } as KObject);
    await api.patch(DEPLOY, ns, app, 'merge', { spec: { paused: false } });
    const d = await until(async () => {
      const x = await get(app);
      return x.status?.collisionCount === 1 && x;
    });
    const mine = await until(() => byImage(app, 'img:v1'));
    expect(mine.metadata.name).toBe(`${app}-${computeHash(d.spec.template, 1)}`);
    expect(mine.metadata.name).not.toBe(taken);
    expect(((await api.get(RS, ns, taken)) as J).metadata.ownerReferences).toBeUndefined();
  });

  test('revisionHistoryLimit: old sets scaled to 0 beyond the limit are deleted, oldest revision first', async () => {
    const app = `hist-${kind}`;
    await api.create(DEPLOY, ns, {
      ...deployment(app, 1, 'img:v1', {}),
      spec: { ...(deployment(app, 1, 'img:v1', {}) as J).spec, revisionHistoryLimit: 1 },
    } as KObject);
    for (const img of ['img:v1', 'img:v2', 'img:v3']) {
      if (img !== 'img:v1')
        await api.patch(DEPLOY, ns, app, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: img }] } } } });
      await until(async () => {
        for (const rs of await setsOf(app)) await settle(rs);
        const x = await get(app);
        return (
          x.spec.template.spec.containers[0].image === img &&
          x.status?.updatedReplicas === 1 &&
          x.status?.replicas === 1 &&
          x.status.observedGeneration === x.metadata.generation
        );
      });
    }
    const left = await until(async () => {
      const sets = await setsOf(app);
      return sets.length === 2 && sets;
    });
    expect(left.map(image).sort()).toEqual(['img:v2', 'img:v3']);
  });

  test('scaled mid-rollout: each set grows by its share (proportional scaling), annotations follow', async () => {
    const app = `prop-${kind}`;
    await api.create(
      DEPLOY,
      ns,
      deployment(app, 10, 'img:v1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }),
    );
    const v1 = await until(() => byImage(app, 'img:v1'));
    await settle(v1);
    await until(async () => (await get(app)).status?.availableReplicas === 10);
    await api.patch(DEPLOY, ns, app, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:v2' }] } } } });
    // Only the old pods are ever available: the rollout stops at old 8 + new 5 (13 = 10 + maxSurge; 8 = 10 - maxUnavailable).
    const v2 = await until(async () => {
      await settle(v1);
      const n = await byImage(app, 'img:v2');
      const old = (await api.get(RS, ns, v1.metadata.name)) as J;
      return n?.spec.replicas === 5 && old.spec.replicas === 8 && old.status?.availableReplicas === 8 && n;
    });
    await api.update(
      DEPLOY,
      ns,
      { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: app, namespace: ns }, spec: { replicas: 20 } } as KObject,
      { subresource: 'scale' },
    );
    // 23 = 20 + 3 shared as 8 and 5 were of 13: round(8 * 23 / 13) = 14, round(5 * 23 / 13) = 9.
    const [old, fresh] = await until(async () => {
      const o = (await api.get(RS, ns, v1.metadata.name)) as J;
      const f = (await api.get(RS, ns, v2.metadata.name)) as J;
      return o.spec.replicas === 14 && f.spec.replicas === 9 && [o, f];
    });
    for (const rs of [old, fresh]) {
      expect(rs.metadata.annotations).toMatchObject({
        'deployment.kubernetes.io/desired-replicas': '20',
        'deployment.kubernetes.io/max-replicas': '23',
      });
    }
    const msgs = await until(async () => {
      const m = await events(app);
      return m.some((x) => x.includes('from 8 to 14')) && m;
    });
    expect(msgs).toContain(`Scaled up replica set ${v1.metadata.name} from 8 to 14`);
    expect(msgs).toContain(`Scaled up replica set ${v2.metadata.name} from 5 to 9`);
  });

  test('an orphan set matching the selector is adopted (controller reference) and, with the same template, used as the new set', async () => {
    const app = `adopt-${kind}`;
    const spec = (deployment(app, 2, 'img:v1', {}) as J).spec;
    await api.create(RS, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${app}-orphan`, labels: { app } },
      spec: { replicas: 1, selector: spec.selector, template: spec.template },
    } as KObject);
    await api.create(DEPLOY, ns, deployment(app, 2, 'img:v1', {}));
    const adopted = await until(async () => {
      const rs = (await api.get(RS, ns, `${app}-orphan`)) as J;
      return rs.metadata.ownerReferences?.length && rs.spec.replicas === 2 && rs;
    });
    expect(adopted.metadata.ownerReferences).toEqual([
      expect.objectContaining({ apiVersion: 'apps/v1', kind: 'Deployment', name: app, controller: true, blockOwnerDeletion: true }),
    ]);
    expect(adopted.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect((await setsOf(app)).map((rs) => rs.metadata.name)).toEqual([`${app}-orphan`]);
  });
});
