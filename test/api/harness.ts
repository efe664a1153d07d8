// The express app wired as src/server/server.ts wires it (real resources, schema lookup, bootstrap), but on a
// temp-dir SQLite file, plain HTTP and fixed bearer tokens, so API tests run without PKI or Docker.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type express from 'express';
import request from 'supertest';
import { createApp, type AppOptions } from '../../src/api/app.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { withNodeMetrics } from '../../src/registry/resources/metrics.js';
import type { NodeLookup } from '../../src/node/types.js';
import { ResourceService } from '../../src/registry/service.js';
import { staticPolicyAuthorizer } from '../support/static-policy.js';
import { defaultSchemaLookup } from '../../src/machinery/apply/default-schema.js';
import { bootstrap } from '../../src/server/bootstrap.js';
import { answerClientErrors } from '../../src/api/client-errors.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import type { WindowLimits } from '../../src/storage/event-window.js';

export const ADMIN = { name: 'dockube-admin', groups: ['system:masters', 'system:authenticated'] };
export const VIEWER = { name: 'dockube-viewer', groups: ['dockube:viewers', 'system:authenticated'] };
export const MONITORING = { name: 'dockube-monitoring', groups: ['system:monitoring', 'system:authenticated'] };
/** What a pod's default service account in `default` authenticates as. */
export const SERVICE_ACCOUNT = {
  name: 'system:serviceaccount:default:default',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
};
export type Token = 'admin' | 'viewer' | 'monitoring' | 'sa' | undefined;
const USERS: Record<string, UserInfo> = { admin: ADMIN, viewer: VIEWER, monitoring: MONITORING, sa: SERVICE_ACCOUNT };

/** `Bearer admin`, `viewer`, `monitoring` and `sa` are the only credentials; anything else is anonymous. */
export function authenticate(req: IncomingMessage): UserInfo | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m && Object.prototype.hasOwnProperty.call(USERS, m[1]!) ? USERS[m[1]!] : undefined;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
export type Client = Record<Method, (path: string) => request.Test>;

export interface Harness {
  app: express.Express;
  store: SqliteStore;
  service: ResourceService;
  /** The SQLite file, to reopen it in another harness. */
  file: string;
  /** A real listener on 127.0.0.1 (supertest and raw node:http requests both use it). */
  server: http.Server;
  port: number;
  /** Requests as `admin` (default), `viewer`, or anonymous (undefined). */
  as(token: Token): Client;
  /** Shorthand for as('admin'). */
  api: Client;
  /** Stops the listener (cutting open watches) and closes the store; removes the temp dir unless keepFile. */
  close(opts?: { keepFile?: boolean }): Promise<void>;
}

