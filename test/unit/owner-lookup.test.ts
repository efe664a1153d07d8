// The owner lookup the ReplicaSet, StatefulSet, DaemonSet and Job controllers share: a controller reference resolves
// only to a cached owner of the same kind, API group and uid; orphans go to every owner whose selector matches them.
import type { KObject } from '../../src/machinery/api/meta.js';
import { ownerLookup, specSelectorOf } from '../../src/reconcilers/replicaset/owner-lookup.js';

const owner = (name: string, uid: string, selector: unknown): KObject =>
  ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'ns', uid }, spec: { selector } }) as KObject;
const cache = [
  owner('web', 'u1', { matchLabels: { app: 'web' } }),
  owner('all', 'u2', {}),
  owner('bad', 'u3', { matchLabels: { 'a b': 'x' } }),
];
const informer = {
  get: (ns: string | undefined, name: string) => cache.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
  byIndex: (_index: string, ns: string) => cache.filter((o) => o.metadata.namespace === ns),
};
const pod = (labels: Record<string, string>, ref?: Record<string, unknown>): KObject =>
  ({ metadata: { name: 'p', namespace: 'ns', labels, ...(ref ? { ownerReferences: [{ controller: true, ...ref }] } : {}) } }) as KObject;

describe('owner lookup', () => {
  const lookup = ownerLookup(informer, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, (o) => specSelectorOf(o, { nonEmpty: true }));
  test('a controller reference names a cached owner of the same kind, group and uid', () => {
    expect(lookup.ownerKeyOf(pod({}, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1' }))).toBe('ns/web');
    expect(lookup.ownerKeyOf(pod({}, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'old' }))).toBeUndefined();
    expect(lookup.ownerKeyOf(pod({}, { apiVersion: 'example.com/v1', kind: 'StatefulSet', name: 'web', uid: 'u1' }))).toBeUndefined();
    expect(lookup.ownerKeyOf(pod({}, { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'web', uid: 'u1' }))).toBeUndefined();
    expect(lookup.ownerKeyOf(pod({}))).toBeUndefined();
  });
  test('an orphan goes to the owners whose selector matches; empty and invalid selectors match nothing', () => {
    expect(lookup.ownersMatching(pod({ app: 'web' }))).toEqual(['ns/web']);
    expect(lookup.ownersMatching(pod({ app: 'db' }))).toEqual([]);
    expect(specSelectorOf(owner('x', 'u', {}))?.matches({ any: 'thing' })).toBe(true);
  });
});
