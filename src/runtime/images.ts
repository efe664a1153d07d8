// Images: look up what the engine has, pull what it does not.
import type Docker from 'dockerode';
import type { DockerImageInspect } from '../translate/status.js';
import { engineMessage, engineStatus } from './engine.js';

/** The local image, or undefined when the engine does not have it. */
export async function localImage(docker: Docker, ref: string): Promise<DockerImageInspect | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { Id: info.Id, RepoDigests: info.RepoDigests };
  } catch (e) {
    if (engineStatus(e) === 404) return undefined;
    throw e;
  }
}

/** `repo` and `tag` as the pull API wants them (a reference without tag or digest means :latest). */
export function splitReference(ref: string): { fromImage: string; tag?: string } {
  if (ref.includes('@')) return { fromImage: ref };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

/** Pulls through the engine; rejects with the daemon's message (also for errors reported inside the progress stream). */
export async function pullImage(docker: Docker, ref: string, timeoutMs = 5 * 60_000): Promise<void> {
  const { fromImage, tag } = splitReference(ref);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.createImage({ fromImage, ...(tag ? { tag } : {}) });
  } catch (e) {
    throw new Error(`Error response from daemon: ${engineMessage(e)}`);
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { (stream as unknown as { destroy?: () => void }).destroy?.(); reject(new Error('pull timed out')); }, timeoutMs);
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
      clearTimeout(timer);
      const failed = output?.find((o) => o.error || o.errorDetail);
      if (err) reject(new Error(`Error response from daemon: ${engineMessage(err)}`));
      else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error ?? 'pull failed'));
      else resolve();
    });
  });
}
