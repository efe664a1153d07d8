// GET pods/NAME/log as a WebSocket upgrade, as the apiserver serves any streaming GET (responsewriters.StreamObject
// with wsstream.NewReader): one stream, no channel byte, a first empty message, then the log's bytes as binary
// messages (subprotocol "binary.k8s.io", or none) or base64 text messages ("base64.binary.k8s.io"); what the client
// sends is ignored; the socket closes when the log ends. The same options as the plain GET (follow, previous, ...).
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { Request } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { requireAuthorized, type RequestAttributes } from '../../authorization/authorizer.js';
import { badRequest, forbidden, methodNotAllowed } from '../../machinery/api/errors.js';
import { authenticateAndImpersonate } from '../impersonation.js';
import { reportForbidden, type ForbiddenHook } from '../denial-audit.js';
import type { UserInfo } from '../../machinery/api/user.js';
import type { Registry } from '../../registry/registry.js';
import type { ResourceService } from '../../registry/service.js';
import type { NodeLookup } from '../../node/types.js';
import { endWithStatus } from '../socket-status.js';
import { parseResourcePath } from '../resource-path.js';
import { parseLogOptions } from './log-options.js';
import { podNode, resolveTarget } from './pod-target.js';

/** wsstream's NewDefaultReaderProtocols: subprotocol → whether messages carry the bytes as they are. */
export const READER_PROTOCOLS: Record<string, boolean> = { '': true, 'binary.k8s.io': true, 'base64.binary.k8s.io': false };

/** wsstream's handshake: the first offered protocol we serve ('' when none is offered), undefined when none fits. */
export function selectReaderProtocol(offered: string[]): string | undefined {
  const list = offered.length ? offered : [''];
  return list.find((p) => p in READER_PROTOCOLS);
}

/** Log bytes not yet taken by the client's socket before the node's stream is paused. */
const MAX_UNSENT = 1 << 20;

export interface LogUpgradeDeps {
  service: ResourceService;
  registry: Registry;
  authenticate: (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
  nodes: NodeLookup;
  onForbidden?: ForbiddenHook;
}

/** Whether an upgrade addresses pods/NAME/log (the only streaming GET served over WebSocket here). */
export function isLogUpgrade(req: IncomingMessage, registry: Registry): boolean {
  const rr = parseResourcePath(new URL(req.url ?? '/', 'http://localhost').pathname, registry);
  return !!rr && rr.group === '' && rr.def.plural === 'pods' && rr.subresource === 'log' && !!rr.namespace && !!rr.name;
}

let wss: WebSocketServer | undefined;

export function serveLogUpgrade(deps: LogUpgradeDeps, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined);
  openLog(deps, req).then(
    ({ protocol, stream }) => {
      wss ??= new WebSocketServer({
        noServer: true,
        perMessageDeflate: false,
        handleProtocols: (offered) => selectReaderProtocol([...offered]) || false,
      });
      // A handshake ws refuses (bad key or version) gets a Status too, as exec's does.
      wss.on('wsClientError', (err: Error, s: Duplex) => endWithStatus(s, badRequest(`unable to upgrade connection: ${err.message}`)));
      const abandoned = () => stream?.destroy();
      socket.once('close', abandoned);
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.removeListener('close', abandoned);
        pump(ws, stream, READER_PROTOCOLS[protocol]!);
      });
    },
    (err) => {
      reportForbidden(deps.onForbidden, err, req);
      endWithStatus(socket, err);
    },
  );
}

async function openLog(deps: LogUpgradeDeps, req: IncomingMessage): Promise<{ protocol: string; stream?: Readable }> {
  if (req.method !== 'GET') throw methodNotAllowed();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rr = parseResourcePath(url.pathname, deps.registry)!;
  const user = await authenticateAndImpersonate(deps, req);
  const attrs: RequestAttributes = {
    verb: 'get',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: rr.version,
    resource: 'pods',
    subresource: 'log',
    namespace: rr.namespace,
    name: rr.name,
  };
  requireAuthorized(deps.service.authorizer, user, attrs);
  // The plain GET's options, read from the same query (parseLogOptions reads express's parsed query).
  const query: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    query[k] = all.length === 1 ? all[0]! : all;
  }
  const { container: requested, ...opts } = parseLogOptions({ query } as unknown as Request, rr.name!);
  const { pod, container } = await resolveTarget(deps.service, rr.def, rr.namespace!, rr.name!, requested);
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw badRequest(`unable to upgrade connection to ${req.headers.upgrade}`);
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = selectReaderProtocol(offered);
  // x/net/websocket answers a refused handshake with 403.
  if (protocol === undefined)
    throw forbidden(
      `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${Object.keys(READER_PROTOCOLS).join(' ')}]`,
    );
  // An unscheduled pod has no log location: an empty stream, as the plain GET's empty body.
  if (!pod.spec?.nodeName) return { protocol };
  return { protocol, stream: await podNode(deps.nodes, pod).containerLogs(pod, container.name, opts) };
}

/** wsstream.Reader's messageCopy: a first empty message, then every chunk; slow clients pause the node's stream. */
function pump(ws: WebSocket, stream: Readable | undefined, binary: boolean): void {
  const send = (chunk: Buffer, cb?: () => void) => (binary ? ws.send(chunk, { binary: true }, cb) : ws.send(chunk.toString('base64'), cb));
  send(Buffer.alloc(0));
  if (!stream) {
    ws.close(1000);
    return;
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    stream.destroy();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  stream.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return finish();
    send(chunk, () => {
      if (stream.isPaused() && ws.bufferedAmount < MAX_UNSENT) stream.resume();
    });
    if (ws.bufferedAmount >= MAX_UNSENT) stream.pause();
  });
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  ws.on('message', () => undefined); // the client sends nothing we read (IgnoreReceives)
  ws.on('close', finish);
  ws.on('error', finish);
}
