// The https server's `upgrade` event: WebSocket exec/attach on pods. Express never sees upgrades, so this handler
// authenticates and authorizes (create on pods/exec or pods/attach) itself, resolves the container, and only then
// answers 101; anything it cannot serve gets a non-101 response with a Status body, which kubectl prints.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ResourceService } from '../../registry/service.js';
import type { Registry } from '../../registry/registry.js';
import type { UserInfo } from '../../machinery/api/user.js';
import { authorize, forbiddenError, type RequestAttributes } from '../../authorization/authorizer.js';
import { badRequest, genericNotFound, methodNotAllowed, unauthorized } from '../../machinery/api/errors.js';
import { endWithStatus } from '../socket-status.js';
import { parseResourcePath } from '../resource-path.js';
import { getDocker } from '../../runtime/container-lookup.js';
import { CHANNEL_PROTOCOLS, selectProtocol } from './channel-protocol.js';
import { resolveTarget, runningContainer } from './pod-target.js';
import { runSession, type SessionOptions } from './exec-session.js';

export interface UpgradeDeps {
  service: ResourceService;
  registry: Registry;
  authenticate: (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
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
  return (req, socket, head) => {
    socket.on('error', () => undefined);
    prepare(deps, req).then(
      (session) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          runSession(ws, ws.protocol, session.docker, session.options).catch((e) => {
            deps.onSessionError?.(e);
            ws.terminate();
          });
        });
      },
      (err) => reject(socket, err),
    );
  };
}

interface Prepared {
  docker: Awaited<ReturnType<typeof getDocker>>;
  options: SessionOptions;
}

async function prepare(deps: UpgradeDeps, req: IncomingMessage): Promise<Prepared> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rr = parseResourcePath(url.pathname, deps.registry);
  const sub = rr?.subresource;
  // Only subresources their definition serves as WebSocket sessions (pods/exec, pods/attach) upgrade.
  const session = rr?.def.extraSubresources?.find((s) => s.name === sub)?.connect?.upgrade;
  if (!rr || !session || rr.group !== '' || rr.def.plural !== 'pods' || !rr.namespace || !rr.name) throw genericNotFound();

  const user = await deps.authenticate(req);
  if (!user) throw unauthorized();
  const attrs: RequestAttributes = {
    verb: 'create',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: rr.version,
    resource: 'pods',
    subresource: sub,
    namespace: rr.namespace,
    name: rr.name,
  };
  if (!authorize(user, attrs).allowed) throw forbiddenError(user, attrs);

  const q = url.searchParams;
  const command = q.getAll('command');
  const stdin = flag(q, 'stdin');
  const stdout = flag(q, 'stdout');
  const stderr = flag(q, 'stderr');
  const tty = flag(q, 'tty');
  if (sub === 'exec' && command.length === 0) throw badRequest('you must specify at least one command for the container');
  if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');

  const target = await resolveTarget(deps.service, rr.def, rr.namespace, rr.name, q.get('container') || undefined);
  const docker = await getDocker();
  const details = await runningContainer(docker, target);

  // Checked last, so a bad container name reads the same whichever protocol the client tried.
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw badRequest(
      `unable to upgrade connection: dockube serves exec and attach over WebSocket only (${CHANNEL_PROTOCOLS.slice(0, 2).join(', ')}); ` +
        `this client asked for ${req.headers.upgrade ?? 'no upgrade'} (kubectl 1.30 or newer uses WebSocket)`,
    );
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',');
  if (!selectProtocol(offered))
    throw badRequest(
      `unable to upgrade connection: none of the offered subprotocols is supported; supported: ${CHANNEL_PROTOCOLS.join(', ')}`,
    );

  const options: SessionOptions =
    sub === 'exec'
      ? { kind: 'exec', containerId: details.id, command, stdin, stdout, stderr, tty }
      : // Attach reaches the container's main process: stdin only when the container keeps it open (spec stdin: true),
        // and the framing follows the container's own TTY.
        { kind: 'attach', containerId: details.id, command: [], stdin: stdin && details.openStdin, stdout, stderr, tty: details.tty };
  return { docker, options };
}

/** A plain HTTP response on the raw socket, carrying a Status. */
function reject(socket: Duplex, err: unknown): void {
  endWithStatus(socket, err);
}
