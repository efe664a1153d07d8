// The DaemonSet controller's pure decisions over fake nodes: which nodes should run a daemon pod (nodeSelector,
// required affinity, nodeName, taints and the tolerations every daemon pod gets), the pod's tolerations and node
// affinity, manage()'s creates and deletes, the rolling update within maxUnavailable / maxSurge, and the status.
import type { KObject } from '../../src/machinery/api/meta.js';
import {
  daemonTolerations,
  nodeNameAffinity,
  nodeShouldRunDaemonPod,
  targetNodeName,
  withDaemonTolerations,
} from '../../src/reconcilers/daemonset/placement.js';
import { computeDaemonStatus, planManage, planRollingUpdate } from '../../src/reconcilers/daemonset/plan.js';
import { defaultDaemonSet, validateDaemonSet } from '../../src/registry/strategies/daemonset.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse('2026-01-01T00:10:00Z');

const node = (
  name: string,
  opts: { labels?: Record<string, string>; taints?: J[]; unschedulable?: boolean; ready?: string } = {},
): KObject =>
  ({
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
    spec: { taints: opts.taints ?? [], unschedulable: opts.unschedulable },
    status: { conditions: [{ type: 'Ready', status: opts.ready ?? 'True' }] },
  }) as KObject;

function ds(spec: J = {}, podSpec: J = {}): KObject {
  const d: J = {
    metadata: { name: 'agent', namespace: 'ns', uid: 'ds-uid', annotations: { 'deprecated.daemonset.template.generation': '2' } },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'i' }], ...podSpec } },
      ...spec,
    },
  };
  defaultDaemonSet(d);
  return d as KObject;
}

let seq = 0;
const pod = (
  nodeName: string,
  hash: string,
  opts: { ready?: boolean; phase?: string; created?: string; deleting?: boolean } = {},
): KObject =>
  ({
    metadata: {
      name: `agent-${++seq}`,
      namespace: 'ns',
      uid: `p${seq}`,
      labels: { app: 'agent', 'controller-revision-hash': hash },
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}),
    },
    spec: { affinity: nodeNameAffinity(undefined, nodeName) },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:01:00Z' }],
    },
  }) as KObject;
const byNode = (pods: KObject[]) => {
  const m = new Map<string, KObject[]>();
  for (const p of pods) m.set(targetNodeName(p)!, [...(m.get(targetNodeName(p)!) ?? []), p]);
  return m;
};

describe('placement', () => {
  test('every node by default; a nodeSelector or required affinity narrows it', () => {
    const nodes = [node('a', { labels: { disk: 'ssd' } }), node('b')];
    expect(nodes.map((n) => nodeShouldRunDaemonPod(ds(), n).shouldRun)).toEqual([true, true]);
    expect(nodes.map((n) => nodeShouldRunDaemonPod(ds({}, { nodeSelector: { disk: 'ssd' } }), n).shouldRun)).toEqual([true, false]);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }],
        },
      },
    };
    expect(nodes.map((n) => nodeShouldRunDaemonPod(ds({}, { affinity }), n).shouldRun)).toEqual([false, true]);
    expect(nodes.map((n) => nodeShouldRunDaemonPod(ds({}, { nodeName: 'b' }), n).shouldRun)).toEqual([false, true]);
  });
  test('taints: untolerated NoSchedule keeps new pods off but lets running ones stay; NoExecute evicts', () => {
    const noSchedule = node('a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    expect(nodeShouldRunDaemonPod(ds(), noSchedule)).toEqual({ shouldRun: false, shouldContinueRunning: true });
    const noExecute = node('a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] });
    expect(nodeShouldRunDaemonPod(ds(), noExecute)).toEqual({ shouldRun: false, shouldContinueRunning: false });
    const tolerated = ds({}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] });
    expect(nodeShouldRunDaemonPod(tolerated, noExecute).shouldRun).toBe(true);
  });
  test('the daemon tolerations: cordoned and pressure taints do not keep daemon pods away; a not-ready node keeps its pod', () => {
    for (const n of [
      node('a', { unschedulable: true }),
      node('a', { taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }] }),
    ])
      expect(nodeShouldRunDaemonPod(ds(), n).shouldRun).toBe(true);
    // not-ready / unreachable are tolerated as NoExecute only: no new pod there (the NoSchedule taint), the old one stays.
    for (const ready of ['False', 'Unknown'])
      expect(nodeShouldRunDaemonPod(ds(), node('a', { ready }))).toEqual({ shouldRun: false, shouldContinueRunning: true });
    const networkDown = node('a', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] });
    expect(nodeShouldRunDaemonPod(ds(), networkDown).shouldRun).toBe(false);
    expect(nodeShouldRunDaemonPod(ds({}, { hostNetwork: true }), networkDown).shouldRun).toBe(true);
  });
  test("tolerations added after the pod's own, and the node affinity that pins a pod", () => {
    const t = withDaemonTolerations({ tolerations: [{ key: 'x', operator: 'Exists' }] });
    expect(t[0]).toEqual({ key: 'x', operator: 'Exists' });
    expect(t.slice(1)).toEqual(daemonTolerations(false));
    expect(daemonTolerations(true).map((x) => x.key)).toContain('node.kubernetes.io/network-unavailable');
    const affinity = nodeNameAffinity({ podAntiAffinity: { x: 1 } }, 'b');
    expect(affinity).toEqual({
      podAntiAffinity: { x: 1 },
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }],
        },
      },
    });
    expect(targetNodeName({ metadata: {}, spec: { affinity } } as KObject)).toBe('b');
  });
});

