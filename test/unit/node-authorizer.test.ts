// The Node authorizer's decisions (node_authorizer.go and its graph): what a kubelet may reach through its pods.
import { NodeGraph, createNodeAuthorizer, startNodeGraph, type PodFeed } from '../../src/authorization/node/index.js';
import { podReferences } from '../../src/authorization/node/pod-references.js';
import type { RequestAttributes } from '../../src/authorization/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { nodeIdentity } from '../../src/client/identities.js';

const node1 = nodeIdentity('node1');
const node2 = nodeIdentity('node2');

function pod(name: string, nodeName: string | undefined, spec: Record<string, unknown> = {}, ns = 'default'): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { nodeName, containers: [{ name: 'c' }], ...spec } };
}
const res = (verb: string, resource: string, name?: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource,
  namespace: 'default',
  name,
  ...extra,
});

const web = pod('web', 'node1', {
  serviceAccountName: 'web-sa',
  imagePullSecrets: [{ name: 'pull' }],
  containers: [
    {
      name: 'c',
      env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }],
      envFrom: [{ configMapRef: { name: 'env-cm' } }],
    },
  ],
  initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-secret' } }] }],
  volumes: [
    { name: 'v1', secret: { secretName: 'vol-secret' } },
    { name: 'v2', configMap: { name: 'vol-cm' } },
    { name: 'v3', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] } },
    { name: 'data', persistentVolumeClaim: { claimName: 'claim' } },
    { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
  ],
});

test('podReferences: every secret, configmap, PVC (ephemeral ones by <pod>-<volume>) and the service account', () => {
  const refs = podReferences(web).map((r) => `${r.type}/${r.name}`);
  expect(refs.sort()).toEqual(
    [
      'secret/pull',
      'secret/env-secret',
      'configmap/env-cm',
      'secret/init-secret',
      'secret/vol-secret',
      'configmap/vol-cm',
      'secret/proj-secret',
      'configmap/proj-cm',
      'pvc/claim',
      'pvc/web-scratch',
      'serviceaccount/web-sa',
    ].sort(),
  );
});

