// An update of the main resource after a /status write, for every kind whose strategy carries the stored status
// over: the stored object is the watch cache's (frozen), so a status handed on as is and then defaulted or
// canonicalized in place failed with a 500 (it did for ResourceQuota and Service). Each kind gets a status rich in
// lists and maps, then a PUT and a merge patch of its labels; the status must come back unchanged.
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = Record<string, any>;

const NOW = '2026-01-01T00:00:00Z';
const condition = (type: string) => ({ type, status: 'True', reason: 'Test', message: 'set by the test', lastTransitionTime: NOW });
const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image: 'busybox:1', ports: [{ containerPort: 80 }] }] },
});
const selector = (app: string) => ({ matchLabels: { app } });

interface Case {
  path: string;
  body: J;
  status: J;
}

const CASES: Record<string, Case> = {
  pod: {
    path: '/api/v1/namespaces/default/pods',
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 's-pod' }, spec: template('p').spec },
    status: {
      phase: 'Running',
      conditions: [condition('Ready'), condition('PodScheduled')],
      podIP: '10.244.0.9',
      podIPs: [{ ip: '10.244.0.9' }],
      hostIP: '192.168.1.2',
      hostIPs: [{ ip: '192.168.1.2' }],
      startTime: NOW,
      qosClass: 'BestEffort',
      containerStatuses: [
        {
          name: 'c',
          ready: true,
          restartCount: 0,
          image: 'busybox:1',
          imageID: 'docker://sha256:1',
          started: true,
          state: { running: { startedAt: NOW } },
        },
      ],
    },
  },
  deployment: {
    path: '/apis/apps/v1/namespaces/default/deployments',
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 's-deploy' },
      spec: { replicas: 1, selector: selector('d'), template: template('d') },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      updatedReplicas: 1,
      conditions: [condition('Available')],
    },
  },
  replicaset: {
    path: '/apis/apps/v1/namespaces/default/replicasets',
    body: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 's-rs' },
      spec: { replicas: 1, selector: selector('r'), template: template('r') },
    },
    status: {
      replicas: 1,
      fullyLabeledReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
      conditions: [condition('ReplicaFailure')],
    },
  },
  statefulset: {
    path: '/apis/apps/v1/namespaces/default/statefulsets',
    body: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's-sts' },
      spec: { replicas: 1, serviceName: 's', selector: selector('s'), template: template('s') },
    },
    status: {
      replicas: 1,
      readyReplicas: 1,
      currentReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      collisionCount: 0,
      currentRevision: 's-sts-1',
      updateRevision: 's-sts-1',
    },
  },
  daemonset: {
    path: '/apis/apps/v1/namespaces/default/daemonsets',
    body: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 's-ds' },
      spec: { selector: selector('ds'), template: template('ds') },
    },
    status: {
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      numberAvailable: 1,
      updatedNumberScheduled: 1,
      conditions: [],
    },
  },
  job: {
    path: '/apis/batch/v1/namespaces/default/jobs',
    body: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 's-job' },
      spec: { template: { spec: { ...template('j').spec, restartPolicy: 'Never' } } },
    },
    status: { active: 1, startTime: NOW, ready: 1, terminating: 0, uncountedTerminatedPods: {} },
  },
  cronjob: {
    path: '/apis/batch/v1/namespaces/default/cronjobs',
    body: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 's-cj' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...template('cj').spec, restartPolicy: 'Never' } } } } },
    },
    status: { lastScheduleTime: NOW, active: [{ kind: 'Job', namespace: 'default', name: 's-cj-1', apiVersion: 'batch/v1' }] },
  },
  replicationcontroller: {
    path: '/api/v1/namespaces/default/replicationcontrollers',
    body: {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 's-rc' },
      spec: { replicas: 1, selector: { app: 'rc' }, template: template('rc') },
    },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 },
  },
  persistentvolumeclaim: {
    path: '/api/v1/namespaces/default/persistentvolumeclaims',
    body: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 's-pvc' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    status: {
      phase: 'Pending',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      conditions: [{ type: 'Resizing', status: 'True' }],
    },
  },
  poddisruptionbudget: {
    path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
    body: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 's-pdb' },
      spec: { minAvailable: 1, selector: selector('pdb') },
    },
    status: {
      observedGeneration: 1,
      disruptionsAllowed: 0,
      currentHealthy: 1,
      desiredHealthy: 1,
      expectedPods: 1,
      disruptedPods: { 'p-1': NOW },
      conditions: [{ ...condition('DisruptionAllowed'), status: 'False', reason: 'InsufficientPods', observedGeneration: 1 }],
    },
  },
  horizontalpodautoscaler: {
    path: '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers',
    body: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 's-hpa' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    },
    status: {
      currentReplicas: 1,
      desiredReplicas: 1,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 10, averageValue: '10m' } } }],
      conditions: [condition('AbleToScale'), condition('ScalingActive')],
    },
  },
};

describe.each(Object.entries(CASES))('%s: an update after a /status write', (_kind, c) => {
  test('PUT and merge-patch keep the status and answer 200', async () => {
    const name: string = c.body.metadata.name;
    await h.api.post(c.path).send(c.body).expect(201);
    const got = await h.api.get(`${c.path}/${name}`).expect(200);
    const written = await h.api
      .put(`${c.path}/${name}/status`)
      .send({ ...got.body, status: c.status })
      .expect(200);
    const status = written.body.status;
    expect(status).toMatchObject(c.status);

    const put = await h.api
      .put(`${c.path}/${name}`)
      .send({ ...written.body, metadata: { ...written.body.metadata, labels: { touched: 'put' } } });
    expect([put.status, put.body.message]).toEqual([200, undefined]);
    expect(put.body.status).toEqual(status);

    const patched = await h.api
      .patch(`${c.path}/${name}`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { labels: { touched: 'patch' } } });
    expect([patched.status, patched.body.message]).toEqual([200, undefined]);
    expect(patched.body.status).toEqual(status);
  });
});
