// pods/NAME/portforward as an upgrade, in the three ways clients ask for it:
// - SPDY/3.1 (`POST`, X-Stream-Protocol-Version: portforward.k8s.io): kubectl up to 1.30, client-go;
// - SPDY/3.1 framing tunnelled in a WebSocket (`GET`, subprotocol SPDY/3.1+portforward.k8s.io): kubectl 1.31+, which
//   falls back to the plain SPDY upgrade when this one is refused; the apiserver's StreamTunnelingHandler;
// - the kubelet's WebSocket channel protocol (`GET ...?ports=80`, v4.channel.k8s.io): @kubernetes/client-node.
// Authorization as the apiserver: the request's verb (POST is create, GET is get) on pods/portforward, and for the
// WebSocket GET also `create` (KEP-4006's synthetic check, AuthorizePodWebsocketUpgradeCreatePermission;
// ../upgrade-verbs.ts), so a get-only role cannot open a tunnel to a pod. Then CONNECT admission with the request's
// PodPortForwardOptions.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { requireAuthorized, type RequestAttributes } from '../../../authorization/authorizer.js';
import { upgradeVerbs } from '../upgrade-verbs.js';
import { badRequest, forbidden } from '../../../machinery/api/errors.js';
import { authenticateAndImpersonate } from '../../impersonation.js';
import { reportForbidden, type ForbiddenHook } from '../../denial-audit.js';
import type { UserInfo } from '../../../machinery/api/user.js';
import type { Registry } from '../../../registry/registry.js';
import type { ResourceService } from '../../../registry/service.js';
import type { NodeLookup } from '../../../node/types.js';
import { endWithStatus } from '../../socket-status.js';
import { admitConnect } from '../../../admission/connect.js';
import { parseResourcePath, type ResourceRequest } from '../../resource-path.js';
import { podNode, type PodLike } from '../pod-target.js';
import { SpdyConnection } from '../spdy/connection.js';
import { isSpdyUpgrade } from '../spdy/negotiate.js';
import { servePortForwardStreams, type Forwarder } from './spdy-streams.js';
import { PORTFORWARD_WS_PROTOCOLS, parsePortsQuery, servePortForwardChannels } from './websocket-channels.js';

