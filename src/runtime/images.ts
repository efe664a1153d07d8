// Images: look up what the engine has, pull what it does not.
import type Docker from 'dockerode';
import type { DockerImageInspect } from '../translate/status.js';
import { engineMessage, engineStatus } from './engine.js';

/** What the kubelet needs of a local image; Size for the Pulled event. */
export type LocalImage = DockerImageInspect & { Size?: number };

/** The repository part of a reference (no tag, no digest). */
const repoOf = (ref: string) => ref.split('@')[0]!.replace(/:[^/]*$/, '');

/**
 * The local image, or undefined when the engine does not have it. An image pushed to several registries
 * has several repo digests: those of `preferRef`'s repository come first, so imageID names the one pulled.
 */
export async function localImage(docker: Docker, ref: string, preferRef: string = ref): Promise<LocalImage | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    const repo = repoOf(preferRef);
    const digests = info.RepoDigests ? [...info.RepoDigests] : undefined;
    digests?.sort((a, b) => Number(repoOf(b) === repo) - Number(repoOf(a) === repo));
    return { Id: info.Id, RepoDigests: digests, Size: info.Size };
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

/** Registry credentials for one pull (the engine's X-Registry-Auth: username/password/serveraddress...). */
export type PullAuth = Record<string, string | undefined>;

/** Pulls through the engine; rejects with the daemon's message (also for errors reported inside the progress stream). */
export async function pullImage(docker: Docker, ref: string, timeoutMs = 5 * 60_000, auth?: PullAuth): Promise<void> {
  const { fromImage, tag } = splitReference(ref);
  let stream: NodeJS.ReadableStream;
  try {
    const opts = { fromImage, ...(tag ? { tag } : {}) };
    stream = await (auth ? docker.createImage(auth, opts) : docker.createImage(opts));
  } catch (e) {
    throw new Error(`Error response from daemon: ${engineMessage(e)}`);
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      reject(new Error('pull timed out'));
    }, timeoutMs);
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
      clearTimeout(timer);
      const failed = output?.find((o) => o.error || o.errorDetail);
      if (err) reject(new Error(`Error response from daemon: ${engineMessage(err)}`));
      else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error ?? 'pull failed'));
      else resolve();
    });
  });
}
