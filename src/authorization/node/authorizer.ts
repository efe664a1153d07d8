// The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go): a kubelet, `system:node:<name>` in group
// `system:nodes`, may read the secrets, configmaps, PVCs and service accounts (tokens) of the pods bound to its node,
// its own Lease, and what the system:node rules give every node. It has no opinion on anyone else, and none (with a
// reason the 403 carries) on what it does not allow, so that RBAC may still allow it.
import type { UserInfo } from '../../machinery/api/user.js';
import type { Authorizer, Decision, RequestAttributes, SubjectRules } from '../types.js';
import type { NodeGraph, VertexType } from './graph.js';
import { nodeRulesAllow } from './node-rules.js';
import { exactFieldValue } from '../request-name.js';

export const NODES_GROUP = 'system:nodes';
const NODE_USER_PREFIX = 'system:node:';
/** Where node heartbeats live (api.NamespaceNodeLease). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** nodeidentifier.NodeIdentity: the node name of a kubelet's user ('' for a node user without one), else undefined. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

const ALLOW: Decision = { allowed: true };
const noOpinion = (reason?: string): Decision => (reason ? { allowed: false, reason } : { allowed: false });

export function createNodeAuthorizer(graph: NodeGraph): Authorizer {
  // authorize: a path from the object to the node in the graph.
  const viaGraph = (node: string, type: VertexType | 'pod', attrs: RequestAttributes): Decision => {
    if (!attrs.name) return noOpinion('No Object name found');
    if (!graph.hasPath(node, type, attrs.namespace ?? '', attrs.name))
      return noOpinion(`no relationship found between node '${node}' and this object`);
    return ALLOW;
  };
  const readNamespaced = (node: string, type: VertexType, attrs: RequestAttributes): Decision => {
    if (!['get', 'list', 'watch'].includes(attrs.verb)) return noOpinion('can only read resources of this type');
    if (attrs.subresource) return noOpinion('cannot read subresource');
    if (!attrs.namespace) return noOpinion('can only read namespaced object of this type');
    return viaGraph(node, type, attrs);
  };
  const getOnly = (node: string, type: VertexType | 'pod', attrs: RequestAttributes): Decision => {
    if (attrs.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (attrs.subresource) return noOpinion('cannot get subresource');
    return viaGraph(node, type, attrs);
  };
  const pvcStatus = (node: string, attrs: RequestAttributes): Decision => {
    if (!['update', 'patch'].includes(attrs.verb)) return noOpinion('can only get/update/patch this type');
    return viaGraph(node, 'pvc', attrs);
  };
  // AuthorizeNodeWithSelectors (on by default since 1.32): pods only of this node, its own Node only.
  const pod = (node: string, attrs: RequestAttributes): Decision => {
    const sub = attrs.subresource ?? '';
    if (sub === '') {
      if (attrs.verb === 'get') return getOnly(node, 'pod', attrs);
      if (attrs.verb === 'list' || attrs.verb === 'watch') {
        if (exactFieldValue(attrs.fieldSelector, 'spec.nodeName') === node) return ALLOW;
        if (attrs.name) return viaGraph(node, 'pod', attrs);
        return noOpinion('can only list/watch pods with spec.nodeName field selector');
      }
      if (attrs.verb === 'create' || attrs.verb === 'delete') return ALLOW;
    } else if (sub === 'status' && (attrs.verb === 'update' || attrs.verb === 'patch')) return ALLOW;
    else if (sub === 'eviction' && attrs.verb === 'create') return ALLOW;
    return noOpinion();
  };
  const nodeObject = (node: string, attrs: RequestAttributes): Decision => {
    const sub = attrs.subresource ?? '';
    if (sub === '') {
      if (['create', 'update', 'patch'].includes(attrs.verb)) return ALLOW;
      if (['get', 'list', 'watch'].includes(attrs.verb)) {
        // By name, not through the graph: a kubelet reads its Node before it has created it.
        if (attrs.name === node) return ALLOW;
        if (!attrs.name) return noOpinion(`node '${node}' cannot read all nodes, only its own Node object`);
        return noOpinion(`node '${node}' cannot read '${attrs.name}', only its own Node object`);
      }
    } else if (sub === 'status' && (attrs.verb === 'update' || attrs.verb === 'patch')) return ALLOW;
    return noOpinion();
  };
  const createToken = (node: string, attrs: RequestAttributes): Decision => {
    if (attrs.verb !== 'create' || !attrs.name) return noOpinion('can only create tokens for individual service accounts');
    if (attrs.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return viaGraph(node, 'serviceaccount', attrs);
  };
  const lease = (node: string, attrs: RequestAttributes): Decision => {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb))
      return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (attrs.namespace !== NODE_LEASE_NAMESPACE)
      return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
    // The name of a create is not known here: NodeRestriction checks it.
    if (attrs.verb !== 'create' && attrs.name !== node)
      return noOpinion('can only access node lease with the same name as the requesting node');
    return ALLOW;
  };

  return {
    authorize(user: UserInfo, attrs: RequestAttributes): Decision {
      const node = nodeIdentity(user);
      if (node === undefined) return noOpinion();
      if (!node) return noOpinion(`unknown node for user "${user.name}"`);
      if (attrs.resourceRequest) {
        const group = attrs.apiGroup ?? '';
        const resource = attrs.resource ?? '';
        if (group === '') {
          if (resource === 'secrets') return readNamespaced(node, 'secret', attrs);
          if (resource === 'configmaps') return readNamespaced(node, 'configmap', attrs);
          if (resource === 'persistentvolumeclaims')
            return attrs.subresource === 'status' ? pvcStatus(node, attrs) : getOnly(node, 'pvc', attrs);
          if (resource === 'persistentvolumes') return getOnly(node, 'pv', attrs);
          if (resource === 'serviceaccounts') return createToken(node, attrs);
          if (resource === 'pods') return pod(node, attrs);
          if (resource === 'nodes') return nodeObject(node, attrs);
        }
        if (group === 'storage.k8s.io' && resource === 'volumeattachments') return getOnly(node, 'volumeattachment', attrs);
        if (group === 'coordination.k8s.io' && resource === 'leases') return lease(node, attrs);
        // Everything else is not subdivided: the rules every node has.
        const full = attrs.subresource ? `${resource}/${attrs.subresource}` : resource;
        return nodeRulesAllow(attrs.verb, group, full) ? ALLOW : noOpinion();
      }
      return noOpinion();
    },
    // Nodes' permissions cannot be enumerated (they depend on the graph).
    rulesFor(user: UserInfo): SubjectRules {
      if (nodeIdentity(user) === undefined) return { resourceRules: [], nonResourceRules: [], incomplete: false };
      return {
        resourceRules: [],
        nonResourceRules: [],
        incomplete: true,
        evaluationError: 'node authorizer does not support user rule resolution',
      };
    },
  };
}
