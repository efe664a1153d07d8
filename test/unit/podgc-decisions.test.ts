// The pod garbage collector's pure decisions: missing nodes, orphans of confirmed-gone nodes, unscheduled
// terminating pods, the terminated-pod threshold's order, and the Failed status patch.
import type { KObject } from '../../src/machinery/api/meta.js';
import {
  ORPHAN_CONDITION,
  failedStatusPatch,
  isPodTerminated,
  missingNodes,
  orphanedPods,
  terminatedOverThreshold,
  unscheduledTerminating,
} from '../../src/reconcilers/podgc/decisions.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const pod = (name: string, o: { node?: string; phase?: string; reason?: string; created?: string; deleting?: boolean } = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      ...(o.deleting ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
    },
    spec: { nodeName: o.node, containers: [] },
    status: { phase: o.phase ?? 'Running', reason: o.reason },
  }) as KObject;

test('nodes that pods name but the cache lacks; orphans only of confirmed-gone nodes', () => {
  const pods = [pod('a', { node: 'n1' }), pod('b', { node: 'gone' }), pod('c'), pod('d', { node: 'late' })];
  expect([...missingNodes(pods, new Set(['n1']))].sort()).toEqual(['gone', 'late']);
  expect(orphanedPods(pods, new Set(['gone'])).map((p) => p.metadata.name)).toEqual(['b']);
});

test('unscheduled terminating: deleting and unbound only', () => {
  const pods = [pod('a', { deleting: true }), pod('b', { deleting: true, node: 'n1' }), pod('c')];
  expect(unscheduledTerminating(pods).map((p) => p.metadata.name)).toEqual(['a']);
});

test('terminated beyond the threshold: evicted first, then oldest, then by name; none at or under it; 0 disables', () => {
  expect(isPodTerminated(pod('x', { phase: 'Unknown' }))).toBe(false);
  expect(isPodTerminated(pod('x', { phase: 'Succeeded' }))).toBe(true);
  const pods = [
    pod('new', { phase: 'Succeeded', created: '2026-01-03T00:00:00Z' }),
    pod('old-b', { phase: 'Failed', created: '2026-01-01T00:00:00Z' }),
    pod('old-a', { phase: 'Succeeded', created: '2026-01-01T00:00:00Z' }),
    pod('evicted', { phase: 'Failed', reason: 'Evicted', created: '2026-01-04T00:00:00Z' }),
    pod('running', { phase: 'Running', created: '2025-01-01T00:00:00Z' }),
  ];
  expect(terminatedOverThreshold(pods, 1).map((p) => p.metadata.name)).toEqual(['evicted', 'old-a', 'old-b']);
  expect(terminatedOverThreshold(pods, 4)).toEqual([]);
  expect(terminatedOverThreshold(pods, 0)).toEqual([]);
});

test('the Failed patch: with the condition and the uid; none for a pod already terminal', () => {
  const patch = failedStatusPatch(pod('a'), ORPHAN_CONDITION, '2026-01-05T00:00:00Z') as J;
  expect(patch).toEqual({
    metadata: { uid: 'uid-a' },
    status: {
      phase: 'Failed',
      conditions: [
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByPodGC',
          message: 'PodGC: node no longer exists',
          lastTransitionTime: '2026-01-05T00:00:00Z',
        },
      ],
    },
  });
  expect(failedStatusPatch(pod('a'), undefined, 't')).toEqual({ metadata: { uid: 'uid-a' }, status: { phase: 'Failed' } });
  expect(failedStatusPatch(pod('a', { phase: 'Succeeded' }), ORPHAN_CONDITION, 't')).toBeUndefined();
});
