// The HTTPS client: JSON over the real API with a kubeconfig's credentials (Node's http/https; plain http only for
// test servers). Watches are streams of JSON lines; the server's Status comes back as the same StatusError the
// in-process client throws.
import http from 'node:http';
import https from 'node:https';
import { StatusError, type Status } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { ClientCredentials } from './kubeconfig.js';
import type {
  ApiResource,
  Client,
  ClientDeleteOptions,
  ClientList,
  ClientListOptions,
  ClientWatch,
  ClientWatchEvent,
  ClientWatchOptions,
  ClientWriteOptions,
  Gvr,
  PatchType,
  WatchHandlers,
} from './types.js';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

type Query = Record<string, string | number | boolean | undefined>;

/** A Status body (or anything else a failed request answered) as a StatusError. */
function statusErrorOf(code: number, body: string): StatusError {
  let s: Partial<Status> | undefined;
  try {
    s = JSON.parse(body) as Partial<Status>;
  } catch {
    /* not JSON */
  }
  if (s && s.kind === 'Status') return new StatusError(s.code ?? code, s.reason ?? '', s.message ?? '', s.details);
  return new StatusError(code, code === 404 ? 'NotFound' : 'InternalError', body.trim() || `HTTP ${code}`);
}

export class HttpClient implements Client {
  readonly identity = undefined;
  private base: URL;
  private agent: http.Agent;
  private headers: Record<string, string> = { Accept: 'application/json' };

  constructor(
    creds: ClientCredentials,
    private userAgent = 'dockube-client',
  ) {
    this.base = new URL(creds.server);
    const tls = this.base.protocol === 'https:';
    this.agent = tls
      ? new https.Agent({ keepAlive: true, ca: creds.ca, cert: creds.cert, key: creds.key })
      : new http.Agent({ keepAlive: true });
    if (creds.token) this.headers.Authorization = `Bearer ${creds.token}`;
    this.headers['User-Agent'] = userAgent;
  }

  /** Ends kept-alive connections (watches are stopped by their owners). */
  close(): void {
    this.agent.destroy();
  }

