// The cluster DNS server (CoreDNS's role): the informers' data answered on UDP and TCP, other names forwarded to
// the host's resolvers (the nameservers of its /etc/resolv.conf).
import { readFileSync } from 'node:fs';
import type { Client } from '../client/types.js';
import type { Logger } from '../log.js';
import { parseResolvConf } from '../translate/resolv-conf.js';
import { ClusterDnsSource } from './cluster-source.js';
import { listenDns, type DnsListener } from './dns-listener.js';
import { Forwarder, type Upstream } from './forwarder.js';
import { handleQuery } from './handler.js';

export interface ClusterDnsServerOptions {
  client: Client;
  /** the cluster domain (cluster.local) */
  domain: string;
  /** the address to serve on (the pod network's gateway) */
  host: string;
  /** the port wanted (the one the kube-dns endpoints name from a previous run); 0 or unset: an ephemeral one */
  port?: number;
  /** where other names go; default: the host's resolvers */
  upstreams?: Upstream[];
  log: Logger;
}

export interface ClusterDnsServer {
  host: string;
  port: number;
  upstreams: Upstream[];
  stop(): Promise<void>;
}

/** The nameservers of the host's resolv.conf, on port 53. */
export function hostUpstreams(resolvConfPath = '/etc/resolv.conf'): Upstream[] {
  let text = '';
  try {
    text = readFileSync(resolvConfPath, 'utf8');
  } catch {
    /* no resolver configured: nothing to forward to (SERVFAIL) */
  }
  return parseResolvConf(text).servers.map((host) => ({ host: host.replace(/%.*$/, ''), port: 53 }));
}

/** How long queries wait for the informers' first lists before answering from what there is (CoreDNS: 5 s). */
const SYNC_WAIT_MS = 5000;

export async function startClusterDnsServer(opts: ClusterDnsServerOptions): Promise<ClusterDnsServer> {
  const log = opts.log;
  const source = new ClusterDnsSource(opts.client, opts.domain, (e) => log.warn({ err: e.message }, 'cluster DNS watch failed; retrying'));
  const synced = source.start();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([synced, new Promise((resolve) => (timer = setTimeout(resolve, SYNC_WAIT_MS)))]);
  clearTimeout(timer);
  const upstreams = opts.upstreams ?? hostUpstreams();
  const forwarder = new Forwarder(upstreams);
  let listener: DnsListener;
  try {
    listener = await listenDns(opts.host, opts.port ?? 0, (raw, transport) =>
      handleQuery(raw, transport, {
        data: () => source.data(),
        forward: (q, t) => forwarder.forward(q, t),
        lookup: (name, type) => forwarder.lookup(name, type),
      }),
    );
  } catch (e) {
    source.stop();
    forwarder.close();
    throw e;
  }
  log.info({ address: `${listener.host}:${listener.port}`, domain: opts.domain, upstreams }, 'cluster DNS serving');
  return {
    host: listener.host,
    port: listener.port,
    upstreams,
    async stop() {
      source.stop();
      await listener.close();
      forwarder.close();
    },
  };
}
