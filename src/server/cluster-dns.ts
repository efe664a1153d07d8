// Cluster DNS at start-up: the `kube-dns` Service created (or reconciled), the DNS server started on the pod
// network's gateway once that address exists (the kubelet creates the network), at the port the kube-dns Endpoints
// named before when it is free, and the Endpoints/EndpointSlice pointed at the port it got.
import dgram from 'node:dgram';
import { ipVersion } from '../machinery/ip-literal.js';
import type { Logger } from '../log.js';
import type { ReconcilerContext } from '../reconcilers/context.js';
import { CLUSTER_DNS } from '../client/identities.js';
import { dnsServiceIP } from '../registry/resources/service-cidr.js';
import { startClusterDnsServer, type ClusterDnsServer } from '../dns/cluster-dns-server.js';
import type { Upstream } from '../dns/forwarder.js';
import { ensureKubeDnsEndpoints, ensureKubeDnsService, previousDnsPort } from '../dns/kube-dns.js';

export interface ClusterDnsOptions {
  cidr: string;
  domain: string;
  nodeName: string;
  /** where pods reach the host: the pod network's gateway */
  gateway: string;
  log: Logger;
  /** first retry delay after a failure (doubling up to 30 s) */
  retryMs?: number;
  /** how often the kube-dns objects are checked and put back (someone deleted or edited them); default 30 s */
  resyncMs?: number;
  /** where other names go (default: the host's resolvers) */
  upstreams?: Upstream[];
}

export interface ClusterDns {
  /** the kube-dns ClusterIP pods use as their nameserver */
  clusterIP: string;
  /** resolves with the running server (for tests), or undefined once stopped before it ran */
  serving: Promise<ClusterDnsServer | undefined>;
  stop(): Promise<void>;
}

/**
 * Whether this host holds `host` now: a bind tells (os.networkInterfaces() leaves out a bridge without carrier, as
 * the pod bridge is while no pod runs, though its address is there and can be served on).
 */
const canBind = (host: string) =>
  new Promise<boolean>((resolve) => {
    const s = dgram.createSocket(ipVersion(host) === 6 ? 'udp6' : 'udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(0, host, () => {
      s.close();
      resolve(true);
    });
  });

export function startClusterDns(ctx: ReconcilerContext, opts: ClusterDnsOptions): ClusterDns {
  const log = opts.log.child({ component: 'cluster-dns' });
  // As CoreDNS runs: the service account kube-system/coredns, bound to system:coredns for its reads and to
  // system:dockube:kube-dns-publisher for the kube-dns objects it keeps.
  const client = ctx.client(CLUSTER_DNS);
  const clusterIP = dnsServiceIP(opts.cidr);
  const retryMs = opts.retryMs ?? 2000;
  let stopped = false;
  let server: ClusterDnsServer | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  let delay = retryMs;
  const backOff = async () => {
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  };

  const run = async (): Promise<ClusterDnsServer | undefined> => {
    let previous: number | undefined;
    for (;;) {
      if (stopped) return undefined;
      try {
        previous = await previousDnsPort(client);
        await ensureKubeDnsService(client, clusterIP, previous ?? 53);
        break;
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'cannot write the kube-dns service; retrying');
        await backOff();
      }
    }
    delay = retryMs;
    while (!stopped && !(await canBind(opts.gateway))) await sleep(retryMs);
    for (;;) {
      if (stopped) return undefined;
      try {
        server ??= await startClusterDnsServer({
          client,
          domain: opts.domain,
          host: opts.gateway,
          port: previous,
          log,
          ...(opts.upstreams ? { upstreams: opts.upstreams } : {}),
        });
        if (stopped) break;
        await ensureKubeDnsEndpoints(client, server.host, server.port);
        if (server.port !== previous) await ensureKubeDnsService(client, clusterIP, server.port);
        return server;
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'cluster DNS did not start; retrying');
        await backOff();
      }
    }
    return server;
  };
  let resync: NodeJS.Timeout | undefined;
  const serving = run().then((s) => {
    // The objects are put back when someone deletes or edits them, as the addon manager keeps kube-dns.
    if (s && !stopped)
      resync = setInterval(() => {
        ensureKubeDnsService(client, clusterIP, s.port)
          .then(() => ensureKubeDnsEndpoints(client, s.host, s.port))
          .catch((e: Error) => log.warn({ err: e.message }, 'cannot reconcile the kube-dns objects'));
      }, opts.resyncMs ?? 30_000);
    return s;
  });
  return {
    clusterIP,
    serving,
    async stop() {
      stopped = true;
      wake?.();
      await serving.catch(() => undefined);
      clearInterval(resync);
      await server?.stop();
    },
  };
}
