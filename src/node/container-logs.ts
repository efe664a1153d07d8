// A container's log as the kubelet's /containerLogs gives it: plain bytes, stdout and stderr merged, cut at limitBytes.
// The engine's stream is paused whenever the reader is (a slow client slows the engine, not our memory).
import type Dockerode from 'dockerode';
import { Readable } from 'node:stream';
import { DockerFrameDecoder } from '../runtime/docker-frames.js';
import { findPodContainer, inspectDetails } from '../runtime/container-lookup.js';
import { previousNotFound, waitingToStart } from './errors.js';
import type { ContainerLogOptions, PodLike } from './types.js';

/** Docker's `since`: seconds.nanoseconds (the engine reads the part after the dot as nanoseconds, so pad it). */
export function dockerSince(opts: Pick<ContainerLogOptions, 'sinceSeconds' | 'sinceTime'>, now = Date.now()): string | undefined {
  const ms = opts.sinceTime ? opts.sinceTime.getTime() : opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : undefined;
  if (ms === undefined) return undefined;
  const sec = Math.floor(ms / 1000);
  return `${sec}.${String((ms - sec * 1000) * 1e6).padStart(9, '0')}`;
}

export async function containerLogs(docker: Dockerode, pod: PodLike, container: string, opts: ContainerLogOptions): Promise<Readable> {
  const found = await findPodContainer(docker, pod.metadata.uid ?? '', container, opts.previous);
  if (!found) throw opts.previous ? previousNotFound(pod, container) : waitingToStart(pod, container);
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
  if (!opts.follow) {
    const body = (await c.logs({ ...logOpts, follow: false })) as unknown as Buffer;
    return plainLog(Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(String(body))], { objectMode: false }), tty, opts.limitBytes);
  }
  return plainLog((await c.logs({ ...logOpts, follow: true })) as unknown as Readable, tty, opts.limitBytes);
}

/** The engine's log stream (framed unless the container has a TTY) as plain bytes, ending at limitBytes. */
export function plainLog(source: Readable, tty: boolean, limitBytes = Infinity): Readable {
  const decoder = new DockerFrameDecoder();
  let remaining = limitBytes;
  let ended = false;
  const out = new Readable({
    read: () => {
      if (!ended) source.resume();
    },
    destroy: (err, cb) => {
      source.destroy();
      cb(err);
    },
  });
  const end = () => {
    if (ended) return;
    ended = true;
    out.push(null);
    source.destroy();
  };
  source.on('data', (chunk: Buffer) => {
    if (ended) return;
    const parts = tty ? [chunk] : decoder.push(chunk).map((f) => f.data);
    let more = true;
    for (const data of parts) {
      const part = data.length > remaining ? data.subarray(0, remaining) : data;
      remaining -= part.length;
      if (part.length) more = out.push(part) && more;
      if (remaining <= 0) break;
    }
    if (remaining <= 0) end();
    else if (!more) source.pause();
  });
  // The follow stream ends when the container stops; an engine error ends the log as well.
  source.on('end', end);
  source.on('close', end);
  source.on('error', end);
  return out;
}