describe('manage', () => {
  test('creates on nodes without a pod, removes misplaced, surplus and failed pods', () => {
    const d = ds({}, { nodeSelector: { role: 'agent' } });
    const nodes = [
      node('a', { labels: { role: 'agent' } }),
      node('b', { labels: { role: 'agent' } }),
      node('c'),
      node('d', { labels: { role: 'agent' } }),
    ];
    const onB = [pod('b', 'h', { created: '2026-01-01T00:00:00Z' }), pod('b', 'h', { created: '2026-01-01T00:05:00Z' })];
    const onC = pod('c', 'h');
    const failedOnD = pod('d', 'h', { phase: 'Failed' });
    const gone = pod('zz', 'h');
    const plan = planManage(d, nodes, byNode([...onB, onC, failedOnD, gone]), 'h', NOW);
    expect(plan.nodesNeedingPods).toEqual(['a']);
    expect(plan.podsToDelete.map((p) => p.metadata.name)).toEqual([onB[1], onC, failedOnD, gone].map((p) => p.metadata.name));
    expect(plan.failed.map((f) => f.node)).toEqual(['d']);
    // A terminating pod still holds its node: nothing is created there until it is gone.
    expect(planManage(d, [nodes[0]], byNode([pod('a', 'h', { deleting: true })]), 'h', NOW).nodesNeedingPods).toEqual([]);
  });
});

describe('rolling update', () => {
  const nodes = ['a', 'b', 'c', 'd'].map((n) => node(n));
  test('maxUnavailable 1: one old pod at a time, none while one is unavailable', () => {
    const d = ds();
    const old = nodes.map((n) => pod(n.metadata.name!, 'old'));
    expect(planRollingUpdate(d, nodes, byNode(old), 'new', NOW).podsToDelete.map((p) => targetNodeName(p))).toEqual(['a']);
    const replacing = [pod('a', 'new', { ready: false }), ...old.slice(1)];
    expect(planRollingUpdate(d, nodes, byNode(replacing), 'new', NOW).podsToDelete).toEqual([]);
    // An old pod that is not available anyway may go at once.
    const broken = [pod('a', 'new'), pod('b', 'old', { ready: false }), ...old.slice(2)];
    expect(planRollingUpdate(d, nodes, byNode(broken), 'new', NOW).podsToDelete.map((p) => targetNodeName(p))).toEqual(['b', 'c']);
  });
  test('maxUnavailable 50% of 4 nodes: two at a time', () => {
    const d = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } } });
    const old = nodes.map((n) => pod(n.metadata.name!, 'old'));
    expect(planRollingUpdate(d, nodes, byNode(old), 'new', NOW).podsToDelete).toHaveLength(2);
  });
  test('maxSurge 1: a new pod beside the old, the old deleted once the new is available', () => {
    const d = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } });
    const old = nodes.map((n) => pod(n.metadata.name!, 'old'));
    expect(planRollingUpdate(d, nodes, byNode(old), 'new', NOW)).toMatchObject({ nodesToCreate: ['a'], podsToDelete: [] });
    const surging = [...old, pod('a', 'new', { ready: false })];
    expect(planRollingUpdate(d, nodes, byNode(surging), 'new', NOW)).toMatchObject({ nodesToCreate: [], podsToDelete: [] });
    const surged = [...old, pod('a', 'new')];
    const plan = planRollingUpdate(d, nodes, byNode(surged), 'new', NOW);
    expect(plan.podsToDelete.map((p) => p.metadata.name)).toEqual([old[0].metadata.name]);
    expect(plan.nodesToCreate).toEqual(['b']);
  });
});

test('status counts', () => {
  const d = ds({}, { nodeSelector: { role: 'agent' } });
  const nodes = [
    node('a', { labels: { role: 'agent' } }),
    node('b', { labels: { role: 'agent' } }),
    node('c', { labels: { role: 'agent' } }),
    node('x'),
  ];
  const pods = [pod('a', 'new'), pod('b', 'old', { ready: false }), pod('x', 'new')];
  expect(computeDaemonStatus(d, nodes, byNode(pods), 'new', NOW)).toEqual({
    desiredNumberScheduled: 3,
    currentNumberScheduled: 2,
    numberMisscheduled: 1,
    numberReady: 1,
    updatedNumberScheduled: 1,
    numberAvailable: 1,
    numberUnavailable: 2,
  });
});

test('strategy: RollingUpdate 1/0 by default; both 0 is refused', () => {
  const d = ds() as J;
  expect(d.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  expect(validateDaemonSet(d)).toEqual([]);
  const bad = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
  expect(validateDaemonSet(bad).map((e) => e.detail)).toContain('may not be 0 when `maxSurge` is 0');
});
