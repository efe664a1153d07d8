// /healthz, /livez and /readyz as kube-apiserver's healthz package serves them: named checks, `?verbose` listing each
// one, `?exclude=<name>` (repeatable), `/<path>/<check>` answering one check, and on failure a 500 whose body lists
// every check with the failed ones' reasons withheld (the endpoints are public; the log gets the reasons).
import express, { type Request, type Response } from 'express';
import { compareStrings } from '../machinery/compare.js';

/** One named check; it throws (or rejects) with the reason when unhealthy. */
export interface HealthCheck {
  name: string;
  check(): void | Promise<void>;
}

export interface HealthEndpoints {
  healthz: HealthCheck[];
  livez: HealthCheck[];
  readyz: HealthCheck[];
}

/** Told the reasons of the checks that failed on a root request (as upstream logs them at V(2)). */
export type HealthFailureHook = (endpoint: string, failures: { name: string; reason: string }[]) => void;

async function run(check: HealthCheck): Promise<string | undefined> {
  try {
    await check.check();
    return undefined;
  } catch (e) {
    return (e as Error)?.message ?? String(e);
  }
}

const queryValues = (req: Request, name: string): string[] => {
  const v = (req.query as Record<string, unknown>)[name];
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
};

const hasQuery = (req: Request, name: string) => (req.query as Record<string, unknown>)[name] !== undefined;

/** Go's http.Error: text/plain, nosniff, the message and a newline. */
function httpError(res: Response, message: string, code: number): void {
  res
    .status(code)
    .setHeader('Content-Type', 'text/plain; charset=utf-8')
    .setHeader('X-Content-Type-Options', 'nosniff')
    .send(`${message}\n`);
}

function rootHandler(name: string, checks: HealthCheck[], onFailure?: HealthFailureHook) {
  return async (req: Request, res: Response) => {
    const excluded = new Set(queryValues(req, 'exclude'));
    const results = await Promise.all(checks.map((c) => (excluded.has(c.name) ? Promise.resolve('excluded') : run(c))));
    let out = '';
    const failures: { name: string; reason: string }[] = [];
    checks.forEach((c, i) => {
      const r = results[i];
      if (excluded.delete(c.name)) out += `[+]${c.name} excluded: ok\n`;
      else if (r !== undefined) {
        out += `[-]${c.name} failed: reason withheld\n`;
        failures.push({ name: c.name, reason: r });
      } else out += `[+]${c.name} ok\n`;
    });
    if (excluded.size > 0) {
      const names = [...excluded].sort(compareStrings).map((n) => JSON.stringify(n));
      out += `warn: some health checks cannot be excluded: no matches for ${names.join(',')}\n`;
    }
    if (failures.length > 0) {
      onFailure?.(name, failures);
      httpError(res, `${out}${name} check failed`, 500);
      return;
    }
    res.status(200).setHeader('Content-Type', 'text/plain; charset=utf-8').setHeader('X-Content-Type-Options', 'nosniff');
    res.send(hasQuery(req, 'verbose') ? `${out}${name} check passed\n` : 'ok');
  };
}

function checkHandler(check: HealthCheck) {
  return async (_req: Request, res: Response) => {
    const reason = await run(check);
    if (reason !== undefined) httpError(res, `internal server error: ${reason}`, 500);
    else res.status(200).setHeader('Content-Type', 'text/plain; charset=utf-8').send('ok');
  };
}

/** The three endpoints and a sub-path per check (`/readyz/etcd`, `/livez/poststarthook/rbac/bootstrap-roles`). */
export function healthRouter(endpoints: HealthEndpoints, onFailure?: HealthFailureHook): express.Router {
  const router = express.Router();
  for (const [name, checks] of Object.entries(endpoints) as [string, HealthCheck[]][]) {
    router.get(`/${name}`, rootHandler(name, checks, onFailure));
    for (const c of checks) router.get(`/${name}/${c.name}`, checkHandler(c));
  }
  return router;
}

/** A check that passes once `done()` says so: a post-start hook ("not finished" until then). */
export function postStartHook(name: string, done: () => boolean): HealthCheck {
  return {
    name: `poststarthook/${name}`,
    check: () => {
      if (!done()) throw new Error('not finished');
    },
  };
}

export const pingCheck: HealthCheck = { name: 'ping', check: () => undefined };
/** upstream's log check fails when klog cannot flush; pino writes synchronously, so it passes. */
export const logCheck: HealthCheck = { name: 'log', check: () => undefined };

/**
 * A check whose async probe runs at most once per `ttlMs` (a Docker ping per /readyz poll would load the engine):
 * callers in between get the last result, and concurrent callers share one probe.
 */
export function cachedCheck(name: string, probe: () => Promise<void>, ttlMs: number): HealthCheck {
  let last: { at: number; result: Promise<string | undefined> } | undefined;
  return {
    name,
    check: async () => {
      const now = Date.now();
      if (!last || now - last.at >= ttlMs) {
        last = {
          at: now,
          result: probe().then(
            () => undefined,
            (e: unknown) => (e as Error)?.message ?? String(e),
          ),
        };
      }
      const reason = await last.result;
      if (reason !== undefined) throw new Error(reason);
    },
  };
}
