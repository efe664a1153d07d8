// What objects use of a quota (pkg/quota/v1/evaluator/core), the quota check of one request (CheckRequest) and the
// controller's recount, pure: pods' compute usage (containers summed, init containers at least, overhead, terminal
// pods free), scopes, services' node ports, claims per class, object counts, and upstream's refusal messages.
import type { KObject } from '../../src/machinery/api/meta.js';
import { evaluatorFor, podResources, targetOfResourceName } from '../../src/admission/resource-quota/evaluators.js';
import { checkRequest } from '../../src/admission/resource-quota/admission.js';
import { addLists, prettyPrint } from '../../src/admission/resource-quota/resource-list.js';
import { calculateUsed } from '../../src/reconcilers/resourcequota/usage.js';
import { applyDefaults, claimViolations, limitViolations } from '../../src/admission/limit-ranger.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PODS = { group: '', resource: 'pods' };
const pod = (spec: J, extra: J = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...extra.metadata },
  spec,
  ...(extra.status ? { status: extra.status } : {}),
});
const c = (name: string, requests: J = {}, limits: J = {}, more: J = {}) => ({
  name,
  image: 'x',
  resources: { requests, limits },
  ...more,
});
const quota = (hard: J, used: J, spec: J = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'q', namespace: 'ns', resourceVersion: '1' },
    spec: { hard, ...spec },
    status: { hard, used },
  }) as KObject;

test('quantities add exactly and print as upstream (a zero takes the other format)', () => {
  expect(addLists({ cpu: '100m', memory: '0' }, { cpu: '900m', memory: '512Mi', pods: '1' })).toEqual({
    cpu: '1',
    memory: '512Mi',
    pods: '1',
  });
  expect(prettyPrint({ 'requests.memory': '1Gi', pods: '2', cpu: '1500m' })).toBe('cpu=1500m,pods=2,requests.memory=1Gi');
});

test('pod usage: containers summed, the largest init container, sidecars added, overhead on requests', () => {
  const spec = {
    containers: [c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m' }), c('b', { cpu: '100m' })],
    initContainers: [c('init', { cpu: '500m' }), c('side', { memory: '10Mi' }, {}, { restartPolicy: 'Always' })],
    overhead: { cpu: '10m' },
  };
  expect(podResources(spec, 'requests')).toEqual({ cpu: '510m', memory: '74Mi' });
  expect(podResources(spec, 'limits')).toEqual({ cpu: '210m' });
  const usage = evaluatorFor(PODS).usage(pod(spec), Date.now());
  expect(usage).toMatchObject({
    pods: '1',
    'count/pods': '1',
    'requests.cpu': '510m',
    cpu: '510m',
    'limits.cpu': '210m',
    'requests.memory': '74Mi',
  });
  expect(evaluatorFor(PODS).usage(pod(spec, { status: { phase: 'Succeeded' } }), Date.now())).toEqual({ 'count/pods': '1' });
});

test('other kinds: services count node ports, claims their storage per class, the rest are object counts', () => {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { type: 'NodePort', ports: [{ port: 1 }, { port: 2 }] },
  } as KObject;
  expect(evaluatorFor({ group: '', resource: 'services' }).usage(svc, 0)).toEqual({
    'count/services': '1',
    services: '1',
    'services.loadbalancers': '0',
    'services.nodeports': '2',
  });
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'c' },
    spec: { storageClassName: 'local', resources: { requests: { storage: '1Gi' } } },
  } as KObject;
  expect(evaluatorFor({ group: '', resource: 'persistentvolumeclaims' }).usage(pvc, 0)).toMatchObject({
    'requests.storage': '1Gi',
    'local.storageclass.storage.k8s.io/requests.storage': '1Gi',
    'local.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
  });
  expect(evaluatorFor({ group: '', resource: 'configmaps' }).usage(pvc, 0)).toEqual({ 'count/configmaps': '1', configmaps: '1' });
  expect(targetOfResourceName('count/deployments.apps')).toEqual({ group: 'apps', resource: 'deployments' });
  expect(targetOfResourceName('limits.memory')).toEqual(PODS);
  expect(targetOfResourceName('requests.storage')).toEqual({ group: '', resource: 'persistentvolumeclaims' });
});