  private path(gvr: Gvr, namespace: string | undefined, name?: string, subresource?: string, query: Query = {}): string {
    let p = gvr.group ? `/apis/${gvr.group}/${gvr.version}` : `/api/${gvr.version}`;
    if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${gvr.resource}`;
    if (name) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    return s ? `${p}?${s}` : p;
  }

  private open(method: string, path: string, body?: unknown, contentType = 'application/json'): http.ClientRequest {
    const mod = this.base.protocol === 'https:' ? https : http;
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = mod.request({
      protocol: this.base.protocol,
      hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
      port: this.base.port,
      method,
      path,
      agent: this.agent,
      headers: { ...this.headers, ...(data ? { 'Content-Type': contentType, 'Content-Length': data.length } : {}) },
    });
    if (data) req.write(data);
    req.end();
    return req;
  }

  private request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = this.open(method, path, body, contentType);
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) {
            reject(statusErrorOf(code, text));
            return;
          }
          try {
            resolve(JSON.parse(text) as T);
          } catch (e) {
            reject(e);
          }
        });
      });
    });
  }

  private writeQuery(opts: ClientWriteOptions = {}): Query {
    return { fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined };
  }

  get(gvr: Gvr, namespace: string | undefined, name: string, opts: { subresource?: string } = {}): Promise<KObject> {
    return this.request('GET', this.path(gvr, namespace, name, opts.subresource));
  }

  async list(gvr: Gvr, namespace: string | undefined, opts: ClientListOptions = {}): Promise<ClientList> {
    const l = await this.request<{ items: KObject[]; metadata: { resourceVersion: string; continue?: string } }>(
      'GET',
      this.path(gvr, namespace, undefined, undefined, { ...opts }),
    );
    // Items of a list carry no kind; give them theirs, as the in-process client's do.
    const kind = (l as { kind?: string }).kind?.replace(/List$/, '');
    const apiVersion = (l as { apiVersion?: string }).apiVersion;
    const items = l.items.map((o) => ({ kind, apiVersion, ...o }) as KObject);
    return { items, resourceVersion: l.metadata.resourceVersion, ...(l.metadata.continue ? { continue: l.metadata.continue } : {}) };
  }

  watch(gvr: Gvr, namespace: string | undefined, opts: ClientWatchOptions, h: WatchHandlers): Promise<ClientWatch> {
    const path = this.path(gvr, namespace, undefined, undefined, {
      watch: 1,
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.bookmarks ? 'true' : undefined,
    });
    return new Promise((resolve, reject) => {
      let stopped = false;
      let ended = false;
      const req = this.open('GET', path);
      const end = (err?: Error) => {
        if (ended) return;
        ended = true;
        req.destroy();
        if (!stopped) h.onClose(err);
      };
      const handle: ClientWatch = {
        stop: () => {
          stopped = true;
          req.destroy();
        },
      };
      req.on('error', (e) => {
        if (!ended && !started) {
          ended = true;
          reject(e);
        } else end(e);
      });
      let started = false;
      req.on('response', (res) => {
        const code = res.statusCode ?? 0;
        if (code !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            ended = true;
            reject(statusErrorOf(code, Buffer.concat(chunks).toString('utf8')));
          });
          return;
        }
        started = true;
        resolve(handle);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n'); i >= 0 && !ended && !stopped; i = buf.indexOf('\n')) {
            const line = buf.slice(0, i).trim();
            buf = buf.slice(i + 1);
            if (!line) continue;
            const e = JSON.parse(line) as { type: string; object: KObject };
            // An ERROR event carries a Status (410 Expired when the window moved past us) and ends the watch.
            if (e.type === 'ERROR') {
              const s = e.object as unknown as Status;
              end(new StatusError(s.code, s.reason ?? '', s.message ?? '', s.details));
              return;
            }
            h.onEvent(e as ClientWatchEvent);
          }
        });
        res.on('error', (e) => end(e));
        res.on('aborted', () => end(new Error('watch connection aborted')));
        res.on('end', () => end());
        res.on('close', () => end(new Error('watch connection closed')));
      });
    });
  }

  create(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions): Promise<KObject> {
    return this.request('POST', this.path(gvr, namespace, undefined, undefined, this.writeQuery(opts)), obj);
  }

  update(
    gvr: Gvr,
    namespace: string | undefined,
    obj: KObject,
    opts: ClientWriteOptions & { subresource?: string } = {},
  ): Promise<KObject> {
    return this.request('PUT', this.path(gvr, namespace, obj.metadata.name, opts.subresource, this.writeQuery(opts)), obj);
  }

  updateStatus(gvr: Gvr, namespace: string | undefined, obj: KObject, opts?: ClientWriteOptions): Promise<KObject> {
    return this.request('PUT', this.path(gvr, namespace, obj.metadata.name, 'status', this.writeQuery(opts)), obj);
  }

  patch(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: ClientWriteOptions & { subresource?: string } = {},
  ): Promise<KObject> {
    return this.request('PATCH', this.path(gvr, namespace, name, opts.subresource, this.writeQuery(opts)), patch, PATCH_CONTENT_TYPE[type]);
  }

  async delete(gvr: Gvr, namespace: string | undefined, name: string, opts: ClientDeleteOptions = {}): Promise<void> {
    await this.request('DELETE', this.path(gvr, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
  }

  async deleteCollection(
    gvr: Gvr,
    namespace: string | undefined,
    opts: Pick<ClientListOptions, 'labelSelector' | 'fieldSelector'> & ClientDeleteOptions = {},
  ): Promise<void> {
    const { labelSelector, fieldSelector, ...del } = opts;
    await this.request('DELETE', this.path(gvr, namespace, undefined, undefined, { labelSelector, fieldSelector }), {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...del,
    });
  }

  /** /api/v1, then each group's preferred version under /apis. */
  async resources(): Promise<ApiResource[]> {
    type List = { groupVersion: string; resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[] };
    const groups = await this.request<{ groups: { name: string; preferredVersion: { version: string } }[] }>('GET', '/apis');
    const lists = await Promise.all([
      this.request<List>('GET', '/api/v1'),
      ...groups.groups.map((g) => this.request<List>('GET', `/apis/${g.name}/${g.preferredVersion.version}`)),
    ]);
    return lists.flatMap((l) => {
      const [group, version] = l.groupVersion.includes('/') ? l.groupVersion.split('/') : ['', l.groupVersion];
      return l.resources
        .filter((r) => !r.name.includes('/'))
        .map((r) => ({
          gvr: { group: group!, version: version!, resource: r.name },
          kind: r.kind,
          namespaced: r.namespaced,
          verbs: r.verbs,
        }));
    });
  }

  createSubresource(
    gvr: Gvr,
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: KObject,
    opts?: ClientWriteOptions,
  ): Promise<KObject> {
    return this.request('POST', this.path(gvr, namespace, name, subresource, this.writeQuery(opts)), body);
  }
}
