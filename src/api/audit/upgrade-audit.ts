// Audit events for the upgraded requests (exec, attach, port-forward, WebSocket logs and proxies), which the https
// server hands to its `upgrade` handler and express never sees. As upstream's audit filter does for these
// long-running requests: RequestReceived, ResponseStarted when the status line goes out (101 Switching Protocols,
// or the error's code; what upstream reports when the connection is hijacked), ResponseComplete when the connection
// closes. A request whose credentials do not check out gets the one ResponseStarted event of a refused login.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request } from 'express';
import type { UserInfo } from '../../machinery/api/user.js';
import type { RequestAttributes } from '../../authorization/types.js';
import { auditConfigFor, type AuditStage } from './policy.js';
import { requestAttributesOf, type AuditOptions } from './audit.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeAuditOptions extends AuditOptions {
  /** The server's authenticator (the user the policy is evaluated for, as the filter does before impersonation). */
  authenticate(req: IncomingMessage): UserInfo | undefined | Promise<UserInfo | undefined>;
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** What requestAttributesOf reads of an express request, from a bare upgrade request. */
function asExpressRequest(req: IncomingMessage): Request {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return { path: url.pathname, method: req.method ?? 'GET', query: Object.fromEntries(url.searchParams) } as unknown as Request;
}

function objectRef(attrs: RequestAttributes): object {
  if (!attrs.resourceRequest) return {};
  return {
    objectRef: {
      resource: attrs.resource,
      ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.apiGroup ? { apiGroup: attrs.apiGroup } : {}),
      apiVersion: attrs.apiVersion,
      ...(attrs.subresource ? { subresource: attrs.subresource } : {}),
    },
  };
}

const user = (u: UserInfo) => ({ username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups] });

/** The status code of the first bytes written to the socket: an HTTP/1.1 status line. */
const statusOf = (chunk: unknown): number | undefined => {
  const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.subarray(0, 16).toString('latin1') : '';
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** `handler`, with every upgrade audited by the policy. */
export function auditUpgrades(handler: UpgradeHandler, opts: UpgradeAuditOptions): UpgradeHandler {
  return (req, socket, head) => {
    const received = Date.now();
    const attrs = requestAttributesOf(asExpressRequest(req), opts.registry);
    // The socket's first write is the answer's status line: watched from now on, while authentication runs.
    let code: number | undefined;
    let started: ((c: number) => void) | undefined;
    let closed = false;
    let completed: (() => void) | undefined;
    const { write, end } = socket;
    const answered = (chunk: unknown) => {
      socket.write = write;
      socket.end = end;
      code = statusOf(chunk) ?? 200;
      started?.(code);
    };
    socket.write = function (this: Duplex, chunk: unknown, ...rest: unknown[]) {
      answered(chunk);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Duplex['write'];
    // end(data) writes without going through write(): a refusal (socket-status.ts) is answered that way.
    socket.end = function (this: Duplex, chunk?: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && typeof chunk !== 'function') answered(chunk);
      return (end as (...a: unknown[]) => Duplex).call(this, chunk, ...rest);
    } as Duplex['end'];
    socket.once('close', () => {
      closed = true;
      completed?.();
    });
    Promise.resolve()
      .then(() => opts.authenticate(req))
      .catch(() => undefined)
      .then((who) => {
        const config = auditConfigFor(opts.policy, who ?? { name: '', groups: [] }, attrs);
        if (config.level === 'None') return;
        const given = req.headers['audit-id'];
        const base = {
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          level: config.level,
          auditID: typeof given === 'string' && given ? given : randomUUID(),
        };
        const emit = (stage: AuditStage, rest: object) => {
          if (config.omitStages.includes(stage)) return;
          opts.write(
            JSON.stringify({
              ...base,
              stage,
              requestURI: req.url ?? '/',
              verb: attrs.verb,
              user: who ? user(who) : {},
              sourceIPs: [(req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')],
              ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
              ...objectRef(attrs),
              ...rest,
              requestReceivedTimestamp: microTime(received),
              stageTimestamp: microTime(stage === 'RequestReceived' ? received : Date.now()),
            }),
          );
        };
        if (!who) {
          // Refused as a failed login: upstream's one ResponseStarted event (the handler answers the 401 itself).
          const auth = (req.headers.authorization ?? '').trim().split(' ');
          const bearer = auth.length > 1 && auth[0]!.toLowerCase() === 'bearer';
          const message = bearer ? 'Authentication failed, attempted: bearer' : 'Authentication failed, no credentials provided';
          emit('ResponseStarted', { responseStatus: { metadata: {}, message, code: 401 } });
          return;
        }
        emit('RequestReceived', {});
        const onStarted = (c: number) => emit('ResponseStarted', { responseStatus: { metadata: {}, code: c } });
        if (code !== undefined) onStarted(code);
        else started = onStarted;
        completed = () => emit('ResponseComplete', { responseStatus: { metadata: {}, code: code ?? 200 } });
        if (closed) completed();
      });
    handler(req, socket, head);
  };
}
