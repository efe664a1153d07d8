// One line per HTTP request, as kube-apiserver's httplog writes them ("HTTP" with verb, URI, latency, userAgent,
// audit-ID, srcIP, resp), plus the user the request ran as. Written when the response has been sent (or the
// connection closed first), at a level of the operator's choice (--request-log-level) so that it can be turned down.
import type { NextFunction, Request, Response } from 'express';
import type { UserInfo } from '../machinery/api/user.js';

export type RequestLogLevel = 'info' | 'debug' | 'trace' | 'silent';

type LogFn = (obj: object, msg: string) => void;

/** A Go time.Duration's String() for a latency in nanoseconds (`812.5µs`, `3.0411ms`, `1.2s`). */
export function goDuration(ns: number): string {
  // µ escaped: one non-ASCII character makes V8 hold the whole bundle's source as UTF-16.
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}\u00b5s`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  return `${trim(ns / 1e9)}s`;
}
const trim = (n: number) => String(Number(n.toFixed(6)));

/**
 * The middleware. The verb is httplog's: what the resource handler reported in `res.locals.verb` (LIST, WATCH, APPLY,
 * POST...: the metrics' verb), else the HTTP method.
 */
export function requestLog(log: object, level: RequestLogLevel) {
  // A logger whose level is above the line's (--log-level warn) would drop it: then nothing is measured at all.
  const enabled = (log as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.(level) ?? true;
  const write = level === 'silent' || !enabled ? undefined : (log as Record<string, LogFn>)[level]?.bind(log);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!write) return next();
    const started = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const user = res.locals.user as UserInfo | undefined;
      write(
        {
          verb: (res.locals.verb as string | undefined) ?? req.method,
          URI: req.originalUrl,
          latency: goDuration(Number(process.hrtime.bigint() - started)),
          userAgent: req.headers['user-agent'] ?? '',
          'audit-ID': (res.getHeader('Audit-Id') as string | undefined) ?? '',
          srcIP: `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`,
          user: user?.name ?? '',
          resp: res.statusCode,
        },
        'HTTP',
      );
    };
    res.once('finish', finish);
    // A client that goes away before the response ends (a watch it stops) is logged when the connection closes.
    res.once('close', finish);
    next();
  };
}
