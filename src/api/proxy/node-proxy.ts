// nodes/NAME/proxy/...: upstream proxies to the kubelet's HTTPS port. dockube runs no kubelet HTTP server, so this
// answers, through the node connection, the kubelet paths it can answer truthfully: /healthz, /pods (the pods bound to
// the node, as the kubelet lists those it runs) and /containerLogs/NS/POD/CONTAINER (follow, tailLines, timestamps,
// previous, limitBytes, sinceSeconds). Anything else is a 404 that says so.
import type { Request, Response } from 'express';
import { StatusError, badRequest } from '../../machinery/api/errors.js';
import type { PodLike } from '../../node/types.js';
import type { ApiDeps } from '../context.js';
import { queryBool, queryInt } from '../context.js';
import { sendObject } from '../respond.js';
import { serviceUnavailable } from './locations.js';

export const NODE_PROXY_PATHS = ['/healthz', '/pods', '/containerLogs/{namespace}/{pod}/{container}'];

export async function serveNodeProxy(
  req: Request,
  res: Response,
  deps: Pick<ApiDeps, 'service' | 'registry' | 'nodes'>,
  nodeName: string,
  path: string,
): Promise<void> {
  const nodeDef = deps.registry.find('', 'v1', 'nodes')!;
  await deps.service.get(nodeDef, undefined, nodeName); // 404 for a node that does not exist
  if (req.method !== 'GET' && req.method !== 'HEAD') throw notServed(path);
  const segments = path.split('/').filter(Boolean).map(unescape);
  const isLogs = segments[0] === 'containerLogs' && segments.length === 4;
  if (path !== '/healthz' && path !== '/pods' && path !== '/pods/' && !isLogs) throw notServed(path);
  // A node without a connection is a kubelet the apiserver cannot dial: its proxy answers 503.
  const node = deps.nodes(nodeName);
  if (!node) throw serviceUnavailable(`error trying to reach service: no connection to node "${nodeName}"`);
  if (path === '/healthz') {
    res.status(200).type('text/plain').send('ok');
    return;
  }
  if (path === '/pods' || path === '/pods/') {
    const podsDef = deps.registry.find('', 'v1', 'pods')!;
    const page = await deps.service.list(podsDef, undefined, { fieldSelector: `spec.nodeName=${nodeName}` });
    sendObject(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: page.items });
    return;
  }
  if (isLogs) {
    const [, namespace, podName, container] = segments as [string, string, string, string];
    const podsDef = deps.registry.find('', 'v1', 'pods')!;
    const pod = (await deps.service.get(podsDef, namespace, podName)) as PodLike;
    if (pod.spec?.nodeName !== nodeName) throw new StatusError(404, 'NotFound', `pod "${podName}" not found on node "${nodeName}"`);
    const tailLines = queryInt(req, 'tailLines');
    if (tailLines !== undefined && tailLines < 0) throw badRequest('tailLines must be greater than or equal to 0');
    const stream = await node.containerLogs(pod, container, {
      follow: queryBool(req, 'follow'),
      previous: queryBool(req, 'previous'),
      timestamps: queryBool(req, 'timestamps'),
      tailLines,
      limitBytes: queryInt(req, 'limitBytes'),
      sinceSeconds: queryInt(req, 'sinceSeconds'),
    });
    res.status(200).type('text/plain');
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return;
  }
  throw notServed(path);
}

function unescape(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid URL escape in ${JSON.stringify(segment)}`);
  }
}

const notServed = (path: string) =>
  new StatusError(
    404,
    'NotFound',
    `dockube has no kubelet HTTP server: the node proxy serves GET ${NODE_PROXY_PATHS.join(', ')}, not ${JSON.stringify(path || '/')}`,
  );
