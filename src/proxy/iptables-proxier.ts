// kube-proxy's iptables mode on this host: every sync writes the instance's whole rule set with one
// `iptables-restore --noflush --wait` (iptables-rules.ts builds it), then keeps up what the rules rely on: the jumps
// from the built-in chains (inserted once), the service range's route to the pod bridge, route_localnet on the
// bridge (127.0.0.1:<nodePort>), hairpin_mode on the bridge's ports, and stale UDP conntrack entries deleted. At
// start nothing is flushed: the previous run's rules keep carrying traffic until the first sync replaces them.
import { existsSync } from 'node:fs';
import type { Logger } from '../log.js';
import { builtinJumps, chainPrefix } from './chain-names.js';
import { staleConntrackDeletes } from './conntrack.js';
import {
  chainsWithPrefix,
  conntrack,
  ensureFirstRule,
  ensureHairpin,
  ensureKnob,
  iptablesRestore,
  routeDelete,
  routeReplace,
  run,
} from './host.js';
import { buildRules } from './iptables-rules.js';
import { SyncRunner } from './sync-runner.js';
import type { ProxyState, ServiceProxier } from './types.js';

export interface IptablesProxierOptions {
  /** The server's instance id (runtime/instance.ts): the chain prefix, the route's metric. */
  instance: string;
  serviceCidr: string;
  podCidr: string;
  /** The pod bridge (dockube0). */
  bridge: string;
  nodeIPs: string[];
  keepRulesOnStop: boolean;
  log: Logger;
  /** Shortest time between two restores (upstream's minSyncPeriod). */
  minSyncMs?: number;
  /** How often the whole rule set is written again and the jumps, the route and the knobs checked (upstream's syncPeriod). */
  housekeepingMs?: number;
  /**
   * The server's data dir, written in the jumps' comment: a later server removes the rules of an instance whose data
   * dir is gone (a run killed without its clean stop), as the kubelet's sweep does for containers.
   */
  dataDir?: string;
}

const BUILTIN = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
const JUMP_COMMENT = /--comment "?dockube (DK[0-9a-f]{6}) service rules ([^"]*)"?/;
const jumpComment = (prefix: string, dataDir = '') => `dockube ${prefix} service rules ${dataDir.replace(/["\\]/g, '')}`.trim();
const jumpRule = (prefix: string, target: string, dataDir?: string) => [
  '-m',
  'comment',
  '--comment',
  jumpComment(prefix, dataDir),
  '-j',
  target,
];

/** The route's metric: one per instance, so that instances sharing a service range each own their route. */
export const routeMetric = (instance: string) => 1000 + (parseInt(instance.slice(0, 4), 16) || 0);

