// The https server's `upgrade` event: exec/attach on pods over WebSocket, or SPDY/3.1 (spdy/) for kubectl and client-go
// up to 1.29. Express never sees upgrades, so this handler authenticates and authorizes (create on pods/exec or
// pods/attach for SPDY's POST; get and create for the WebSocket GET, as KEP-4006's check: upgrade-verbs.ts) itself,
// resolves the container, asks the pod's node for the session (the node reports a container that is not running),
// and only then answers 101; anything it cannot serve gets a non-101 response with a Status body, which kubectl
// prints. pods/log, pods/portforward (portforward/) and WebSockets through the proxy subresources
// (../proxy/) are handed to their own handlers first.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ResourceService } from '../../registry/service.js';
import type { Registry } from '../../registry/registry.js';
import type { UserInfo } from '../../machinery/api/user.js';
import { requireAuthorized, type RequestAttributes } from '../../authorization/authorizer.js';
import { badRequest, genericNotFound, methodNotAllowed } from '../../machinery/api/errors.js';
import { authenticateAndImpersonate } from '../impersonation.js';
import { reportForbidden, type ForbiddenHook } from '../denial-audit.js';
import { endWithStatus } from '../socket-status.js';
import { parseResourcePath } from '../resource-path.js';
import type { NodeLookup, StreamSession } from '../../node/types.js';
import { CHANNEL_PROTOCOLS, selectProtocol } from './channel-protocol.js';
import { podNode, resolveTarget } from './pod-target.js';
import { runSession } from './exec-session.js';
import { isSpdyUpgrade, negotiateSpdyProtocol } from './spdy/negotiate.js';
import { runSpdySession, type SpdySessionOptions } from './spdy/session.js';
import { isLogUpgrade, serveLogUpgrade } from './log-websocket.js';
import { createPortForwardUpgrade, isPortForwardUpgrade } from './portforward/upgrade.js';
import { isProxyPath, proxyRoutes } from '../proxy/route.js';
import { upgradeVerbs } from './upgrade-verbs.js';
import { admitConnect } from '../../admission/connect.js';

export interface UpgradeDeps {
  service: ResourceService;
  registry: Registry;
  authenticate: (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
  /** The nodes the server can reach: a pod's session is its node's. */
  nodes: NodeLookup;
  /** Told of every 403 answered to an upgrade (the audit-style log of denials). */
  onForbidden?: ForbiddenHook;
  /** Called with errors of sessions after the 101 (there is no response left to carry them). */
  onSessionError?: (err: unknown) => void;
}

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const flag = (q: URLSearchParams, name: string) => TRUE.has(q.get(name) ?? '');

export function createUpgradeHandler(deps: UpgradeDeps): UpgradeHandler {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => selectProtocol(offered) ?? false,
  });
  // A handshake ws itself refuses (bad key, version, method...) is answered with a Status too, never ws's text/html.
  wss.on('wsClientError', (err: Error, socket: Duplex, req: IncomingMessage) => {
    const code = req.method !== 'GET' ? 405 : 400;
    reject(socket, code === 405 ? methodNotAllowed() : badRequest(`unable to upgrade connection: ${err.message}`));
  });
  const portForward = createPortForwardUpgrade(deps);
  const proxies = proxyRoutes(deps);
  return (req, socket, head) => {
    // pods/log upgrades as any streaming GET does (one stream, no channels); port-forward has its own protocols;
    // exec and attach below.
    if (isLogUpgrade(req, deps.registry)) return serveLogUpgrade(deps, req, socket, head);
    if (isPortForwardUpgrade(req, deps.registry)) return portForward(req, socket, head);
    // WebSockets through pods|services/proxy go on to the backend.
    if (isProxyPath(req.url ?? '/')) {
      socket.on('error', () => undefined);
      authenticateAndImpersonate(deps, req).then(
        (user) => proxies.upgrade(req, socket, head, user),
        (err) => {
          reportForbidden(deps.onForbidden, err, req);
          reject(socket, err);
        },
      );
      return;
    }
    socket.on('error', () => undefined);
    prepare(deps, req).then(
      ({ session, command, spdy }) => {
        if (spdy) {
          runSpdySession(socket, head, session, spdy).catch((e) => {
            deps.onSessionError?.(e);
            session.close();
            socket.destroy();
          });
          return;
        }
        // A socket that goes before the handshake completes never gets a WebSocket: its session ends with it.
        const abandoned = () => session.close();
        socket.once('close', abandoned);
        wss.handleUpgrade(req, socket, head, (ws) => {
          socket.removeListener('close', abandoned);
          runSession(ws, ws.protocol, session, command).catch((e) => {
            deps.onSessionError?.(e);
            session.close();
            ws.terminate();
          });
        });
      },
      (err) => {
        reportForbidden(deps.onForbidden, err, req);
        reject(socket, err);
      },
    );
  };
}

