// DefaultPreemption without I/O: victims on a node (all lower-priority pods removed, then reprieved from the most
// important while the preemptor still fits), the choice among nodes, nodes where preemption cannot help, the Never
// policy, a preemption already under way, and the FitError message once preemption succeeded.
import { buildNodeInfos, fitErrorMessage, schedulePod } from '../../src/reconcilers/scheduler/schedule.js';
import { findPreemption, selectVictimsOnNode } from '../../src/reconcilers/scheduler/preemption.js';
import type { KObject } from '../../src/machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const node = (name: string, cpu = '4', spec: J = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec,
  status: { allocatable: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (name: string, cpu: string, priority: number, extra: J = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', ...extra.metadata },
  spec: { priority, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu } } }], ...extra.spec },
  status: extra.status ?? {},
});
const on = (p: KObject, n: string) => ({ ...p, spec: { ...(p.spec as J), nodeName: n } }) as KObject;
const names = (ps: KObject[] | undefined) => ps?.map((p) => p.metadata.name);

test('victims: the least important lower-priority pods that make room; higher ones are never victims', () => {
  const infos = buildNodeInfos([node('a')], [on(pod('low1', '1', 1), 'a'), on(pod('low2', '2', 2), 'a'), on(pod('high', '1', 100), 'a')]);
  // 4 cpu, 4 used: a 2-cpu pod of priority 10 needs 2 freed; low2 (more important) is reprieved first but low1 alone
  // frees only 1, so low2 goes and low1 stays.
  expect(names(selectVictimsOnNode(pod('p', '2', 10), infos[0]!))).toEqual(['low2']);
  expect(names(selectVictimsOnNode(pod('p', '1', 10), infos[0]!))).toEqual(['low1']);
  expect(selectVictimsOnNode(pod('p', '4', 10), infos[0]!)).toBeUndefined(); // high would still be there
  expect(selectVictimsOnNode(pod('p', '1', 0), infos[0]!)).toBeUndefined(); // nothing lower
});

test('findPreemption picks the node whose victims matter least; unschedulable nodes and Never are left out', () => {
  const nodes = [node('a', '2'), node('b', '2'), node('c', '2', { unschedulable: true })];
  const pods = [on(pod('a-mid', '2', 50), 'a'), on(pod('b-low', '2', 5), 'b')];
  const preemptor = pod('p', '2', 100);
  const infos = buildNodeInfos(nodes, pods);
  const r = schedulePod(preemptor, infos);
  expect(r.node).toBeUndefined();
  const failures = (r as { failures: J }).failures;
  const found = findPreemption(preemptor, infos, failures);
  expect([found?.node, names(found?.victims)]).toEqual(['b', ['b-low']]);
  expect(findPreemption(pod('p', '2', 100, { spec: { preemptionPolicy: 'Never' } }), infos, failures)).toBeUndefined();
  expect(fitErrorMessage(3, Object.values(failures), true)).toBe(
    '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.',
  );
});

test('a preemption under way (a lower pod terminating on the nominated node) is not repeated', () => {
  const terminating = on(pod('old', '1', 1, { metadata: { deletionTimestamp: '2026-01-01T00:00:01Z' } }), 'a');
  const infos = buildNodeInfos([node('a', '2')], [terminating, on(pod('other', '1', 1), 'a')]);
  const preemptor = pod('p', '2', 10, { status: { nominatedNodeName: 'a' } });
  const failures = (schedulePod(preemptor, infos) as { failures: J }).failures;
  expect(findPreemption(preemptor, infos, failures)).toBeUndefined();
  const fresh = pod('q', '2', 10);
  expect(names(findPreemption(fresh, infos, failures)?.victims)).toEqual(['old', 'other']);
});