describe('a node reads only what pods bound to it reference', () => {
  const graph = new NodeGraph();
  const authz = createNodeAuthorizer(graph);
  graph.setPod(web);
  graph.setPod(pod('other', 'node2', { volumes: [{ name: 's', secret: { secretName: 'other-secret' } }] }));
  graph.setPod(pod('pending', undefined, { volumes: [{ name: 's', secret: { secretName: 'pending-secret' } }] }));

  test.each([
    ['get', 'secrets', 'vol-secret'],
    ['list', 'secrets', 'env-secret'],
    ['watch', 'secrets', 'pull'],
    ['get', 'secrets', 'init-secret'],
    ['get', 'secrets', 'proj-secret'],
    ['get', 'configmaps', 'env-cm'],
    ['watch', 'configmaps', 'proj-cm'],
    ['get', 'persistentvolumeclaims', 'claim'],
    ['get', 'persistentvolumeclaims', 'web-scratch'],
  ])('node1 may %s %s %s', (verb, resource, name) => {
    expect(authz.authorize(node1, res(verb, resource, name))).toEqual({ allowed: true });
  });

  test('another node, or an unbound pod, gives no relationship', () => {
    expect(authz.authorize(node2, res('get', 'secrets', 'vol-secret'))).toEqual({
      allowed: false,
      reason: "no relationship found between node 'node2' and this object",
    });
    expect(authz.authorize(node1, res('get', 'secrets', 'other-secret')).allowed).toBe(false);
    expect(authz.authorize(node1, res('get', 'secrets', 'pending-secret')).allowed).toBe(false);
    expect(authz.authorize(node1, res('get', 'secrets', 'vol-secret', { namespace: 'elsewhere' })).allowed).toBe(false);
  });

  test("verbs and shapes the node authorizer refuses, with upstream's reasons", () => {
    expect(authz.authorize(node1, res('update', 'secrets', 'vol-secret'))).toEqual({
      allowed: false,
      reason: 'can only read resources of this type',
    });
    expect(authz.authorize(node1, res('list', 'secrets'))).toEqual({ allowed: false, reason: 'No Object name found' });
    expect(authz.authorize(node1, res('get', 'secrets', 'vol-secret', { namespace: undefined }))).toEqual({
      allowed: false,
      reason: 'can only read namespaced object of this type',
    });
    expect(authz.authorize(node1, res('list', 'persistentvolumeclaims', 'claim'))).toEqual({
      allowed: false,
      reason: 'can only get individual resources of this type',
    });
    expect(authz.authorize(node1, res('get', 'persistentvolumes', 'pv1', { namespace: undefined })).allowed).toBe(false);
    graph.setVolume({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv1' },
      spec: { claimRef: { namespace: 'default', name: 'claim' } },
    });
    expect(authz.authorize(node1, res('get', 'persistentvolumes', 'pv1', { namespace: undefined })).allowed).toBe(true);
    expect(authz.authorize(node2, res('get', 'persistentvolumes', 'pv1', { namespace: undefined })).allowed).toBe(false);
    expect(authz.authorize(node1, res('list', 'persistentvolumes', 'pv1', { namespace: undefined })).allowed).toBe(false);
    graph.deleteVolume('pv1');
  });

  test('PVC status of its pods, tokens of its pods service accounts', () => {
    expect(authz.authorize(node1, res('patch', 'persistentvolumeclaims', 'claim', { subresource: 'status' })).allowed).toBe(true);
    expect(authz.authorize(node1, res('get', 'persistentvolumeclaims', 'claim', { subresource: 'status' }))).toEqual({
      allowed: false,
      reason: 'can only get/update/patch this type',
    });
    expect(authz.authorize(node2, res('patch', 'persistentvolumeclaims', 'claim', { subresource: 'status' })).allowed).toBe(false);
    expect(authz.authorize(node1, res('create', 'serviceaccounts', 'web-sa', { subresource: 'token' })).allowed).toBe(true);
    expect(authz.authorize(node2, res('create', 'serviceaccounts', 'web-sa', { subresource: 'token' })).allowed).toBe(false);
    expect(authz.authorize(node1, res('get', 'serviceaccounts', 'web-sa'))).toEqual({
      allowed: false,
      reason: 'can only create tokens for individual service accounts',
    });
  });

  test('its own Lease in kube-node-lease only', () => {
    const lease = (verb: string, name: string | undefined, namespace = 'kube-node-lease') =>
      authz.authorize(node1, res(verb, 'leases', name, { apiGroup: 'coordination.k8s.io', namespace }));
    expect(lease('update', 'node1').allowed).toBe(true);
    expect(lease('create', undefined).allowed).toBe(true);
    expect(lease('update', 'node2')).toEqual({
      allowed: false,
      reason: 'can only access node lease with the same name as the requesting node',
    });
    expect(lease('get', 'node1', 'default')).toEqual({
      allowed: false,
      reason: 'can only access leases in the "kube-node-lease" system namespace',
    });
    expect(lease('list', undefined).allowed).toBe(false);
  });

  test('pods and nodes with selectors (AuthorizeNodeWithSelectors): its own pods and its own Node only', () => {
    expect(
      authz.authorize(node1, res('list', 'pods', undefined, { namespace: undefined, fieldSelector: 'spec.nodeName=node1' })).allowed,
    ).toBe(true);
    expect(
      authz.authorize(
        node1,
        res('watch', 'pods', undefined, { namespace: undefined, fieldSelector: 'status.phase!=Failed,spec.nodeName==node1' }),
      ).allowed,
    ).toBe(true);
    expect(authz.authorize(node1, res('list', 'pods', undefined, { fieldSelector: 'spec.nodeName=node2' }))).toEqual({
      allowed: false,
      reason: 'can only list/watch pods with spec.nodeName field selector',
    });
    expect(authz.authorize(node1, res('list', 'pods')).allowed).toBe(false);
    expect(authz.authorize(node1, res('get', 'pods', 'web')).allowed).toBe(true);
    expect(authz.authorize(node2, res('get', 'pods', 'web'))).toEqual({
      allowed: false,
      reason: "no relationship found between node 'node2' and this object",
    });
    expect(authz.authorize(node1, res('watch', 'pods', 'web')).allowed).toBe(true);
    expect(authz.authorize(node1, res('patch', 'pods', 'web', { subresource: 'status' })).allowed).toBe(true);
    expect(authz.authorize(node1, res('create', 'pods', 'web', { subresource: 'eviction' })).allowed).toBe(true);
    expect(authz.authorize(node1, res('update', 'pods', 'web')).allowed).toBe(false);
    const nodes = (verb: string, name?: string, subresource?: string) =>
      authz.authorize(node1, res(verb, 'nodes', name, { namespace: undefined, subresource }));
    expect(nodes('get', 'node1').allowed).toBe(true);
    expect(nodes('watch', 'node1').allowed).toBe(true);
    expect(nodes('list')).toEqual({ allowed: false, reason: "node 'node1' cannot read all nodes, only its own Node object" });
    expect(nodes('get', 'node2')).toEqual({ allowed: false, reason: "node 'node1' cannot read 'node2', only its own Node object" });
    expect(nodes('patch', 'node1').allowed).toBe(true);
    expect(nodes('update', 'node1', 'status').allowed).toBe(true);
    expect(nodes('delete', 'node1').allowed).toBe(false);
  });

  test('the system:node rules for what is not subdivided', () => {
    expect(authz.authorize(node1, res('create', 'events')).allowed).toBe(true);
    expect(authz.authorize(node1, res('list', 'services')).allowed).toBe(true);
    expect(authz.authorize(node1, res('list', 'deployments', undefined, { apiGroup: 'apps' })).allowed).toBe(false);
    expect(authz.authorize(node1, { verb: 'get', resourceRequest: false, path: '/metrics' }).allowed).toBe(false);
  });

  test('no opinion on anyone but nodes; a node user without a name is unknown', () => {
    expect(authz.authorize({ name: 'system:node:node1', groups: ['system:authenticated'] }, res('get', 'secrets', 'vol-secret'))).toEqual({
      allowed: false,
    });
    expect(authz.authorize({ name: 'alice', groups: ['system:nodes'] }, res('get', 'secrets', 'vol-secret'))).toEqual({ allowed: false });
    expect(authz.authorize({ name: 'system:node:', groups: ['system:nodes'] }, res('list', 'services'))).toEqual({
      allowed: false,
      reason: 'unknown node for user "system:node:"',
    });
    expect(authz.rulesFor(node1, 'default')).toMatchObject({
      incomplete: true,
      evaluationError: 'node authorizer does not support user rule resolution',
    });
    expect(authz.rulesFor({ name: 'alice', groups: [] }, 'default').incomplete).toBe(false);
  });
});

