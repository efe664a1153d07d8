// GET pods/NAME/log: the container's Docker log as text/plain, streamed as it comes with follow=true.
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import type { ApiDeps } from '../context.js';
import type { ResourceRequest } from '../resource-path.js';
import { badRequest } from '../../machinery/api/errors.js';
import { findPodContainer, getDocker, inspectDetails } from '../../runtime/container-lookup.js';
import { DockerFrameDecoder } from '../../runtime/docker-frames.js';
import { dockerSince, parseLogOptions } from './log-options.js';
import { resolveTarget, waitingToStart } from './pod-target.js';

export async function serveLog(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest): Promise<void> {
  const name = rr.name!;
  const opts = parseLogOptions(req, name);
  const { pod, container } = await resolveTarget(deps.service, rr.def, rr.namespace!, name, opts.container);
  // An unscheduled pod has no log location: the apiserver answers with an empty body.
  if (!pod.spec?.nodeName) {
    res.status(200).type('text/plain').end();
    return;
  }

  const docker = await getDocker();
  const found = await findPodContainer(docker, pod.metadata.uid ?? '', container.name, opts.previous);
  if (!found) {
    if (opts.previous)
      throw badRequest(`previous terminated container ${JSON.stringify(container.name)} in pod ${JSON.stringify(name)} not found`);
    throw waitingToStart(pod, container.name);
  }
  const { tty } = await inspectDetails(docker, found.id);
  const since = dockerSince(opts);
  const logOpts = {
    stdout: true,
    stderr: true,
    timestamps: opts.timestamps,
    ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
    ...(since ? { since } : {}),
  };
  const c = docker.getContainer(found.id);

  res.status(200).type('text/plain');
  let remaining = opts.limitBytes ?? Infinity;
  /** Writes what fits under limitBytes; false once the limit is reached. */
  const write = (data: Buffer): boolean => {
    if (remaining <= 0) return false;
    const part = data.length > remaining ? data.subarray(0, remaining) : data;
    remaining -= part.length;
    res.write(part);
    return remaining > 0;
  };
  const decoder = new DockerFrameDecoder();
  const feed = (chunk: Buffer): boolean => {
    if (tty) return write(chunk);
    for (const f of decoder.push(chunk)) if (!write(f.data)) return false;
    return true;
  };

  if (!opts.follow) {
    const body = (await c.logs({ ...logOpts, follow: false })) as unknown as Buffer;
    feed(Buffer.isBuffer(body) ? body : Buffer.from(String(body)));
    res.end();
    return;
  }

  const stream = (await c.logs({ ...logOpts, follow: true })) as unknown as Readable;
  res.flushHeaders(); // kubectl logs -f shows nothing until headers arrive
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stream.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    // The follow stream ends when the container stops; the client going away ends it too (res 'close', not req).
    stream.on('data', (chunk: Buffer) => {
      if (!feed(chunk)) {
        finish();
        return;
      }
      // A client that reads slowly (or not at all) slows the engine's stream down instead of filling our memory.
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
