// The kubelet's pod predicate: a status-only change (what its own status writes look like) does not sync the pod;
// adds, deletes, spec and metadata changes (deletion included) do.
import { podNeedsSync } from '../../src/reconcilers/kubelet/pod-changes.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '10',
    labels: { app: 'a' },
    managedFields: [{ manager: 'kubectl', operation: 'Update', time: '2026-01-01T00:00:00Z' }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Pending' },
};
const changed = (f: (p: KObject) => void): KObject => {
  const p = structuredClone(pod);
  f(p);
  return p;
};

test('a status write by the kubelet (status, resourceVersion and its managedFields entry move) does not sync', () => {
  const written = changed((p) => {
    p.status = { phase: 'Running', podIP: '10.0.0.2' };
    p.metadata.resourceVersion = '11';
    p.metadata.managedFields = [...(p.metadata.managedFields ?? []), { manager: 'kubelet', operation: 'Update', subresource: 'status' }];
  });
  expect(podNeedsSync('MODIFIED', pod, written)).toBe(false);
  // The informer's resync (the same object again) does not sync either.
  expect(podNeedsSync('MODIFIED', pod, pod)).toBe(false);
});

test('added and deleted pods sync', () => {
  expect(podNeedsSync('ADDED', undefined, pod)).toBe(true);
  expect(podNeedsSync('DELETED', pod, pod)).toBe(true);
});

test('spec and metadata changes sync, deletion (timestamp and grace period) included', () => {
  const moved = (f: (p: KObject) => void) =>
    podNeedsSync(
      'MODIFIED',
      pod,
      changed((p) => ((p.metadata.resourceVersion = '12'), f(p))),
    );
  expect(moved((p) => ((p.spec as { containers: { image: string }[] }).containers[0]!.image = 'busybox:1.36'))).toBe(true);
  expect(moved((p) => (p.metadata.labels = { app: 'b' }))).toBe(true);
  expect(moved((p) => (p.metadata.annotations = { a: '1' }))).toBe(true);
  expect(moved((p) => (p.metadata.deletionTimestamp = '2026-01-01T00:00:30Z'))).toBe(true);
  const deleting = changed((p) => {
    p.metadata.deletionTimestamp = '2026-01-01T00:00:30Z';
    p.metadata.deletionGracePeriodSeconds = 30;
  });
  // A shortened grace period (a second delete) moves only deletionGracePeriodSeconds: the kubelet must see it.
  const shortened = changed((p) => {
    p.metadata.deletionTimestamp = '2026-01-01T00:00:01Z';
    p.metadata.deletionGracePeriodSeconds = 1;
  });
  expect(podNeedsSync('MODIFIED', deleting, shortened)).toBe(true);
  const graceOnly = structuredClone(deleting);
  graceOnly.metadata.deletionGracePeriodSeconds = 0;
  expect(podNeedsSync('MODIFIED', deleting, graceOnly)).toBe(true);
});