interface Prepared {
  session: StreamSession;
  /** exec's command (empty for attach). */
  command: string[];
  /** Set when the client upgrades with SPDY/3.1 (kubectl and client-go up to 1.29) rather than WebSocket. */
  spdy?: SpdySessionOptions;
}

async function prepare(deps: UpgradeDeps, req: IncomingMessage): Promise<Prepared> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rr = parseResourcePath(url.pathname, deps.registry);
  const sub = rr?.subresource;
  // Only subresources their definition serves as WebSocket sessions (pods/exec, pods/attach) upgrade.
  const upgrades = rr?.def.extraSubresources?.find((s) => s.name === sub)?.connect?.upgrade;
  if (!rr || !upgrades || rr.group !== '' || rr.def.plural !== 'pods' || !rr.namespace || !rr.name) throw genericNotFound();

  const user = await authenticateAndImpersonate(deps, req);
  for (const verb of upgradeVerbs(req.method)) {
    const attrs: RequestAttributes = {
      verb,
      resourceRequest: true,
      apiGroup: '',
      apiVersion: rr.version,
      resource: 'pods',
      subresource: sub,
      namespace: rr.namespace,
      name: rr.name,
    };
    requireAuthorized(deps.service.authorizer, user, attrs);
  }

  const q = url.searchParams;
  const command = q.getAll('command');
  const stdin = flag(q, 'stdin');
  const stdout = flag(q, 'stdout');
  const stderr = flag(q, 'stderr');
  const tty = flag(q, 'tty');
  if (sub === 'exec' && command.length === 0) throw badRequest('you must specify at least one command for the container');
  if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  // CONNECT admission (webhooks, policies) before the node starts anything, as the apiserver's connect handler.
  // The options as their JSON has them: false and empty fields omitted, exec's command always there.
  const options = { container: q.get('container') || undefined, stdin, stdout, stderr, tty };
  await admitConnect(deps.service.admission, {
    target: sub === 'exec' ? 'pods/exec' : 'pods/attach',
    version: rr.version,
    namespace: rr.namespace,
    name: rr.name,
    user,
    options: { ...Object.fromEntries(Object.entries(options).filter(([, v]) => v)), ...(sub === 'exec' ? { command } : {}) },
  });

  const target = await resolveTarget(deps.service, rr.def, rr.namespace, rr.name, q.get('container') || undefined);
  const node = podNode(deps.nodes, target.pod);

  // Checked after the container name, so a bad name reads the same whichever protocol the client tried; and before
  // the node starts anything, so no process runs for a client that cannot talk to it.
  const spdy = isSpdyUpgrade(req) ? negotiateSpdyProtocol(req) : undefined;
  if (!spdy && (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw badRequest(
      `unable to upgrade connection: dockube serves exec and attach over WebSocket (${CHANNEL_PROTOCOLS.slice(0, 2).join(', ')}) and SPDY/3.1; ` +
        `this client asked for ${req.headers.upgrade ?? 'no upgrade'}`,
    );
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',');
  if (!spdy && !selectProtocol(offered))
    throw badRequest(
      `unable to upgrade connection: none of the offered subprotocols is supported; supported: ${CHANNEL_PROTOCOLS.join(', ')}`,
    );

  const streams = { stdin, stdout, stderr, tty };
  const session =
    sub === 'exec'
      ? await node.exec(target.pod, target.container.name, command, streams)
      : await node.attach(target.pod, target.container.name, streams);
  const cmd = sub === 'exec' ? command : [];
  return { session, command: cmd, spdy: spdy && { negotiated: spdy, ...streams, command: cmd } };
}

/** A plain HTTP response on the raw socket, carrying a Status. */
function reject(socket: Duplex, err: unknown): void {
  endWithStatus(socket, err);
}
