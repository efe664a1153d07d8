// The server's /healthz, /livez and /readyz checks, named as kube-apiserver names its own: ping, log, etcd (our
// store), etcd-readiness, informer-sync, one poststarthook/<name> per start-up step, shutdown; plus the Docker engine
// the node runs pods on.
import { cachedCheck, logCheck, pingCheck, postStartHook, type HealthCheck, type HealthEndpoints } from '../api/health.js';

/** The start-up steps reported as post-start hooks, in the order they finish. */
export const POST_START_HOOKS = [
  'generic-apiserver-start-informers',
  'bootstrap-controller',
  'rbac/bootstrap-roles',
  'start-dockube-controllers',
] as const;
export type PostStartHookName = (typeof POST_START_HOOKS)[number];

export interface ServerHealthDeps {
  /** One read of the store (it throws once the database is closed or unreadable). */
  storeProbe: () => Promise<unknown>;
  /** A ping of the Docker engine. */
  dockerPing: () => Promise<unknown>;
  /** True once the caches authorization reads from have their first list. */
  informersSynced: () => boolean;
  /** True once the server has begun to stop. */
  shuttingDown: () => boolean;
}

export interface ServerHealth {
  endpoints: HealthEndpoints;
  /** Marks a post-start hook done. */
  finished(hook: PostStartHookName): void;
  /** True when every hook is done and the server is not stopping. */
  ready(): boolean;
}

const DOCKER_PING_TIMEOUT_MS = 5000;
const DOCKER_PING_TTL_MS = 2000;

function withTimeout(p: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([p.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

export function serverHealth(deps: ServerHealthDeps): ServerHealth {
  const done = new Set<PostStartHookName>();
  const hooks = POST_START_HOOKS.map((h) => postStartHook(h, () => done.has(h)));
  const etcd: HealthCheck = { name: 'etcd', check: async () => void (await deps.storeProbe()) };
  const etcdReadiness: HealthCheck = { name: 'etcd-readiness', check: etcd.check };
  const informerSync: HealthCheck = {
    name: 'informer-sync',
    check: () => {
      if (!deps.informersSynced()) throw new Error('informers not started yet');
    },
  };
  const shutdown: HealthCheck = {
    name: 'shutdown',
    check: () => {
      if (deps.shuttingDown()) throw new Error('process is shutting down');
    },
  };
  const docker = cachedCheck(
    'docker-engine',
    () => withTimeout(deps.dockerPing(), DOCKER_PING_TIMEOUT_MS, 'the Docker engine'),
    DOCKER_PING_TTL_MS,
  );
  return {
    endpoints: {
      healthz: [pingCheck, logCheck, etcd, ...hooks],
      livez: [pingCheck, logCheck, etcd, ...hooks, docker],
      readyz: [pingCheck, logCheck, etcd, etcdReadiness, informerSync, ...hooks, docker, shutdown],
    },
    finished: (hook) => void done.add(hook),
    ready: () => done.size === POST_START_HOOKS.length && !deps.shuttingDown(),
  };
}
