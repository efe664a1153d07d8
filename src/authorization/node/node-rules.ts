// What every node may do beyond the graph (bootstrappolicy.NodeRules, the system:node ClusterRole): the Node
// authorizer falls back to these for resources it does not subdivide; the NodeRestriction admission narrows writes.
export interface StaticRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
}

const READ = ['get', 'list', 'watch'];
const rule = (verbs: string[], apiGroups: string[], resources: string[]): StaticRule => ({ verbs, apiGroups, resources });

export const NODE_RULES: readonly StaticRule[] = [
  // Checking API access; these creates change nothing.
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  // The service links of containers' environments.
  rule(READ, [''], ['services']),
  // Registering and reporting its Node (NodeRestriction: only its own).
  rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
  rule(['update', 'patch'], [''], ['nodes/status']),
  rule(['update', 'patch'], [''], ['nodes']),
  rule(['create', 'update', 'patch'], [''], ['events']),
  // Pods (NodeRestriction: mirror pods bound to itself, and the status of its own pods).
  rule(READ, [''], ['pods']),
  rule(['create', 'delete'], [''], ['pods']),
  rule(['update', 'patch'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  // Narrowed by the graph to what its pods reference (the authorizer checks these first).
  rule(['get', 'list', 'watch'], [''], ['secrets', 'configmaps']),
  rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(['get'], [''], ['endpoints']),
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
  rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
  rule(READ, ['storage.k8s.io'], ['csidrivers']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
  rule(READ, ['node.k8s.io'], ['runtimeclasses']),
];

/** rbac.RulesAllow over NODE_RULES (no wildcards in them; resources as `resource/subresource`). */
export function nodeRulesAllow(verb: string, apiGroup: string, resource: string): boolean {
  return NODE_RULES.some((r) => r.verbs.includes(verb) && r.apiGroups.includes(apiGroup) && r.resources.includes(resource));
}