test('CheckRequest: charged when it fits, refused with the exceeded, must-specify and status-unknown messages', () => {
  const req = (obj: KObject) => ({ target: PODS, operation: 'create' as const, obj, dryRun: false, now: 0 });
  const small = pod({ containers: [c('a', { cpu: '300m' })] });
  const [charged] = checkRequest([quota({ 'requests.cpu': '1', pods: '2' }, { 'requests.cpu': '500m', pods: '1' })], req(small));
  expect((charged as J).status.used).toEqual({ 'requests.cpu': '800m', pods: '2' });
  expect(() => checkRequest([quota({ 'requests.cpu': '1', pods: '2' }, { 'requests.cpu': '800m', pods: '1' })], req(small))).toThrow(
    'pods "p" is forbidden: exceeded quota: q, requested: requests.cpu=300m, used: requests.cpu=800m, limited: requests.cpu=1',
  );
  expect(() =>
    checkRequest(
      [quota({ 'limits.cpu': '1', 'requests.memory': '1Gi' }, { 'limits.cpu': '0', 'requests.memory': '0' })],
      req(pod({ containers: [c('b'), c('a')] })),
    ),
  ).toThrow('pods "p" is forbidden: failed quota: q: must specify limits.cpu for: a,b; requests.memory for: a,b');
  expect(() => checkRequest([quota({ pods: '2' }, {})], req(small))).toThrow(
    'pods "p" is forbidden: status unknown for quota: q, resources: pods',
  );
  // Scopes: a BestEffort quota ignores a pod with requests.
  expect(checkRequest([quota({ pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] })], req(small))).toEqual([]);
  expect(() => checkRequest([quota({ pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] })], req(pod({ containers: [c('a')] })))).toThrow(
    'exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
  );
  const pcScoped = { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } };
  expect(checkRequest([quota({ pods: '0' }, { pods: '0' }, pcScoped)], req(small))).toEqual([]);
});

test('the controller recount: matching objects summed per hard resource, unknown resources left as they were', () => {
  const q = {
    ...quota({ pods: '5', 'requests.cpu': '2', 'count/widgets.example.com': '3' }, { 'count/widgets.example.com': '1' }),
  } as KObject;
  const pods = [
    pod({ containers: [c('a', { cpu: '250m' })] }),
    pod({ containers: [c('a', { cpu: '250m' })] }),
    pod({ containers: [c('a', { cpu: '1' })] }, { status: { phase: 'Failed' } }),
  ];
  expect(calculateUsed(q, (k) => (k === '/pods' ? pods : undefined), 0)).toEqual({
    pods: '2',
    'requests.cpu': '500m',
    'count/widgets.example.com': '1',
  });
});

test('LimitRanger: defaults only where unset, noted per container; bounds per Container and per Pod', () => {
  const ranges = [
    {
      metadata: { name: 'lr', namespace: 'ns' },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '128Mi' },
            defaultRequest: { cpu: '100m', memory: '64Mi' },
            max: { memory: '1Gi' },
          },
          { type: 'Pod', max: { cpu: '1' } },
        ],
      },
    },
  ] as unknown as KObject[];
  const p: J = pod({
    containers: [c('app', { cpu: '200m' }, { cpu: '400m' }), c('log')],
    initContainers: [c('setup', { memory: '32Mi' }, { memory: '32Mi' })],
  });
  expect(applyDefaults(p, ranges)).toEqual([
    'memory request for container app',
    'memory limit for container app',
    'cpu, memory request for container log',
    'cpu, memory limit for container log',
    'cpu request for init container setup',
    'cpu limit for init container setup',
  ]);
  expect(p.spec.containers[0].resources).toEqual({ requests: { cpu: '200m', memory: '64Mi' }, limits: { cpu: '400m', memory: '128Mi' } });
  expect(limitViolations(p, ranges)).toEqual([]);
  p.spec.containers[1].resources.limits.cpu = '700m';
  expect(limitViolations(p, ranges)).toEqual(['maximum cpu usage per Pod is 1, but limit is 1100m']);
  p.spec.containers[1].resources.limits.memory = '2Gi';
  expect(limitViolations(p, ranges)[0]).toBe('maximum memory usage per Container is 1Gi, but limit is 2Gi');
});

test('LimitRanger for claims: storage within min and max', () => {
  const ranges = [
    {
      metadata: { name: 'lr', namespace: 'ns' },
      spec: { limits: [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '2Gi' } }] },
    },
  ] as unknown as KObject[];
  const claim = (storage?: string): J => ({ spec: { resources: { requests: storage ? { storage } : {} } } });
  expect(claimViolations(claim('1Gi'), ranges)).toEqual([]);
  expect(claimViolations(claim('500Mi'), ranges)).toEqual(['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi']);
  expect(claimViolations(claim('3Gi'), ranges)).toEqual(['maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 3Gi']);
  expect(claimViolations(claim(), ranges)).toEqual([
    'minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified',
    'maximum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified',
  ]);
});