test('the graph follows pods: a rebind moves the access, a delete removes it, shared references are counted', () => {
  const graph = new NodeGraph();
  const authz = createNodeAuthorizer(graph);
  const a = pod('a', 'node1', { volumes: [{ name: 's', secret: { secretName: 'shared' } }] });
  const b = pod('b', 'node1', { volumes: [{ name: 's', secret: { secretName: 'shared' } }] });
  graph.setPod(a);
  graph.setPod(b);
  graph.deletePod('default', 'a');
  expect(authz.authorize(node1, res('get', 'secrets', 'shared')).allowed).toBe(true);
  graph.setPod({ ...b, spec: { ...(b.spec as object), nodeName: 'node2' } });
  expect(authz.authorize(node1, res('get', 'secrets', 'shared')).allowed).toBe(false);
  expect(authz.authorize(node2, res('get', 'secrets', 'shared')).allowed).toBe(true);
  graph.deletePod('default', 'b');
  expect(authz.authorize(node2, res('get', 'secrets', 'shared')).allowed).toBe(false);
  expect(graph.size()).toEqual({ pods: 0, vertices: 0 });
});

test('startNodeGraph lists, then applies watch events, and re-lists when the watch ends', async () => {
  let onEvent: ((e: { type: string; object: KObject }) => void) | undefined;
  let onClose: (() => void) | undefined;
  let pods = [pod('a', 'node1', { volumes: [{ name: 's', secret: { secretName: 's1' } }] })];
  let lists = 0;
  let onVolumeEvent: ((e: { type: string; object: KObject }) => void) | undefined;
  const feed: PodFeed = {
    list: async (prefix) => {
      if (prefix !== '/registry/core/pods/') return { items: [], revision: 5 };
      lists++;
      return { items: pods, revision: 5 };
    },
    watch: (prefix, _rv, ev, close) => {
      if (prefix !== '/registry/core/pods/') onVolumeEvent = ev;
      else {
        onEvent = ev;
        onClose = close;
      }
      return { stop: () => undefined };
    },
  };
  const source = startNodeGraph(feed);
  await source.synced;
  expect(source.graph.hasPath('node1', 'secret', 'default', 's1')).toBe(true);
  onEvent!({ type: 'ADDED', object: pod('b', 'node2', { volumes: [{ name: 's', configMap: { name: 'c1' } }] }) });
  expect(source.graph.hasPath('node2', 'configmap', 'default', 'c1')).toBe(true);
  // A PersistentVolume is reached through the claim its claimRef names, from the volumes' own watch.
  onEvent!({ type: 'ADDED', object: pod('c', 'node2', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }) });
  const pv = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv1' },
    spec: { claimRef: { namespace: 'default', name: 'data' } },
  };
  expect(source.graph.hasPath('node2', 'pv', '', 'pv1')).toBe(false);
  onVolumeEvent!({ type: 'ADDED', object: pv });
  expect(source.graph.hasPath('node2', 'pv', '', 'pv1')).toBe(true);
  expect(source.graph.hasPath('node1', 'pv', '', 'pv1')).toBe(false);
  onVolumeEvent!({ type: 'DELETED', object: pv });
  expect(source.graph.hasPath('node2', 'pv', '', 'pv1')).toBe(false);
  onEvent!({ type: 'DELETED', object: pod('a', 'node1') });
  expect(source.graph.hasPath('node1', 'secret', 'default', 's1')).toBe(false);
  pods = [];
  onClose!();
  await new Promise((r) => setImmediate(r));
  expect(lists).toBe(2);
  expect(source.graph.hasPath('node2', 'configmap', 'default', 'c1')).toBe(false);
  source.stop();
});
