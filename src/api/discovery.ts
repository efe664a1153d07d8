// Discovery: legacy (APIVersions, APIGroupList, APIResourceList) and aggregated (apidiscovery v2/v2beta1),
// each built once from the resource descriptions.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Registry, GroupVersion } from '../registry/registry.js';
import { ALL_VERBS, apiVersionOf, type ResourceDef } from '../registry/types.js';
import { aggregatedDiscoveryVersion } from './negotiation.js';
import { sendObject } from './respond.js';

interface Sub {
  name: string;
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

function subresourcesOf(d: ResourceDef): Sub[] {
  const subs: Sub[] = [];
  if (d.statusSubresource)
    subs.push({ name: 'status', kind: d.kind, group: d.group, version: d.version, verbs: ['get', 'patch', 'update'] });
  if (d.scale) subs.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  for (const s of d.extraSubresources ?? [])
    subs.push({ name: s.name, kind: s.kind, group: s.group ?? d.group, version: s.version ?? d.version, verbs: s.verbs });
  return subs;
}

const verbsOf = (d: ResourceDef) => [...(d.verbs ?? ALL_VERBS)].sort();

function resourceList(registry: Registry, gv: GroupVersion) {
  const resources: Record<string, unknown>[] = [];
  for (const d of registry.inGroupVersion(gv.group, gv.version)) {
    const r: Record<string, unknown> = {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsOf(d),
    };
    if (d.shortNames) r.shortNames = d.shortNames;
    if (d.categories) r.categories = d.categories;
    resources.push(r);
    for (const s of subresourcesOf(d)) {
      const sr: Record<string, unknown> = {
        name: `${d.plural}/${s.name}`,
        singularName: '',
        namespaced: d.namespaced,
        kind: s.kind,
        verbs: s.verbs,
      };
      if (s.group !== d.group || s.version !== d.version) {
        sr.group = s.group;
        sr.version = s.version;
      }
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(gv), resources };
}

function aggregatedGroup(registry: Registry, group: string, versions: string[]) {
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      freshness: 'Current',
      resources: registry.inGroupVersion(group, version).map((d) => {
        const r: Record<string, unknown> = {
          resource: d.plural,
          responseKind: { group: d.group, version: d.version, kind: d.kind },
          scope: d.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: d.singular,
          verbs: verbsOf(d),
        };
        if (d.shortNames) r.shortNames = d.shortNames;
        if (d.categories) r.categories = d.categories;
        const subs = subresourcesOf(d);
        if (subs.length) {
          r.subresources = subs.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            verbs: s.verbs,
          }));
        }
        return r;
      }),
    })),
  };
}

/** Groups served by extension API servers (api/aggregator/remote-discovery.ts), merged after this server's own. */
export interface RemoteGroups {
  groups(): Map<string, string[]>;
  /** apidiscovery APIGroupDiscovery entries of the remote groups. */
  aggregated(): unknown[];
  onChange(fn: () => void): void;
}

export class Discovery {
  private cache = new Map<string, unknown>();
  constructor(
    private registry: Registry,
    private serverAddress: () => string,
    private remote?: RemoteGroups,
  ) {
    // Custom resources come and go: what was built from the old set is dropped, and so are the ETags naming it.
    registry.onChange(() => this.cache.clear());
    remote?.onChange(() => this.cache.clear());
  }

  private memo<T>(key: string, build: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, build());
    return this.cache.get(key) as T;
  }

  private groups(): Map<string, string[]> {
    const m = this.localGroups();
    for (const [group, versions] of this.remote?.groups() ?? []) if (!m.has(group)) m.set(group, versions);
    return m;
  }

  private localGroups(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const gv of this.registry.groupVersions()) {
      if (gv.group === '') continue;
      m.set(gv.group, [...(m.get(gv.group) ?? []), gv.version]);
    }
    return m;
  }

  /** GET /api and GET /apis. */
  root(core: boolean) {
    return (req: Request, res: Response) => {
      const agg = aggregatedDiscoveryVersion(req.headers.accept);
      if (agg) {
        const body = this.memo(`agg:${core}:${agg}`, () => {
          const text = JSON.stringify({
            kind: 'APIGroupDiscoveryList',
            apiVersion: `apidiscovery.k8s.io/${agg}`,
            metadata: {},
            items: core
              ? [aggregatedGroup(this.registry, '', ['v1'])]
              : [...[...this.localGroups()].map(([g, vs]) => aggregatedGroup(this.registry, g, vs)), ...(this.remote?.aggregated() ?? [])],
          });
          // The aggregated document's ETag is a hash of it, as upstream's (a client's If-None-Match gets a 304).
          return { text, etag: `"${createHash('sha512').update(text).digest('hex').toUpperCase()}"` };
        });
        // kubectl only accepts the aggregated body under this exact content type.
        res.setHeader('Content-Type', `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`);
        res.setHeader('ETag', body.etag);
        res.setHeader('Vary', 'Accept');
        if (req.headers['if-none-match'] === body.etag) {
          res.status(304).end();
          return;
        }
        res.status(200).end(body.text);
        return;
      }
      if (core) {
        sendObject(res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }],
        });
        return;
      }
      sendObject(
        res,
        200,
        this.memo('apis', () => ({
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...this.groups()].map(([g, vs]) => this.apiGroup(g, vs)),
        })),
      );
    };
  }

  private apiGroup(name: string, versions: string[]) {
    const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  }

  /** GET /apis/<group>: APIGroup. */
  group(name: string): unknown | undefined {
    const vs = this.groups().get(name);
    return vs ? { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(name, vs) } : undefined;
  }

  /** GET /api/v1 and /apis/<group>/<version>: APIResourceList. */
  resources(group: string, version: string): unknown | undefined {
    if (!this.registry.inGroupVersion(group, version).length) return undefined;
    return this.memo(`res:${group}/${version}`, () => resourceList(this.registry, { group, version }));
  }
}
