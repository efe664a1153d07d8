// The one Docker client of a node, created on first use: importing dockerode costs ~150 ms, too much for start-up.
// Everything on the node that talks to its engine is given this client; there is no module-wide one.
import type Dockerode from 'dockerode';
import type { DockerEndpoint } from '../runtime/docker.js';
import { connectDocker } from '../runtime/engine.js';
import { loadDockerode } from '../runtime/docker-import.js';

export type DockerClient = () => Promise<Dockerode>;

/** A client for the endpoint, connected once and shared by every caller; the default engine when none is given. */
export function dockerClient(ep?: DockerEndpoint): DockerClient {
  let client: Promise<Dockerode> | undefined;
  return () => (client ??= ep ? connectDocker(ep) : loadDockerode().then((Docker) => new Docker()));
}