/** `nodes`: the node connections pods' logs, exec, attach and metrics go to (none by default). */
/** `app`: the request log and audit options of the app (none by default). */
export async function startHarness(
  opts: {
    file?: string;
    nodes?: NodeLookup;
    app?: Pick<AppOptions, 'audit' | 'requestLog'>;
    /** The aggregation layer, built on the harness's service. */
    aggregator?: (service: ResourceService) => AppOptions['aggregator'];
    /** Bounds of the watch cache's event window (--watch-cache-bytes; a small one expires continue tokens soon). */
    watchCache?: Partial<WindowLimits>;
  } = {},
): Promise<Harness> {
  const dir = opts.file ? undefined : mkdtempSync(join(tmpdir(), 'dockube-api-'));
  const file = opts.file ?? join(dir!, 'state.db');
  const store = new SqliteStore(file);
  const nodes: NodeLookup = opts.nodes ?? (() => undefined);
  const registry = new Registry(withNodeMetrics(RESOURCES, nodes));
  // No RBAC objects here: the harness authorizes with the fixed test policy (test/support/static-policy.ts).
  const authorizer = staticPolicyAuthorizer(() => registry.defs.filter((d) => !d.virtualCreate).map((d) => [d.group, d.plural]));
  const service = new ResourceService(store, registry, { authorizer, ...(opts.watchCache ? { watchCache: opts.watchCache } : {}) });
  const server = http.createServer();
  let port = 0;
  const app = createApp({
    service,
    registry,
    // The server's lookup: openapi/definitions.json plus the schemas of served custom resources.
    schema: defaultSchemaLookup,
    authenticate,
    nodes,
    isReady: () => true,
    serverAddress: () => `127.0.0.1:${port}`,
    ...opts.app,
    ...(opts.aggregator ? { aggregator: opts.aggregator(service) } : {}),
  });
  server.on('request', app);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  await bootstrap(service, { address: '127.0.0.1', port });

  const as = (token: Token): Client => {
    const agent = request(server);
    const auth = (t: request.Test) => (token ? t.set('Authorization', `Bearer ${token}`) : t);
    return {
      get: (p) => auth(agent.get(p)),
      post: (p) => auth(agent.post(p)),
      put: (p) => auth(agent.put(p)),
      patch: (p) => auth(agent.patch(p)),
      delete: (p) => auth(agent.delete(p)),
      head: (p) => auth(agent.head(p)),
    };
  };
  let closed = false;
  return {
    app,
    store,
    service,
    file,
    server,
    port,
    as,
    api: as('admin'),
    async close(o = {}) {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      if (dir && !o.keepFile) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- watch streams over a real socket ----

export interface WatchEvent {
  type: string;
  object: Record<string, any>;
}

export interface WatchStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The next event, waiting at most timeoutMs (rejects on timeout or end of stream). */
  next(timeoutMs?: number): Promise<WatchEvent>;
  /** The next n events. */
  take(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  /** True when no event is buffered or arrives within ms. */
  quiet(ms: number): Promise<boolean>;
  close(): void;
}

/**
 * Opens a watch and resolves as soon as the response headers arrive, before any event: a server that
 * buffers headers until the first event makes this hang (and the test time out).
 */
export function openWatch(h: Harness, path: string, o: { token?: Token; accept?: string } = { token: 'admin' }): Promise<WatchStream> {
  const token = 'token' in o ? o.token : 'admin';
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (o.accept) headers.Accept = o.accept;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: h.port, path, headers, agent: false }, (res) => {
      const queue: WatchEvent[] = [];
      const waiters: { resolve: (e: WatchEvent) => void; reject: (e: Error) => void }[] = [];
      let buf = '';
      let done = false;
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => {
        endedResolve = r;
      });
      const push = (e: WatchEvent) => {
        const w = waiters.shift();
        if (w) w.resolve(e);
        else queue.push(e);
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) push(JSON.parse(line) as WatchEvent);
        }
      });
      const finish = () => {
        if (done) return;
        done = true;
        for (const w of waiters.splice(0)) w.reject(new Error('watch stream ended'));
        endedResolve();
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      const next = (timeoutMs = 3000) =>
        new Promise<WatchEvent>((res2, rej) => {
          const e = queue.shift();
          if (e) {
            res2(e);
            return;
          }
          if (done) {
            rej(new Error('watch stream ended'));
            return;
          }
          const w = {
            resolve: (ev: WatchEvent) => {
              clearTimeout(t);
              res2(ev);
            },
            reject: (err: Error) => {
              clearTimeout(t);
              rej(err);
            },
          };
          const t = setTimeout(() => {
            waiters.splice(waiters.indexOf(w), 1);
            rej(new Error(`no watch event within ${timeoutMs} ms`));
          }, timeoutMs);
          waiters.push(w);
        });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        next,
        ended,
        async take(n, timeoutMs) {
          const out: WatchEvent[] = [];
          for (let i = 0; i < n; i++) out.push(await next(timeoutMs));
          return out;
        },
        async quiet(ms) {
          if (queue.length) return false;
          try {
            await next(ms).then((e) => queue.unshift(e));
            return false;
          } catch {
            return true;
          }
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    // Fail fast (not at jest's 30 s timeout) when the server holds the headers back.
    const headerTimer = setTimeout(() => {
      reject(new Error('watch response headers not sent within 2 s'));
      req.destroy();
    }, 2000);
    req.on('response', () => clearTimeout(headerTimer));
    req.on('close', () => clearTimeout(headerTimer));
  });
}

/** A supertest parser that keeps the body as text (for content types superagent would not parse). */
export const asText = (res: request.Response, cb: (err: Error | null, body: unknown) => void) => {
  // At parse time superagent hands over the raw IncomingMessage, typed as its Response.
  const stream = res as unknown as NodeJS.ReadableStream;
  let s = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => {
    s += c;
  });
  stream.on('end', () => cb(null, s));
};

// ---- small object builders ----

export const configMap = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...((extra.metadata as object) ?? {}) },
  data: { k: 'v' },
  ...omit(extra, 'metadata'),
});

export const pod = (name: string, extra: { labels?: Record<string, string>; nodeName?: string; image?: string } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: { containers: [{ name: 'c', image: extra.image ?? 'nginx' }], ...(extra.nodeName ? { nodeName: extra.nodeName } : {}) },
});

export const deployment = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = o;
  return rest;
}

export const CM = '/api/v1/namespaces/default/configmaps';
export const PODS = '/api/v1/namespaces/default/pods';
export const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
