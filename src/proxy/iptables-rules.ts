// The whole rule set of one instance as iptables-restore input (filter + nat), from the proxy state: a pure function,
// kube-proxy's syncProxyRules without the I/O. Every chain of the instance is declared (which flushes it under
// --noflush) and filled, so one restore replaces the previous set atomically; chains of an earlier set that are no
// longer wanted are declared and deleted (-X) in the same restore. The jumps from the built-in chains are not here:
// they are inserted once (executor), and must never be duplicated by a restore.
import { categorize } from './state.js';
import { endpointChain, fixedChains, servicePortChains } from './chain-names.js';
import { servicePortName, type ProxyEndpoint, type ProxyServicePort, type ProxyState } from './types.js';

/** kube-proxy's masquerade bit. */
export const MASQ_MARK = '0x4000';

export interface RuleConfig {
  /** The instance's chain prefix (chain-names.ts chainPrefix). */
  prefix: string;
  /** The service range: what is still addressed to it after NAT is refused (the guard). */
  serviceCidr: string;
  /** The pod network (kube-proxy's --cluster-cidr): traffic from outside it to a ClusterIP is masqueraded. */
  podCidr: string;
  /** Addresses of this node (LoadBalancer ingress IPs in the source ranges let the node itself through). */
  nodeIPs: string[];
}

export interface RuleSet {
  /** iptables-restore input, filter then nat. */
  text: string;
  /** The chains this set declares, per table. */
  chains: { filter: string[]; nat: string[] };
}

const q = (s: string) => `"${s.replace(/"/g, "'")}"`;

/** Upstream's probability text for the i-th of n endpoints: 1/(n-i) with ten decimals. */
export const probability = (i: number, n: number) => (1 / (n - i)).toFixed(10);

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const num = (a: string) => a.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(base) || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(num(ip) / size) === Math.floor(num(base) / size);
}

/**
 * Builds the rule set. `previous` holds the instance's chains that exist now (from the last restore or
 * iptables-save): those not in the new set are removed.
 */
