// GET pods/NAME/log: the container's log from the pod's node as text/plain, streamed as it comes with follow=true.
import type { Request, Response } from 'express';
import type { ApiDeps } from '../context.js';
import type { ResourceRequest } from '../resource-path.js';
import { parseLogOptions } from './log-options.js';
import { podNode, resolveTarget } from './pod-target.js';

export async function serveLog(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest): Promise<void> {
  const name = rr.name!;
  const { container: requested, ...opts } = parseLogOptions(req, name);
  const { pod, container } = await resolveTarget(deps.service, rr.def, rr.namespace!, name, requested);
  // An unscheduled pod has no log location: the apiserver answers with an empty body.
  if (!pod.spec?.nodeName) {
    res.status(200).type('text/plain').end();
    return;
  }
  const stream = await podNode(deps.nodes, pod).containerLogs(pod, container.name, opts);

  res.status(200).type('text/plain');
  if (opts.follow) res.flushHeaders(); // kubectl logs -f shows nothing until headers arrive
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stream.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    // The log ends when the container stops (follow) or is read; the client going away ends it too (res 'close').
    stream.on('data', (chunk: Buffer) => {
      res.write(chunk);
      // A client that reads slowly (or not at all) slows the node's stream down instead of filling our memory.
      if (res.writableNeedDrain) {
        stream.pause();
        res.once('drain', () => stream.resume());
      }
    });
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    res.on('close', finish);
  });
}
