// The Node authorizer: the factory the authorization chain includes (beside RBAC), its graph and its feed.
import type { Authorizer } from '../types.js';
import { createNodeAuthorizer } from './authorizer.js';
import { startNodeGraph, type PodFeed } from './source.js';

export { createNodeAuthorizer, nodeIdentity, NODES_GROUP, NODE_LEASE_NAMESPACE } from './authorizer.js';
export { NodeGraph } from './graph.js';
export { startNodeGraph, type PodFeed } from './source.js';

/** A Node authorizer fed from `feed` (the watch cache): `synced` resolves once it knows every pod. */
export function nodeAuthorizerFrom(feed: PodFeed): { authorizer: Authorizer; synced: Promise<void>; stop(): void } {
  const source = startNodeGraph(feed);
  return { authorizer: createNodeAuthorizer(source.graph), synced: source.synced, stop: source.stop };
}