export const PORTFORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol of the tunnelled SPDY (client-go's tunneling dialer: "SPDY/3.1+" + the stream protocol). */
export const TUNNEL_PROTOCOL = `SPDY/3.1+${PORTFORWARD_PROTOCOL}`;

export interface PortForwardDeps {
  service: ResourceService;
  registry: Registry;
  authenticate: (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
  nodes: NodeLookup;
  onForbidden?: ForbiddenHook;
  onSessionError?: (err: unknown) => void;
  /** How long a forwarded connection's stream pair may stay incomplete. */
  streamCreationTimeoutMs?: number;
}

const pathOf = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://localhost');

export function isPortForwardUpgrade(req: IncomingMessage, registry: Registry): boolean {
  const rr = parseResourcePath(pathOf(req).pathname, registry);
  return !!rr && rr.group === '' && rr.def.plural === 'pods' && rr.subresource === 'portforward' && !!rr.namespace && !!rr.name;
}

type Variant = { kind: 'spdy' } | { kind: 'tunnel' } | { kind: 'channels'; ports: number[] };

const offeredProtocols = (req: IncomingMessage) =>
  String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

/** Which protocol the request asks for, or the error its client is told (before any 101). */
export function chooseVariant(req: IncomingMessage): Variant {
  if (isSpdyUpgrade(req)) {
    // httpstream.Handshake: the client must offer a version, and it must be ours.
    const offered = String(req.headers['x-stream-protocol-version'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (!offered.length) throw badRequest('unable to upgrade: X-Stream-Protocol-Version is required');
    if (!offered.includes(PORTFORWARD_PROTOCOL))
      throw forbidden(
        `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORTFORWARD_PROTOCOL}]`,
      );
    return { kind: 'spdy' };
  }
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
    throw badRequest(
      `unable to upgrade connection: dockube serves port-forward over SPDY/3.1 and WebSocket; this client asked for ${req.headers.upgrade ?? 'no upgrade'}`,
    );
  const offered = offeredProtocols(req);
  if (offered.includes(TUNNEL_PROTOCOL)) return { kind: 'tunnel' };
  if (offered.length && !offered.some((p) => PORTFORWARD_WS_PROTOCOLS.includes(p)))
    throw badRequest(
      `unable to upgrade websocket connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${[TUNNEL_PROTOCOL, ...PORTFORWARD_WS_PROTOCOLS].join(' ')}]`,
    );
  const ports = parsePortsQuery(pathOf(req).searchParams);
  if (typeof ports === 'string') throw badRequest(ports);
  return { kind: 'channels', ports };
}

async function prepare(deps: PortForwardDeps, req: IncomingMessage): Promise<{ variant: Variant; forward: Forwarder }> {
  const rr = parseResourcePath(pathOf(req).pathname, deps.registry) as ResourceRequest;
  const user = await authenticateAndImpersonate(deps, req);
  for (const verb of upgradeVerbs(req.method)) {
    const attrs: RequestAttributes = {
      verb,
      resourceRequest: true,
      apiGroup: '',
      apiVersion: rr.version,
      resource: 'pods',
      subresource: 'portforward',
      namespace: rr.namespace,
      name: rr.name,
    };
    requireAuthorized(deps.service.authorizer, user, attrs);
  }
  // CONNECT admission before the pod is looked up, as the apiserver's connect handler; `ports` only when the query
  // names them (SPDY clients ask for ports on streams instead).
  const ports = parsePortsQuery(pathOf(req).searchParams);
  await admitConnect(deps.service.admission, {
    target: 'pods/portforward',
    version: rr.version,
    namespace: rr.namespace!,
    name: rr.name!,
    user,
    options: typeof ports === 'string' ? {} : { ports },
  });
  const pod = (await deps.service.get(rr.def, rr.namespace, rr.name!)) as PodLike;
  const node = podNode(deps.nodes, pod);
  const variant = chooseVariant(req);
  return { variant, forward: (port) => node.portForward(pod, port) };
}

export type PortForwardUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function createPortForwardUpgrade(deps: PortForwardDeps): PortForwardUpgrade {
  // ws refuses SPDY/3.1+portforward.k8s.io ('/' is no token character): the tunnel's header is taken off before the
  // handshake and its answer put back on the 101.
  const tunnels = new WeakSet<IncomingMessage>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => PORTFORWARD_WS_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  wss.on('headers', (headers, req) => {
    if (tunnels.has(req)) headers.push(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`);
  });
  wss.on('wsClientError', (err: Error, socket: Duplex) =>
    endWithStatus(socket, badRequest(`unable to upgrade connection: ${err.message}`)),
  );
  const failed = (e: unknown) => deps.onSessionError?.(e);

  return (req, socket, head) => {
    socket.on('error', () => undefined);
    prepare(deps, req).then(
      ({ variant, forward }) => {
        const o = { streamCreationTimeoutMs: deps.streamCreationTimeoutMs };
        if (variant.kind === 'spdy') {
          socket.write(
            `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORTFORWARD_PROTOCOL}\r\n\r\n`,
          );
          const conn = new SpdyConnection(socket);
          conn.on('error', () => undefined);
          servePortForwardStreams(conn, forward, o).catch(failed);
          conn.receive(head);
          return;
        }
        if (variant.kind === 'tunnel') {
          tunnels.add(req);
          delete req.headers['sec-websocket-protocol'];
        }
        wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
          if (variant.kind === 'channels') {
            servePortForwardChannels(ws, variant.ports, forward).catch((e) => {
              failed(e);
              ws.terminate();
            });
            return;
          }
          const conn = new SpdyConnection(createWebSocketStream(ws));
          conn.on('error', () => undefined);
          servePortForwardStreams(conn, forward, o).catch(failed);
        });
      },
      (err) => {
        reportForbidden(deps.onForbidden, err, req);
        endWithStatus(socket, err);
      },
    );
  };
}
