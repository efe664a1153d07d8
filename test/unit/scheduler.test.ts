// The scheduler's pure parts: effective requests, each filter with kube-scheduler's wording, the FitError message,
// scoring and the choice of node.
import { podRequests } from '../../src/reconcilers/scheduler/resources.js';
import { filterNode, nodeInfo, effectiveTaints } from '../../src/reconcilers/scheduler/filters.js';
import { tolerates, matchesNodeAffinity } from '../../src/reconcilers/scheduler/predicates.js';
import { buildNodeInfos, fitErrorMessage, schedulePod } from '../../src/reconcilers/scheduler/schedule.js';
import { balancedAllocationScore, leastAllocatedScore } from '../../src/reconcilers/scheduler/score.js';
import type { KObject } from '../../src/machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const node = (
  name: string,
  o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; spec?: J; ready?: string } = {},
): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
  spec: o.spec ?? {},
  status: {
    allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' },
    conditions: [{ type: 'Ready', status: o.ready ?? 'True' }],
  },
});

const pod = (name: string, spec: J = {}, extra: J = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  ...extra,
});
const withRequests = (name: string, requests: J, extra: J = {}) =>
  pod(name, { containers: [{ name: 'c', image: 'x', resources: { requests } }], ...extra });
const boundTo = (p: KObject, n: string) => ({ ...p, spec: { ...(p.spec as J), nodeName: n } }) as KObject;

describe('effective pod requests', () => {
  test('containers add up; cpu in millicores, memory in bytes', () => {
    const p = pod('a', {
      containers: [
        { name: 'a', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
        { name: 'b', image: 'x', resources: { requests: { cpu: '0.5', memory: '1G' } } },
      ],
    });
    expect(podRequests(p)).toEqual({ cpu: 750, memory: 64 * 1024 * 1024 + 1_000_000_000 });
  });

  test('the largest init container wins over a smaller sum of containers', () => {
    const p = pod('a', {
      initContainers: [
        { name: 'i1', image: 'x', resources: { requests: { cpu: '2', memory: '100Mi' } } },
        { name: 'i2', image: 'x', resources: { requests: { cpu: '1' } } },
      ],
      containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '500m', memory: '1Gi' } } }],
    });
    expect(podRequests(p)).toEqual({ cpu: 2000, memory: 1024 ** 3 });
  });

  test('sidecars (restartPolicy Always) add to the containers and to later init containers; overhead is added', () => {
    const p = pod('a', {
      initContainers: [
        { name: 'side', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
        { name: 'init', image: 'x', resources: { requests: { cpu: '1' } } },
      ],
      containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '300m' } } }],
      overhead: { cpu: '10m' },
    });
    // max(300m + 200m, 1 + 200m) + 10m
    expect(podRequests(p)).toEqual({ cpu: 1210 });
  });

  test('non-zero defaults for scoring only', () => {
    expect(podRequests(pod('a'))).toEqual({});
    expect(podRequests(pod('a'), { nonZero: true })).toEqual({ cpu: 100, memory: 200 * 1024 * 1024 });
  });
});

