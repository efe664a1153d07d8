// pkg/controller/history's pure parts: revision names and hashes (stable, moved by the collision count), equality
// by hash and data, ordering, the next revision number, what history truncation deletes, and the data snapshot that
// `kubectl rollout undo` applies.
import type { KObject } from '../../src/machinery/api/meta.js';
import {
  equalRevision,
  hashControllerRevision,
  historyToDelete,
  newControllerRevision,
  nextRevision,
  sortRevisions,
  templatePatch,
} from '../../src/reconcilers/history/controller-history.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const owner = (image: string): KObject =>
  ({
    metadata: { name: 'web', namespace: 'ns', uid: 'u', annotations: { 'kubernetes.io/change-cause': 'why' } },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } } },
  }) as KObject;
const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true };
const rev = (image: string, n: number, created = '2026-01-01T00:00:00Z') => {
  const r = newControllerRevision(owner(image), ref, { app: 'web' }, templatePatch(owner(image)), n) as J;
  r.metadata.creationTimestamp = created;
  return r as KObject;
};

test('a revision: named <owner>-<hash>, labelled, annotated as its owner, the template as a replacing patch', () => {
  const r = rev('a', 1) as J;
  expect(r.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  expect(r.metadata.labels).toEqual({ app: 'web', 'controller-revision-hash': r.metadata.name.slice(4) });
  expect(r.metadata.annotations['kubernetes.io/change-cause']).toBe('why');
  expect(r.data.spec.template.$patch).toBe('replace');
  expect(r.data.spec.template.spec.containers[0].image).toBe('a');
  expect(r.revision).toBe(1);
});

test('hashes are stable, differ by data, and move with the collision count', () => {
  const data = templatePatch(owner('a'));
  expect(hashControllerRevision(data)).toBe(hashControllerRevision(structuredClone(data)));
  expect(hashControllerRevision(data)).not.toBe(hashControllerRevision(templatePatch(owner('b'))));
  expect(hashControllerRevision(data, 1)).not.toBe(hashControllerRevision(data, 0));
});

test('equality needs the same hash and data', () => {
  expect(equalRevision(rev('a', 1), rev('a', 5))).toBe(true);
  expect(equalRevision(rev('a', 1), rev('b', 1))).toBe(false);
  const forged = { ...rev('b', 1), metadata: { ...rev('b', 1).metadata, labels: rev('a', 1).metadata.labels } } as KObject;
  expect(equalRevision(rev('a', 1), forged)).toBe(false);
});

test('ordering, next number and truncation keep what pods use', () => {
  const revs = [rev('c', 3), rev('a', 1), rev('b', 2), rev('d', 4)];
  expect(sortRevisions(revs).map((r) => (r as J).revision)).toEqual([1, 2, 3, 4]);
  expect(nextRevision(revs)).toBe(5);
  expect(nextRevision([])).toBe(1);
  const live = new Set([revs[3].metadata.name!, revs[1].metadata.name!]);
  // Two idle (revisions 2 and 3) with a limit of 1: the older goes.
  expect(historyToDelete(revs, live, 1).map((r) => (r as J).revision)).toEqual([2]);
  expect(historyToDelete(revs, live, 10)).toEqual([]);
  expect(historyToDelete(revs, live, 0).map((r) => (r as J).revision)).toEqual([2, 3]);
});
