// The proxy subresources' entry points for the app and the upgrade handler: a path test that costs nothing, and the
// proxy itself (http-proxy-3) loaded with the first proxy request rather than at start-up.
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserInfo } from '../../machinery/api/user.js';
import { sendError } from '../respond.js';
import { endWithStatus } from '../socket-status.js';
import type { ProxyDeps, ProxyHandlers } from './handler.js';
import { parseProxyPath } from './proxy-path.js';

export const isProxyPath = (url: string) => parseProxyPath(url.split('?')[0]!) !== undefined;

export function proxyRoutes(deps: ProxyDeps) {
  let handlers: Promise<ProxyHandlers> | undefined;
  const load = () => (handlers ??= import('./handler.js').then(({ createProxyHandlers }) => createProxyHandlers(deps)));
  return {
    web: (req: Request, res: Response, next: NextFunction) => {
      if (!isProxyPath(req.originalUrl)) return next();
      load().then(
        (h) => h.web(req, res, next),
        (e) => sendError(res, e),
      );
    },
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, user: UserInfo) => {
      load().then(
        (h) => h.upgrade(req, socket, head, user),
        (e) => endWithStatus(socket, e),
      );
    },
  };
}
