// NodeRestriction admission: what a kubelet may write, with upstream's messages.
import {
  admitNodeEviction,
  admitNodeRestriction,
  admitNodeRestrictionDelete,
  admitNodeTokenRequest,
  forbiddenNodeLabels,
} from '../../src/admission/node-restriction.js';
import type { AdmitContext } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import { nodeIdentity } from '../../src/client/identities.js';

const ctx = (user = nodeIdentity('n1'), subresource?: string): AdmitContext => ({ list: async () => [], dryRun: false, user, subresource });
const node = (name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
  spec,
});
const pod = (nodeName: string, extra: Partial<KObject> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'x' } },
  spec: { nodeName, containers: [{ name: 'c' }] },
  ...extra,
});

function message(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) {
      expect(e.code).toBe(403);
      return e.message;
    }
    throw e;
  }
  return 'allowed';
}

test('only nodes are restricted', () => {
  expect(message(() => admitNodeRestriction('nodes', node('other'), undefined, ctx({ name: 'admin', groups: ['system:masters'] })))).toBe(
    'allowed',
  );
  expect(message(() => admitNodeRestriction('nodes', node('other'), undefined, { list: async () => [], dryRun: false }))).toBe('allowed');
});

test('a node registers and updates only itself, with the kubelet labels only', () => {
  expect(
    message(() =>
      admitNodeRestriction('nodes', node('n1', { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux' }), undefined, ctx()),
    ),
  ).toBe('allowed');
  expect(message(() => admitNodeRestriction('nodes', node('n2'), undefined, ctx()))).toBe(
    'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  );
  expect(message(() => admitNodeRestriction('nodes', node('n1', { 'node-role.kubernetes.io/control-plane': '' }), undefined, ctx()))).toBe(
    'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: node-role.kubernetes.io/control-plane',
  );
  const old = node('n1', { 'node-role.kubernetes.io/control-plane': '' }, { taints: [{ key: 'a', effect: 'NoSchedule' }] });
  // Status updates carry the labels the control plane set: unchanged labels are fine.
  expect(message(() => admitNodeRestriction('nodes', { ...old, status: { phase: 'x' } }, old, ctx(undefined, 'status')))).toBe('allowed');
  expect(message(() => admitNodeRestriction('nodes', { ...old, spec: {} }, old, ctx()))).toBe(
    'nodes "n1" is forbidden: node "n1" is not allowed to modify taints',
  );
  expect(message(() => admitNodeRestriction('nodes', node('n1', { 'example.com/x': '1' }, old.spec as never), old, ctx()))).toBe(
    'nodes "n1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/control-plane',
  );
});

test('forbiddenNodeLabels: node-restriction.kubernetes.io and foreign kubernetes.io/k8s.io labels', () => {
  expect(
    forbiddenNodeLabels(
      {
        'node-restriction.kubernetes.io/pool': 'a',
        'kubelet.kubernetes.io/x': '1',
        'node.kubernetes.io/instance-type': 'm',
        'topology.kubernetes.io/zone': 'z',
        'example.k8s.io/y': '1',
        'team.example.com/owner': 'me',
      },
      undefined,
    ),
  ).toEqual(['example.k8s.io/y', 'node-restriction.kubernetes.io/pool']);
});

test('pods: status of its own pods, not their labels; only mirror pods bound to itself', () => {
  const mine = pod('n1');
  expect(message(() => admitNodeRestriction('pods', { ...mine, status: { phase: 'Running' } }, mine, ctx(undefined, 'status')))).toBe(
    'allowed',
  );
  const theirs = pod('n2');
  expect(message(() => admitNodeRestriction('pods', theirs, theirs, ctx(undefined, 'status')))).toBe(
    'pods "p" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself',
  );
  expect(
    message(() => admitNodeRestriction('pods', { ...mine, metadata: { ...mine.metadata, labels: {} } }, mine, ctx(undefined, 'status'))),
  ).toBe('pods "p" is forbidden: node "n1" cannot update labels through pod status');
  expect(message(() => admitNodeRestriction('pods', mine, undefined, ctx()))).toBe(
    'pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods',
  );
  const mirror = (nodeName: string, spec: Record<string, unknown> = {}) =>
    pod(nodeName, {
      metadata: {
        name: 'p',
        namespace: 'default',
        annotations: { 'kubernetes.io/config.mirror': 'x' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: 'u', controller: true }],
      },
      spec: { nodeName, containers: [{ name: 'c' }], ...spec },
    });
  expect(message(() => admitNodeRestriction('pods', mirror('n1'), undefined, ctx()))).toBe('allowed');
  expect(message(() => admitNodeRestriction('pods', mirror('n2'), undefined, ctx()))).toBe(
    'pods "p" is forbidden: node "n1" can only create pods with spec.nodeName set to itself',
  );
  expect(message(() => admitNodeRestriction('pods', mirror('n1', { serviceAccountName: 'sa' }), undefined, ctx()))).toBe(
    'pods "p" is forbidden: node "n1" can not create pods that reference a service account',
  );
  expect(
    message(() => admitNodeRestriction('pods', mirror('n1', { volumes: [{ name: 'v', secret: { secretName: 's' } }] }), undefined, ctx())),
  ).toBe('pods "p" is forbidden: node "n1" can not create pods that reference secrets');
  expect(message(() => admitNodeRestriction('pods', mine, mine, ctx()))).toBe(
    'pods "p" is forbidden: unexpected operation "UPDATE", node "n1" can only create and delete mirror pods',
  );
});

test('PVCs: status capacity and conditions only', () => {
  const pvc: KObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'c', namespace: 'default' },
    spec: {},
    status: { phase: 'Bound' },
  };
  const grown = { ...pvc, status: { phase: 'Bound', capacity: { storage: '2Gi' } } };
  expect(message(() => admitNodeRestriction('persistentvolumeclaims', grown, pvc, ctx(undefined, 'status')))).toBe('allowed');
  expect(
    message(() => admitNodeRestriction('persistentvolumeclaims', { ...pvc, status: { phase: 'Lost' } }, pvc, ctx(undefined, 'status'))),
  ).toBe(
    'persistentvolumeclaims "c" is forbidden: node "n1" is not allowed to update fields other than status.capacity and status.conditions',
  );
  expect(message(() => admitNodeRestriction('persistentvolumeclaims', pvc, pvc, ctx()))).toBe(
    'persistentvolumeclaims "c" is forbidden: may only update PVC status',
  );
});

test('Leases: its own, in kube-node-lease', () => {
  const lease = (name: string, namespace = 'kube-node-lease'): KObject => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace },
  });
  expect(message(() => admitNodeRestriction('leases', lease('n1'), undefined, ctx()))).toBe('allowed');
  expect(message(() => admitNodeRestriction('leases', lease('n2'), undefined, ctx()))).toBe(
    'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node',
  );
  expect(message(() => admitNodeRestriction('leases', lease('n1', 'default'), undefined, ctx()))).toBe(
    'leases.coordination.k8s.io "n1" is forbidden: can only access leases in the "kube-node-lease" system namespace',
  );
});