export function buildRules(
  state: ProxyState,
  cfg: RuleConfig,
  previous: { filter: string[]; nat: string[] } = { filter: [], nat: [] },
): RuleSet {
  const F = fixedChains(cfg.prefix);
  const natChains = new Set<string>(Object.values(F.nat));
  const filterChains = new Set<string>(Object.values(F.filter));
  const nat: string[] = [];
  const filter: string[] = [];
  const A = (rules: string[], chain: string, ...args: string[]) => rules.push(['-A', chain, ...args].join(' '));

  // ---- fixed chains (upstream's iptablesJumpChains and the rules setupIptables writes) ----
  A(
    filter,
    F.filter.input,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes load balancer firewall'),
    '-j',
    F.filter.proxyFirewall,
  );
  A(
    filter,
    F.filter.input,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes externally-visible service portals'),
    '-j',
    F.filter.externalServices,
  );
  A(filter, F.filter.input, '-j', F.filter.firewall);
  A(
    filter,
    F.filter.forward,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes load balancer firewall'),
    '-j',
    F.filter.proxyFirewall,
  );
  A(filter, F.filter.forward, '-m comment --comment', q('kubernetes forwarding rules'), '-j', F.filter.forwardRules);
  A(
    filter,
    F.filter.forward,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes service portals'),
    '-j',
    F.filter.services,
  );
  A(
    filter,
    F.filter.forward,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes externally-visible service portals'),
    '-j',
    F.filter.externalServices,
  );
  A(
    filter,
    F.filter.output,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes load balancer firewall'),
    '-j',
    F.filter.proxyFirewall,
  );
  A(
    filter,
    F.filter.output,
    '-m conntrack --ctstate NEW',
    '-m comment --comment',
    q('kubernetes service portals'),
    '-j',
    F.filter.services,
  );
  A(filter, F.filter.output, '-j', F.filter.firewall);
  // route_localnet lets 127.0.0.1:<nodePort> be DNATed to a pod; this drops what it would otherwise let in.
  A(
    filter,
    F.filter.firewall,
    '-m comment --comment',
    q('block incoming localnet connections'),
    '-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
  );
  // The host's FORWARD policy is DROP (Docker): service traffic DNATed from outside the bridge must be let through.
  A(
    filter,
    F.filter.forwardRules,
    '-m comment --comment',
    q('kubernetes forwarding rules'),
    `-m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
  );
  A(
    filter,
    F.filter.forwardRules,
    '-m comment --comment',
    q('kubernetes forwarding conntrack rule'),
    '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );

  A(nat, F.nat.postrouting, `-m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`);
  A(nat, F.nat.postrouting, `-j MARK --xor-mark ${MASQ_MARK}`);
  A(nat, F.nat.postrouting, '-m comment --comment', q('kubernetes service traffic requiring SNAT'), '-j MASQUERADE --random-fully');
  A(nat, F.nat.markMasq, `-j MARK --or-mark ${MASQ_MARK}`);

  // ---- per service port ----
  for (const p of state.ports) writeServicePort(p, cfg, { nat, filter, natChains, A });

  // Node ports (and LoadBalancers on the node's addresses) last: they match any local destination.
  A(
    nat,
    F.nat.services,
    '-m comment --comment',
    q('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
    '-m addrtype --dst-type LOCAL -j',
    F.nat.nodePorts,
  );
  // The guard: anything still addressed to the service range after NAT has no service behind it. Local addresses are
  // left alone: another server on this host may run the userspace mode, whose ClusterIPs are addresses of the bridge.
  A(
    filter,
    F.filter.services,
    '-m comment --comment',
    q('dockube service range: no service at this address'),
    '-m addrtype ! --dst-type LOCAL',
    '-d',
    cfg.serviceCidr,
    '-j REJECT',
  );

  const stale = (prev: string[], now: Set<string>) =>
    [...new Set(prev)].filter((c) => c.startsWith(`${cfg.prefix}-`) && !now.has(c)).sort();
  const staleFilter = stale(previous.filter, filterChains);
  const staleNat = stale(previous.nat, natChains);
  const table = (name: string, chains: Set<string>, rules: string[], gone: string[]) => [
    `*${name}`,
    ...[...chains, ...gone].map((c) => `:${c} - [0:0]`),
    ...rules,
    ...gone.map((c) => `-X ${c}`),
    'COMMIT',
  ];
  const text = [...table('filter', filterChains, filter, staleFilter), ...table('nat', natChains, nat, staleNat)].join('\n') + '\n';
  return { text, chains: { filter: [...filterChains], nat: [...natChains] } };
}

interface Out {
  nat: string[];
  filter: string[];
  natChains: Set<string>;
  A: (rules: string[], chain: string, ...args: string[]) => void;
}

function writeServicePort(p: ProxyServicePort, cfg: RuleConfig, o: Out): void {
  const { nat, filter, natChains, A } = o;
  const F = fixedChains(cfg.prefix);
  const name = servicePortName(p);
  const proto = p.protocol.toLowerCase();
  const match = `-m ${proto} -p ${proto}`;
  const chains = servicePortChains(cfg.prefix, p);
  const { cluster, local } = categorize(p.endpoints);
  const externallyAccessible = p.nodePort !== 0 || p.externalIPs.length > 0 || p.loadBalancerIPs.length > 0 || p.hostPortOnNode;
  const hasEndpoints = cluster.length > 0 || local.length > 0;
  const hasInternal = p.internalLocal ? local.length > 0 : cluster.length > 0;
  const hasExternal = p.externalLocal ? local.length > 0 : cluster.length > 0;
  const usesSvc = cluster.length > 0 && (!p.internalLocal || externallyAccessible);
  const usesSvl = local.length > 0 && (p.internalLocal || (externallyAccessible && p.externalLocal));
  const usesExt = hasExternal && externallyAccessible;
  const usesFw = usesExt && (p.loadBalancerIPs.length > 0 || p.hostPortOnNode) && p.loadBalancerSourceRanges.length > 0;
  const internalChain = p.internalLocal ? chains.svl : chains.svc;
  const externalChain = p.externalLocal ? chains.svl : chains.svc;
  const lbChain = usesFw ? chains.fw : chains.ext;
  const clusterIPMatch = `${match} -d ${p.clusterIP}/32 --dport ${p.port}`;

  // ClusterIP
  if (hasInternal) {
    A(nat, F.nat.services, '-m comment --comment', q(`${name} cluster IP`), clusterIPMatch, '-j', internalChain);
  } else {
    const [target, why] = hasEndpoints ? ['DROP', 'has no local endpoints'] : ['REJECT', 'has no endpoints'];
    A(filter, F.filter.services, '-m comment --comment', q(`${name} ${why}`), clusterIPMatch, '-j', target);
  }
  // External addresses: externalIPs, LoadBalancer ingress IPs, node ports, and the LoadBalancer's port on the node.
  const externalTarget = hasEndpoints ? 'DROP' : 'REJECT';
  const externalWhy = hasEndpoints ? 'has no local endpoints' : 'has no endpoints';
  for (const ip of p.externalIPs) {
    const m = `${match} -d ${ip}/32 --dport ${p.port}`;
    if (usesExt) A(nat, F.nat.services, '-m comment --comment', q(`${name} external IP`), m, '-j', chains.ext);
    else A(filter, F.filter.externalServices, '-m comment --comment', q(`${name} ${externalWhy}`), m, '-j', externalTarget);
  }
  for (const ip of p.loadBalancerIPs) {
    const m = `${match} -d ${ip}/32 --dport ${p.port}`;
    if (usesExt) A(nat, F.nat.services, '-m comment --comment', q(`${name} loadbalancer IP`), m, '-j', lbChain);
    else A(filter, F.filter.externalServices, '-m comment --comment', q(`${name} ${externalWhy}`), m, '-j', externalTarget);
  }
  for (const [port, what, target] of [
    [p.nodePort, 'node port', chains.ext],
    [p.hostPortOnNode ? p.port : 0, 'loadbalancer port on the node', lbChain],
  ] as const) {
    if (!port) continue;
    if (usesExt) A(nat, F.nat.nodePorts, '-m comment --comment', q(`${name} ${what}`), match, '--dport', String(port), '-j', target);
    else
      A(
        filter,
        F.filter.externalServices,
        '-m comment --comment',
        q(`${name} ${externalWhy}`),
        '-m addrtype --dst-type LOCAL',
        match,
        '--dport',
        String(port),
        '-j',
        externalTarget,
      );
  }

  // The internal chain masquerades traffic to the ClusterIP from outside the pod network (upstream's IfNotLocal).
  const internalChainRules = (chain: string) =>
    A(nat, chain, '-m comment --comment', q(`${name} cluster IP`), clusterIPMatch, '!', '-s', cfg.podCidr, '-j', F.nat.markMasq);
  if (usesSvc) {
    natChains.add(chains.svc);
    if (hasInternal && internalChain === chains.svc) internalChainRules(chains.svc);
    writeBalancing(chains.svc, p, cluster, cfg, o);
  }
  if (usesSvl) {
    natChains.add(chains.svl);
    if (hasInternal && internalChain === chains.svl) internalChainRules(chains.svl);
    writeBalancing(chains.svl, p, local, cfg, o);
  }
  if (usesExt) {
    natChains.add(chains.ext);
    if (!p.externalLocal) {
      A(nat, chains.ext, '-m comment --comment', q(`masquerade traffic for ${name} external destinations`), '-j', F.nat.markMasq);
    } else if (usesSvc) {
      // Local policy keeps the client's address, except for pods (they may use any endpoint) and the node itself.
      A(nat, chains.ext, '-m comment --comment', q(`pod traffic for ${name} external destinations`), '-s', cfg.podCidr, '-j', chains.svc);
      A(
        nat,
        chains.ext,
        '-m comment --comment',
        q(`masquerade LOCAL traffic for ${name} external destinations`),
        '-m addrtype --src-type LOCAL -j',
        F.nat.markMasq,
      );
      A(
        nat,
        chains.ext,
        '-m comment --comment',
        q(`route LOCAL traffic for ${name} external destinations`),
        '-m addrtype --src-type LOCAL -j',
        chains.svc,
      );
    }
    A(nat, chains.ext, '-j', externalChain);
  }
  if (usesFw) {
    natChains.add(chains.fw);
    let allowFromNode = false;
    for (const range of p.loadBalancerSourceRanges) {
      A(nat, chains.fw, '-m comment --comment', q(`${name} loadbalancer IP`), '-s', range, '-j', chains.ext);
      if (cfg.nodeIPs.some((ip) => inCidr(ip, range))) allowFromNode = true;
    }
    // A request from the node to its own address arrives with that address as its source.
    if (allowFromNode)
      for (const ip of [...new Set([...p.loadBalancerIPs, ...(p.hostPortOnNode ? cfg.nodeIPs : [])])].sort())
        A(nat, chains.fw, '-m comment --comment', q(`${name} loadbalancer IP`), '-s', `${ip}/32`, '-j', chains.ext);
    // What gets through the FW chain un-DNATed is dropped by the filter table.
    for (const ip of p.loadBalancerIPs)
      A(
        filter,
        F.filter.proxyFirewall,
        '-m comment --comment',
        q(`${name} traffic not accepted by ${chains.fw}`),
        match,
        '-d',
        `${ip}/32`,
        '--dport',
        String(p.port),
        '-j DROP',
      );
    if (p.hostPortOnNode)
      A(
        filter,
        F.filter.proxyFirewall,
        '-m comment --comment',
        q(`${name} traffic not accepted by ${chains.fw}`),
        '-m addrtype --dst-type LOCAL',
        match,
        '--dport',
        String(p.port),
        '-j DROP',
      );
  }
}

/** The balancing chain (SVC or SVL) and its endpoint chains (upstream's writeServiceToEndpointRules). */
function writeBalancing(chain: string, p: ProxyServicePort, eps: ProxyEndpoint[], cfg: RuleConfig, o: Out): void {
  const { nat, natChains, A } = o;
  const F = fixedChains(cfg.prefix);
  const name = servicePortName(p);
  const proto = p.protocol.toLowerCase();
  const seps = eps.map((e) => ({ e, addr: `${e.ip}:${e.port}`, chain: endpointChain(cfg.prefix, p, `${e.ip}:${e.port}`) }));
  if (p.affinitySeconds > 0)
    for (const s of seps)
      A(
        nat,
        chain,
        '-m comment --comment',
        q(`${name} -> ${s.addr}`),
        '-m recent --name',
        s.chain,
        '--mask 255.255.255.255 --rcheck --seconds',
        String(p.affinitySeconds),
        '--reap -j',
        s.chain,
      );
  seps.forEach((s, i) => {
    const stat = i < seps.length - 1 ? `-m statistic --mode random --probability ${probability(i, seps.length)} ` : '';
    A(nat, chain, '-m comment --comment', q(`${name} -> ${s.addr}`), `${stat}-j`, s.chain);
    if (natChains.has(s.chain)) return; // the same endpoint already written for the other policy chain
    natChains.add(s.chain);
    // Hairpin: a pod reaching itself through the service is masqueraded, so the reply comes back through us.
    A(nat, s.chain, '-m comment --comment', q(name), '-s', `${s.e.ip}/32`, '-j', F.nat.markMasq);
    const affinity = p.affinitySeconds > 0 ? `-m recent --name ${s.chain} --mask 255.255.255.255 --set ` : '';
    A(nat, s.chain, '-m comment --comment', q(name), `-m ${proto} -p ${proto}`, `${affinity}-j DNAT --to-destination`, s.addr);
  });
}
