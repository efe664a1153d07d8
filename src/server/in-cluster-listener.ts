// Pods cannot reach the host's loopback: the API server also listens on the pod network's gateway address (the
// host's end of the bridge) once that address exists — the kubelet creates the network, possibly later.
import type { Server } from 'node:https';
import { isUnspecifiedIp } from '../machinery/ip-literal.js';
import type { Logger } from '../log.js';

export interface InClusterListener {
  stop(): Promise<void>;
}

/** True when listening on `bindAddress` does not already cover `host`. */
export const needsExtraListener = (bindAddress: string, host: string) => !isUnspecifiedIp(bindAddress) && bindAddress !== host;

/** Polls until `host` is a local address, then serves on host:port with a server from `create`. */
export function listenOnceAddressExists(
  create: () => Server,
  host: string,
  port: number,
  log: Logger,
  intervalMs = 2000,
): InClusterListener {
  let server: Server | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = () => {
    if (stopped) return;
    // A bind tells whether the address is there: os.networkInterfaces() leaves out a bridge without carrier (the
    // pod bridge while no pod runs), though its address can be served on.
    const s = create();
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.close();
      if (e.code !== 'EADDRNOTAVAIL') log.warn({ host, port, err: e.message }, 'cannot listen on the pod network gateway; retrying');
      if (!stopped) timer = setTimeout(attempt, e.code === 'EADDRNOTAVAIL' ? intervalMs : intervalMs * 5);
    });
    s.listen(port, host, () => {
      server = s;
      log.info({ address: `${host}:${port}` }, 'serving the pod network');
    });
  };
  attempt();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const s = server;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
