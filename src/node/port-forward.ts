// The node side of port-forward: a TCP connection from the host to the pod's IP on the pod network (the host holds
// the bridge's gateway address, so it reaches every pod on this node), as the kubelet connects inside the pod's
// network namespace. The pod's address is read from its infra container, which owns the pod's network.
import type Dockerode from 'dockerode';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { badRequest } from '../machinery/api/errors.js';
import { LABEL_KIND, podLabelFilter } from '../translate/labels.js';
import type { PodLike } from './types.js';

/** The pod's IP on the network its infra container runs in, undefined when it has none (not started, stopped). */
export async function podAddress(docker: Dockerode, podUid: string): Promise<string | undefined> {
  const list = await docker.listContainers({ filters: { label: [...podLabelFilter({ uid: podUid }), `${LABEL_KIND}=infra`] } });
  for (const c of list) {
    for (const n of Object.values(c.NetworkSettings?.Networks ?? {})) if (n.IPAddress) return n.IPAddress;
  }
  return undefined;
}

export async function portForward(docker: Dockerode, pod: PodLike, port: number): Promise<Duplex> {
  const name = pod.metadata.name ?? '';
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest(`invalid port ${port}`);
  const ip = await podAddress(docker, pod.metadata.uid ?? '');
  if (!ip) throw badRequest(`pod ${name} has no running sandbox with an address to forward to`);
  return new Promise((resolve, reject) => {
    // Half-open: the client's FIN and the pod's travel separately (the API layer ends each side).
    const socket = net.connect({ host: ip, port, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`error forwarding port ${port} to pod ${name}, uid ${pod.metadata.uid}: dial tcp ${ip}:${port}: ${dialError(e)}`)),
    );
  });
}

/** A failed connect in Go's words (what kubectl users read from the kubelet): `connect: connection refused`. */
function dialError(e: NodeJS.ErrnoException): string {
  const go: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network is unreachable',
    ETIMEDOUT: 'connection timed out',
  };
  return e.code && go[e.code] ? `connect: ${go[e.code]}` : e.message;
}
