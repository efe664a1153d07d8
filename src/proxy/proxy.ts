// The service proxy, a node component (kube-proxy's place): informers on Services and EndpointSlices through the
// client seam (so a node agent can run it on every host) → the proxy state (state.ts) → the chosen mode's sync.
// Modes (--proxy-mode): iptables (kube-proxy's iptables mode), userspace (listeners on the pod bridge, for hosts we
// cannot program), none; auto picks iptables when we are root on the engine's host and iptables-restore runs.
import { access, constants } from 'node:fs/promises';
import type { Logger } from '../log.js';
import type { Client, Gvr } from '../client/types.js';
import { Informer } from '../client/informer.js';
import { run } from './host.js';
import { buildState } from './state.js';
import type { ServiceProxier } from './types.js';

export const SERVICES: Gvr = { group: '', version: 'v1', resource: 'services' };
export const ENDPOINT_SLICES: Gvr = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };

export type ProxyMode = 'auto' | 'iptables' | 'userspace' | 'none';

export interface ServiceProxyOptions {
  client: Client;
  log: Logger;
  mode: ProxyMode;
  /** Whether the Docker engine runs on this host (a unix socket): only then is its pod bridge ours to program. */
  localEngine: boolean;
  instance: string;
  nodeName: string;
  nodeIPs: string[];
  serviceCidr: string;
  podCidr: string;
  bridge: string;
  keepRulesOnStop: boolean;
  minSyncMs?: number;
  /** The server's data dir (the iptables mode names it in its jumps, for the sweep of abandoned instances). */
  dataDir?: string;
  /** Only this namespace's Services (tests sharing the host with other servers); all by default. */
  namespace?: string;
}

export interface RunningServiceProxy {
  mode: 'iptables' | 'userspace' | 'none';
  /** Resolves once the current Services and EndpointSlices are applied (tests, benches). */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

/** Why auto picks what it picks: iptables only as root, with a local engine and a working iptables-restore. */
export async function chooseMode(mode: ProxyMode, localEngine: boolean): Promise<{ mode: 'iptables' | 'userspace' | 'none'; why: string }> {
  if (mode === 'none') return { mode, why: '--proxy-mode none' };
  if (mode === 'iptables' || mode === 'userspace') return { mode, why: `--proxy-mode ${mode}` };
  if (process.getuid?.() !== 0) return { mode: 'userspace', why: 'not running as root: the host netfilter tables cannot be programmed' };
  if (!localEngine) return { mode: 'userspace', why: 'the Docker engine is remote: its host netfilter tables are not ours' };
  const usable = await run('iptables-restore', ['--version']).then(
    (r) => r.code === 0,
    () => false,
  );
  if (!usable) return { mode: 'userspace', why: 'iptables-restore is not installed' };
  try {
    await access('/proc/sys/net/ipv4/conf/all/route_localnet', constants.W_OK);
  } catch {
    return { mode: 'userspace', why: '/proc/sys is read-only here' };
  }
  return { mode: 'iptables', why: 'root on the engine host with iptables-restore' };
}

export async function startServiceProxy(opts: ServiceProxyOptions): Promise<RunningServiceProxy> {
  const log = opts.log.child({ component: 'service-proxy' });
  const chosen = await chooseMode(opts.mode, opts.localEngine);
  log.info({ mode: chosen.mode, why: chosen.why }, `service proxy mode: ${chosen.mode} (${chosen.why})`);
  if (chosen.mode === 'none') return { mode: 'none', synced: async () => undefined, stop: async () => undefined };

  let proxier: ServiceProxier;
  if (chosen.mode === 'iptables') {
    const { startIptablesProxier } = await import('./iptables-proxier.js');
    proxier = await startIptablesProxier({ ...opts, log });
  } else {
    const { startUserspaceProxier } = await import('./userspace-proxier.js');
    proxier = startUserspaceProxier({ ...opts, log });
  }
  const onError = (e: Error) => log.warn({ err: e.message }, 'service proxy watch error');
  const services = new Informer(opts.client, SERVICES, { onError, namespace: opts.namespace });
  const slices = new Informer(opts.client, ENDPOINT_SLICES, { onError, namespace: opts.namespace });
  let ready = false;
  let last: Promise<void> = Promise.resolve();
  const sync = () => {
    if (!ready) return;
    last = proxier.sync(buildState(services.list(), slices.list(), opts.nodeName));
  };
  services.addEventHandler(sync);
  slices.addEventHandler(sync);
  services.start();
  slices.start();
  // As kube-proxy: no rules until both caches have synced (a half-known state would drop live services).
  const firstSync = Promise.all([services.waitForSync(), slices.waitForSync()]).then(() => {
    ready = true;
    sync();
    return last;
  });
  return {
    mode: chosen.mode,
    synced: async () => {
      await firstSync;
      // Watch events of a write just made are delivered on a later turn of the event loop.
      await new Promise((r) => setTimeout(r, 10));
      sync();
      await last;
    },
    async stop() {
      services.stop();
      slices.stop();
      await proxier.stop();
    },
  };
}