/** The network address form of a CIDR (`ip route` refuses host bits). */
export function normalizeCidr(cidr: string): string {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const n = ip!.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const size = 2 ** (32 - bits);
  const base = n - (n % size);
  return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${bits}`;
}

export async function startIptablesProxier(opts: IptablesProxierOptions): Promise<ServiceProxier> {
  const prefix = chainPrefix(opts.instance);
  const log = opts.log;
  const cidr = normalizeCidr(opts.serviceCidr);
  const metric = routeMetric(opts.instance);
  await sweepAbandoned(prefix, opts.bridge, log).catch((e: Error) =>
    log.warn({ err: e.message }, 'sweeping abandoned service rules failed'),
  );
  // Chains of an earlier run: replaced (and the unneeded ones deleted) by the first restore, never flushed before it.
  let chains = { filter: await chainsWithPrefix('filter', prefix), nat: await chainsWithPrefix('nat', prefix) };
  let applied: ProxyState = { ports: [] };
  let wanted: ProxyState | undefined;
  let housekeepingDue = true;
  let lastText = '';
  let conntrackMissing = false;

  const housekeeping = async () => {
    for (const j of builtinJumps(prefix)) await ensureFirstRule(j.table, j.chain, jumpRule(prefix, j.target, opts.dataDir));
    try {
      await routeReplace(cidr, opts.bridge, metric);
    } catch (e) {
      log.debug({ err: (e as Error).message }, 'service range route not set yet (no pod bridge?)');
      housekeepingDue = true; // again on the next sync
    }
    await ensureKnob(`/proc/sys/net/ipv4/conf/${opts.bridge}/route_localnet`, '1');
  };

  const syncOnce = async () => {
    if (!wanted) return;
    const state = wanted;
    const t0 = Date.now();
    const rules = buildRules(state, { prefix, serviceCidr: cidr, podCidr: opts.podCidr, nodeIPs: opts.nodeIPs }, chains);
    // The same text as last time is not written again, except by the periodic full sync (a table may have been flushed).
    if (rules.text !== lastText || housekeepingDue) {
      await iptablesRestore(rules.text);
      lastText = rules.text;
      chains = rules.chains;
    }
    if (housekeepingDue) {
      housekeepingDue = false;
      await housekeeping();
    }
    await ensureHairpin(opts.bridge);
    for (const args of staleConntrackDeletes(applied, state)) {
      if (conntrackMissing) break;
      if (!(await conntrack(args))) {
        conntrackMissing = true;
        log.warn('conntrack is not installed: stale UDP flows to removed endpoints are not cleared (apt-get install conntrack)');
      }
    }
    applied = state;
    log.debug({ ports: state.ports.length, ms: Date.now() - t0 }, 'service rules synced');
  };
  const runner = new SyncRunner(syncOnce, {
    minIntervalMs: opts.minSyncMs ?? 50,
    retryMs: 1000,
    onError: (e) => log.error({ err: e.message }, 'service rules sync failed'),
  });
  // Upstream's periodic full sync: the whole set is written again (someone may have flushed a table) and the jumps,
  // route and knobs checked; hairpin more often, as pods start between syncs.
  const timer = setInterval(() => {
    housekeepingDue = true;
    if (wanted) void runner.request();
  }, opts.housekeepingMs ?? 30_000);
  const hairpinTimer = setInterval(() => void ensureHairpin(opts.bridge), 5_000);
  timer.unref();
  hairpinTimer.unref();

  return {
    mode: 'iptables',
    sync(state) {
      wanted = state;
      return runner.request();
    },
    async stop() {
      clearInterval(timer);
      clearInterval(hairpinTimer);
      await runner.stop();
      if (opts.keepRulesOnStop) return;
      await removeInstanceRules(prefix, chains);
      await routeDelete(cidr, opts.bridge, metric);
    },
  };
}

/** Splits an iptables-save rule into arguments (double-quoted comments kept whole, without their quotes). */
export const ruleArgs = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/**
 * Removes an instance's jumps and chains (a clean stop, or the sweep of an abandoned instance): every rule of a
 * built-in chain that jumps to one of its chains, whatever its comment, then every chain flushed and deleted at once.
 */
export async function removeInstanceRules(prefix: string, known?: { filter: string[]; nat: string[] }): Promise<void> {
  for (const table of ['nat', 'filter']) {
    const save = (await run('iptables-save', ['-t', table])).stdout;
    for (const line of save.split('\n')) {
      const args = ruleArgs(line);
      if (args[0] !== '-A' || !BUILTIN.includes(args[1]!) || !args.at(-1)!.startsWith(`${prefix}-`)) continue;
      await run('iptables', ['-w', '-t', table, '-D', ...args.slice(1)]);
    }
  }
  const filter = [...new Set([...(known?.filter ?? []), ...(await chainsWithPrefix('filter', prefix))])];
  const nat = [...new Set([...(known?.nat ?? []), ...(await chainsWithPrefix('nat', prefix))])];
  const table = (name: string, cs: string[]) =>
    cs.length ? [`*${name}`, ...cs.map((c) => `:${c} - [0:0]`), ...cs.map((c) => `-X ${c}`), 'COMMIT'] : [];
  const text = [...table('filter', filter), ...table('nat', nat)].join('\n');
  if (text) await iptablesRestore(text + '\n');
}

/** The instances whose jumps name a data dir that no longer exists (their server died without a clean stop). */
export function abandonedInstances(natSave: string, own: string, exists: (dir: string) => boolean): { prefix: string; dataDir: string }[] {
  const found = new Map<string, string>();
  for (const line of natSave.split('\n')) {
    const m = JUMP_COMMENT.exec(line);
    if (line.startsWith('-A ') && m && m[1] !== own && m[2]) found.set(m[1]!, m[2]);
  }
  return [...found].filter(([, dir]) => !exists(dir)).map(([prefix, dataDir]) => ({ prefix, dataDir }));
}

/** Removes the rules and the route of abandoned instances. */
async function sweepAbandoned(own: string, bridge: string, log: Logger): Promise<void> {
  const save = (await run('iptables-save', ['-t', 'nat'])).stdout;
  for (const { prefix, dataDir } of abandonedInstances(save, own, existsSync)) {
    log.info({ prefix, dataDir }, 'removing the service rules of a server whose data dir is gone');
    await removeInstanceRules(prefix);
    const metric = routeMetric(prefix.slice(2));
    const routes = (await run('ip', ['-o', 'route', 'show', 'dev', bridge])).stdout;
    for (const r of routes.split('\n')) if (r.includes(` metric ${metric}`)) await routeDelete(r.split(' ')[0]!, bridge, metric);
  }
}
