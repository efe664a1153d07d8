// Discovery of the extension API servers, merged into this server's (kube-aggregator's discovery managers): every
// remote APIService's group/version is listed in /apis, and the APIResourceList each Available one serves at
// /apis/<group>/<version> is fetched (as system:kube-aggregator) and shown in aggregated discovery, so kubectl finds
// its resources; their OpenAPI (remote-openapi.ts) is fetched beside it. Fetched again when an APIService changes,
// and each minute.
import type { FrontProxyCredentials } from '../../pki/front-proxy.js';
import type { ServiceResolver } from '../../webhook/service-resolver.js';
import { compareVersionPriority } from '../../apiextensions/versions.js';
import { compareStrings } from '../../machinery/compare.js';
import { backendOf, getJson } from './backend.js';
import { isAvailable, type APIService, type RemoteAPIs } from './remote-apis.js';
import { fetchRemoteOpenAPI, type RemoteOpenAPI } from './remote-openapi.js';

interface APIResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  group?: string;
  version?: string;
  kind?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** The identity kube-aggregator fetches discovery and checks health with. */
export const AGGREGATOR_USER = { name: 'system:kube-aggregator', groups: ['system:masters'] };
const REFRESH_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/** APIServices of a group: higher versionPriority first, then Kubernetes' version order (the preferred one first). */
const byPriority = (a: APIService, b: APIService) =>
  (b.spec.versionPriority ?? 0) - (a.spec.versionPriority ?? 0) || compareVersionPriority(a.spec.version!, b.spec.version!);

export class RemoteDiscovery {
  private resources = new Map<string, APIResource[]>();
  private openapi = new Map<string, RemoteOpenAPI>();
  private listeners: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private apis: RemoteAPIs,
    private resolver: ServiceResolver,
    private credentials: () => Promise<FrontProxyCredentials>,
  ) {
    apis.onChange(() => {
      this.changed();
      this.refresh();
    });
  }

  start(): void {
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
    this.refresh();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** One refresh at a time; a change meanwhile runs one more after it. */
  refresh(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.fetchAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
  }

  /** Resolves once the refresh running (if any) is done: for tests. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async fetchAll(): Promise<void> {
    const next = new Map<string, APIResource[]>();
    const nextOpenAPI = new Map<string, RemoteOpenAPI>();
    await Promise.all(
      this.apis
        .list()
        .filter(isAvailable)
        .map(async (a) => {
          const { group, version } = a.spec as { group: string; version: string };
          try {
            const backend = await backendOf(a, this.resolver);
            const creds = await this.credentials();
            const [body, openapi] = await Promise.all([
              getJson(backend, creds, `/apis/${group}/${version}`, AGGREGATOR_USER, FETCH_TIMEOUT_MS) as Promise<{
                resources?: APIResource[];
              }>,
              fetchRemoteOpenAPI(backend, creds, group, version, AGGREGATOR_USER, FETCH_TIMEOUT_MS),
            ]);
            next.set(`${group}/${version}`, body.resources ?? []);
            nextOpenAPI.set(`${group}/${version}`, openapi);
          } catch {
            // Left out until the next refresh: upstream marks it stale.
          }
        }),
    );
    const before = JSON.stringify([[...this.resources], [...this.openapi]]);
    this.resources = next;
    this.openapi = nextOpenAPI;
    if (JSON.stringify([[...next], [...nextOpenAPI]]) !== before) this.changed();
  }

  /** The v3 OpenAPI documents of the Available remote group/versions, by path (`apis/<group>/<version>`). */
  openapiV3(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [gv, o] of this.openapi) if (o.v3) out.set(`apis/${gv}`, o.v3);
    return out;
  }

  /** The v2 paths and definitions of each Available remote group/version. */
  openapiV2(): { paths: Record<string, unknown>; definitions: Record<string, unknown> }[] {
    return [...this.openapi.values()].flatMap((o) => (o.v2 ? [o.v2] : []));
  }

  /** Remote groups and their versions, preferred first (groups by name, after this server's own). */
  groups(): Map<string, string[]> {
    const byGroup = new Map<string, APIService[]>();
    for (const a of this.apis.list()) byGroup.set(a.spec.group!, [...(byGroup.get(a.spec.group!) ?? []), a]);
    const out = new Map<string, string[]>();
    for (const g of [...byGroup.keys()].sort(compareStrings))
      out.set(
        g,
        byGroup
          .get(g)!
          .sort(byPriority)
          .map((a) => a.spec.version!),
      );
    return out;
  }

  /** The APIResourceList of a remote group/version, once fetched. */
  resourceList(group: string, version: string): APIResource[] | undefined {
    return this.resources.get(`${group}/${version}`);
  }

  /** apidiscovery's APIGroupDiscovery of each remote group, with the versions whose resources were fetched. */
  aggregated(): unknown[] {
    const out: unknown[] = [];
    for (const [group, versions] of this.groups()) {
      const known = versions.filter((v) => this.resources.has(`${group}/${v}`));
      if (!known.length) continue;
      out.push({
        metadata: { name: group, creationTimestamp: null },
        versions: known.map((version) => ({
          version,
          freshness: 'Current',
          resources: aggregatedResources(group, version, this.resources.get(`${group}/${version}`)!),
        })),
      });
    }
    return out;
  }
}

/** An APIResourceList's entries in aggregated form: `x/y` entries become the subresources of `x`. */
function aggregatedResources(group: string, version: string, list: APIResource[]): unknown[] {
  const top = list.filter((r) => !r.name.includes('/'));
  return top.map((r) => {
    const entry: Record<string, unknown> = {
      resource: r.name,
      responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind ?? '' },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName ?? '',
      verbs: r.verbs ?? [],
    };
    if (r.shortNames?.length) entry.shortNames = r.shortNames;
    if (r.categories?.length) entry.categories = r.categories;
    const subs = list.filter((s) => s.name.startsWith(`${r.name}/`));
    if (subs.length)
      entry.subresources = subs.map((s) => ({
        subresource: s.name.slice(r.name.length + 1),
        responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind ?? '' },
        verbs: s.verbs ?? [],
      }));
    return entry;
  });
}