describe('filters', () => {
  test('insufficient cpu and memory are both reported, against what the node already runs', () => {
    const n = node('n1', { cpu: '2', memory: '1Gi' });
    const running = boundTo(withRequests('r', { cpu: '1500m', memory: '512Mi' }), 'n1');
    const info = nodeInfo(n, [running]);
    expect(filterNode(withRequests('p', { cpu: '500m', memory: '512Mi' }), info)).toBeUndefined();
    expect(filterNode(withRequests('p', { cpu: '600m', memory: '600Mi' }), info)).toEqual({
      plugin: 'NodeResourcesFit',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
      unresolvable: false,
    });
  });

  test('a pod without requests still needs a pod slot', () => {
    const n = node('n1', { pods: '1' });
    expect(filterNode(pod('p'), nodeInfo(n, []))).toBeUndefined();
    expect(filterNode(pod('p'), nodeInfo(n, [boundTo(pod('q'), 'n1')]))?.reasons).toEqual(['Too many pods']);
  });

  test('init container requests count', () => {
    const p = pod('p', { initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '3' } } }] });
    expect(filterNode(p, nodeInfo(node('n1', { cpu: '2' }), []))?.reasons).toEqual(['Insufficient cpu']);
    expect(filterNode(p, nodeInfo(node('n1', { cpu: '3' }), []))).toBeUndefined();
  });

  test('nodeSelector mismatch', () => {
    const p = pod('p', { nodeSelector: { disk: 'ssd' } });
    expect(filterNode(p, nodeInfo(node('n1'), []))).toEqual({
      plugin: 'NodeAffinity',
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
      unresolvable: true,
    });
    expect(filterNode(p, nodeInfo(node('n1', { labels: { disk: 'ssd' } }), []))).toBeUndefined();
  });

  test('required node affinity: terms are ORed, expressions ANDed, matchFields on the name', () => {
    const n = node('n1', { labels: { zone: 'a', gen: '5' } });
    const aff = (terms: J[]) =>
      pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
    expect(
      matchesNodeAffinity(
        aff([
          {
            matchExpressions: [
              { key: 'zone', operator: 'In', values: ['a', 'b'] },
              { key: 'gen', operator: 'Gt', values: ['4'] },
            ],
          },
        ]),
        n,
      ),
    ).toBe(true);
    expect(
      matchesNodeAffinity(
        aff([
          {
            matchExpressions: [
              { key: 'zone', operator: 'In', values: ['a'] },
              { key: 'gen', operator: 'Lt', values: ['4'] },
            ],
          },
        ]),
        n,
      ),
    ).toBe(false);
    expect(
      matchesNodeAffinity(
        aff([
          { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
          { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] },
        ]),
        n,
      ),
    ).toBe(true);
    expect(matchesNodeAffinity(aff([{ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }]), n)).toBe(false);
    expect(matchesNodeAffinity(aff([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), n)).toBe(true);
    expect(matchesNodeAffinity(aff([{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }]), n)).toBe(false);
    expect(matchesNodeAffinity(aff([{}]), n)).toBe(false);
  });

  test('taints: NoSchedule and NoExecute need a toleration, PreferNoSchedule does not', () => {
    const n = node('n1', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
    expect(filterNode(pod('p'), nodeInfo(n, []))).toEqual({
      plugin: 'TaintToleration',
      reasons: ['node(s) had untolerated taint {dedicated: gpu}'],
      unresolvable: true,
    });
    expect(
      filterNode(pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), nodeInfo(n, [])),
    ).toBeUndefined();
    expect(filterNode(pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }] }), nodeInfo(n, []))).toBeDefined();
    expect(filterNode(pod('p', { tolerations: [{ operator: 'Exists' }] }), nodeInfo(n, []))).toBeUndefined();
    expect(
      filterNode(pod('p'), nodeInfo(node('n2', { spec: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] } }), [])),
    ).toBeUndefined();
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', effect: 'NoSchedule' })).toBe(false);
  });

  test('a node that is not Ready counts as tainted not-ready / unreachable', () => {
    expect(effectiveTaints(node('n1', { ready: 'False' }))).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
    expect(filterNode(pod('p'), nodeInfo(node('n1', { ready: 'Unknown' }), []))?.reasons).toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    ]);
  });

  test('unschedulable (cordoned) nodes, unless the pod tolerates the unschedulable taint', () => {
    const n = node('n1', { spec: { unschedulable: true } });
    expect(filterNode(pod('p'), nodeInfo(n, []))).toEqual({
      plugin: 'NodeUnschedulable',
      reasons: ['node(s) were unschedulable'],
      unresolvable: true,
    });
    expect(
      filterNode(
        pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
        nodeInfo(n, []),
      ),
    ).toBeUndefined();
  });

  test('hostPort conflicts: same port and protocol on an overlapping address', () => {
    const web = (name: string, port: J) => pod(name, { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, ...port }] }] });
    const info = nodeInfo(node('n1'), [boundTo(web('a', { hostPort: 8080 }), 'n1')]);
    expect(filterNode(web('b', { hostPort: 8080 }), info)).toEqual({
      plugin: 'NodePorts',
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
      unresolvable: false,
    });
    expect(filterNode(web('b', { hostPort: 8080, hostIP: '10.0.0.1' }), info)).toBeDefined();
    expect(filterNode(web('b', { hostPort: 8080, protocol: 'UDP' }), info)).toBeUndefined();
    expect(filterNode(web('b', { hostPort: 8081 }), info)).toBeUndefined();
    const specific = nodeInfo(node('n1'), [boundTo(web('a', { hostPort: 9000, hostIP: '10.0.0.1' }), 'n1')]);
    expect(filterNode(web('b', { hostPort: 9000, hostIP: '10.0.0.2' }), specific)).toBeUndefined();
  });
});

describe('scheduling a pod', () => {
  test('the message kube-scheduler gives when nothing fits', () => {
    const r = schedulePod(withRequests('big', { cpu: '1000' }), buildNodeInfos([node('n1')], []));
    expect(r.node).toBeUndefined();
    expect(r).toMatchObject({
      message:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    });
  });

  test('reasons are counted over nodes and sorted; unresolvable ones are not helped by preemption', () => {
    const nodes = [node('a', { cpu: '1' }), node('b', { cpu: '1' }), node('c', { spec: { unschedulable: true } })];
    const r = schedulePod(withRequests('p', { cpu: '2' }), buildNodeInfos(nodes, []));
    expect(r).toMatchObject({
      message:
        '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    });
    expect(fitErrorMessage(0, [])).toBe('no nodes available to schedule pods');
  });

  test('least allocated: the emptier node wins; terminated pods free their resources', () => {
    const nodes = [node('a'), node('b')];
    const busy = boundTo(withRequests('busy', { cpu: '3', memory: '6Gi' }), 'a');
    expect(schedulePod(withRequests('p', { cpu: '1', memory: '1Gi' }), buildNodeInfos(nodes, [busy])).node).toBe('b');
    const done = { ...busy, status: { phase: 'Succeeded' } } as KObject;
    const busyB = boundTo(withRequests('busyB', { cpu: '1', memory: '1Gi' }), 'b');
    expect(schedulePod(withRequests('p', { cpu: '1', memory: '1Gi' }), buildNodeInfos(nodes, [done, busyB])).node).toBe('a');
  });

  test('ties go to the first name; only feasible nodes are scored', () => {
    expect(schedulePod(pod('p'), buildNodeInfos([node('z'), node('m'), node('q')], [])).node).toBe('m');
    const r = schedulePod(pod('p', { nodeSelector: { role: 'w' } }), buildNodeInfos([node('a'), node('b', { labels: { role: 'w' } })], []));
    expect(r).toMatchObject({ node: 'b' });
    expect(Object.keys((r as { scores: object }).scores)).toEqual(['b']);
  });

  test('score values', () => {
    const info = nodeInfo(node('a', { cpu: '4', memory: '4Gi' }), []);
    // cpu (4000-1000)/4000 = 75, memory (4Gi-1Gi)/4Gi = 75
    expect(leastAllocatedScore(info, { cpu: 1000, memory: 1024 ** 3 })).toBe(75);
    // fractions 0.5 and 0: std 0.25
    expect(balancedAllocationScore(info, { cpu: 2000, memory: 0 })).toBe(75);
    expect(balancedAllocationScore(info, { cpu: 2000, memory: 2 * 1024 ** 3 })).toBe(100);
  });
});
