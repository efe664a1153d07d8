// A dockerode client for an engine endpoint. dockerode costs ~150 ms to load, so it is imported only
// when the runtime first needs the engine, never at server start-up.
import type Docker from 'dockerode';
import type { DockerEndpoint } from './docker.js';
import { loadDockerode } from './docker-import.js';

export type { Docker };

export async function connectDocker(ep: DockerEndpoint): Promise<Docker> {
  const DockerCtor = await loadDockerode();
  return ep.socketPath ? new DockerCtor({ socketPath: ep.socketPath }) : new DockerCtor({ host: ep.host, port: ep.port, protocol: 'http' });
}

/** The engine's message for a failed call (dockerode puts the daemon's JSON body in `json`). */
export function engineMessage(e: unknown): string {
  const err = e as { json?: { message?: string }; reason?: string; message?: string };
  return err?.json?.message ?? err?.message ?? String(e);
}

/** HTTP status of a failed engine call, when the engine answered. */
export const engineStatus = (e: unknown): number | undefined => (e as { statusCode?: number })?.statusCode;