test("serviceaccounts/token: a node's TokenRequest is bound to a pod of its own", async () => {
  const pods: Record<string, KObject> = {
    mine: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mine', namespace: 'default', uid: 'u1' }, spec: { nodeName: 'n1' } },
    theirs: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'theirs', namespace: 'default', uid: 'u2' }, spec: { nodeName: 'n2' } },
  };
  const getPod = async (name: string) => pods[name];
  const request = (ref?: Record<string, string>) => ({ spec: { boundObjectRef: ref } });
  const outcome = async (user: Parameters<typeof admitNodeTokenRequest>[0], ref?: Record<string, string>) => {
    try {
      await admitNodeTokenRequest(user, 'default', 'sa', request(ref), getPod);
      return 'allowed';
    } catch (e) {
      return (e as StatusError).message;
    }
  };
  const n1 = nodeIdentity('n1');
  expect(await outcome(n1, { apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'u1' })).toBe('allowed');
  expect(await outcome({ name: 'admin', groups: ['system:masters'] })).toBe('allowed');
  expect(await outcome(n1)).toBe('serviceaccounts "sa" is forbidden: node requested token not bound to a pod');
  expect(await outcome(n1, { apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: '' })).toBe(
    'serviceaccounts "sa" is forbidden: node requested token with a pod binding without a uid',
  );
  expect(await outcome(n1, { apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'old' })).toBe(
    'serviceaccounts "sa" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
  );
  expect(await outcome(n1, { apiVersion: 'v1', kind: 'Pod', name: 'theirs', uid: 'u2' })).toBe(
    'serviceaccounts "sa" is forbidden: node requested token bound to a pod scheduled on a different node',
  );
  expect(await outcome(n1, { apiVersion: 'v1', kind: 'Pod', name: 'gone', uid: 'u3' })).toBe('pods "gone" not found');
});

test('deletes and evictions: only of pods bound to the node', () => {
  const n1 = nodeIdentity('n1');
  const outcome = (fn: () => void) => message(fn);
  expect(outcome(() => admitNodeRestrictionDelete('pods', pod('n1'), n1))).toBe('allowed');
  expect(outcome(() => admitNodeRestrictionDelete('pods', pod('n2'), n1))).toBe(
    'pods "p" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself',
  );
  expect(outcome(() => admitNodeRestrictionDelete('pods', pod('n2'), { name: 'admin', groups: ['system:masters'] }))).toBe('allowed');
  expect(outcome(() => admitNodeRestrictionDelete('nodes', node('n2'), n1))).toBe(
    'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  );
  expect(outcome(() => admitNodeEviction(pod('n1'), n1))).toBe('allowed');
  expect(outcome(() => admitNodeEviction(pod('n2'), n1))).toBe(
    'pods "p" is forbidden: node n1 can only evict pods with spec.nodeName set to itself',
  );
});
