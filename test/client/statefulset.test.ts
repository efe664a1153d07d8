// The StatefulSet controller over the client seam against the API harness, the test playing the kubelet (it marks
// pods Running and Ready): pods come one at a time in ordinal order from spec.ordinals.start, each with its claim
// (owned by the set under whenDeleted: Delete); a pod stripped of its identity labels gets them back; a set with
// OnDelete keeps old pods until they are deleted, then recreates them from the new revision; status and revisions.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startStatefulSetController, type RunningStatefulSetController } from '../../src/reconcilers/statefulset/statefulset-controller.js';
import { GVR, type Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { httpClient } from './clients.js';
import { until } from '../support/until.js';
import { updateWith } from '../../src/client/update-with.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const STS: Gvr = { group: 'apps', version: 'v1', resource: 'statefulsets' };
const ns = 'default';

describe.each(['in-process', 'https'])('statefulset controller over the %s client', (kind) => {
  let h: Harness;
  let api: HttpClient;
  let sc: RunningStatefulSetController;

  const names = async (app: string) =>
    ((await api.list(GVR.pods, ns, { labelSelector: `app=${app}` })).items as J[])
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name)
      .sort();
  /** What a kubelet would report for a running, ready pod. */
  const markReady = (name: string) =>
    updateWith(
      api,
      GVR.pods,
      ns,
      name,
      (p: J) => {
        p.status = {
          ...p.status,
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
        };
        return p as KObject;
      },
      { status: true },
    );
  const set = (name: string, spec: J): KObject =>
    ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name },
      spec: {
        serviceName: name,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:v1' }] } },
        ...spec,
      },
    }) as KObject;

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    sc = await startStatefulSetController(makeContext(h.service, log, kind === 'https' ? { client: () => api } : {}));
  });
  afterAll(async () => {
    sc.stop();
    await sc.recorder.flush();
    api.close();
    await h.close();
  });

  test('ordered creation from ordinals.start, one claim each owned by the set, identity restored', async () => {
    await api.create(
      STS,
      ns,
      set('db', {
        replicas: 2,
        ordinals: { start: 5 },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } },
        ],
      }),
    );
    await until(async () => (await names('db')).join() === 'db-5');
    // db-6 waits for db-5 to be Running and Ready.
    await new Promise((r) => setTimeout(r, 300));
    expect(await names('db')).toEqual(['db-5']);
    await markReady('db-5');
    await until(async () => (await names('db')).join() === 'db-5,db-6');
    const claim = (await api.get(GVR.persistentvolumeclaims, ns, 'data-db-6')) as J;
    expect(claim.metadata.labels).toEqual({ app: 'db' });
    expect(claim.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'StatefulSet', name: 'db' })]);
    const pod = (await api.get(GVR.pods, ns, 'db-6')) as J;
    expect(pod.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-6' } }]);
    expect(pod.metadata.labels['apps.kubernetes.io/pod-index']).toBe('6');
    await markReady('db-6');
    // A pod whose identity labels were removed gets them back.
    await api.patch(GVR.pods, ns, 'db-6', 'json', [{ op: 'remove', path: '/metadata/labels/statefulset.kubernetes.io~1pod-name' }]);
    await until(async () => ((await api.get(GVR.pods, ns, 'db-6')) as J).metadata.labels['statefulset.kubernetes.io/pod-name'] === 'db-6');
    await until(async () => {
      const s = ((await api.get(STS, ns, 'db')) as J).status;
      return (
        s?.replicas === 2 &&
        s.readyReplicas === 2 &&
        s.availableReplicas === 2 &&
        s.currentRevision === s.updateRevision &&
        s.currentRevision
      );
    });
  });

  test('OnDelete: a new template waits until a pod is deleted; the recreated pod has the new revision', async () => {
    await api.create(STS, ns, set('od', { replicas: 2, podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }));
    await until(async () => (await names('od')).join() === 'od-0,od-1');
    await markReady('od-0');
    await markReady('od-1');
    // Read-modify-write with retries: the controller writes status meanwhile.
    await updateWith(api, STS, ns, 'od', (cur: J) => {
      cur.spec.template.spec.containers[0].image = 'img:v2';
      return cur as KObject;
    });
    const status = await until(async () => {
      const s = ((await api.get(STS, ns, 'od')) as J).status;
      return s?.updateRevision && s.updateRevision !== s.currentRevision && s.observedGeneration === 2 && s;
    });
    await new Promise((r) => setTimeout(r, 300));
    const image = async (n: string) => ((await api.get(GVR.pods, ns, n)) as J).spec.containers[0].image;
    expect([await image('od-0'), await image('od-1')]).toEqual(['img:v1', 'img:v1']);
    await api.delete(GVR.pods, ns, 'od-1', { gracePeriodSeconds: 0 });
    await until(async () => (await names('od')).includes('od-1') && (await image('od-1')) === 'img:v2');
    const pod = (await api.get(GVR.pods, ns, 'od-1')) as J;
    expect(pod.metadata.labels['controller-revision-hash']).toBe(status.updateRevision);
    await until(async () => ((await api.get(STS, ns, 'od')) as J).status?.updatedReplicas === 1);
  });
});
