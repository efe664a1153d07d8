// The node's InternalIP, chosen as the kubelet's NodeAddress setter chooses it without a cloud provider or --node-ip:
// the first valid IPv4 (else IPv6) the node's name resolves to, else the address of the interface holding the
// default route (utilnet.ChooseHostInterface). "Valid" is validateNodeIP: not loopback, link-local, multicast or
// unspecified, and held by one of the host's interfaces. Without a default route we take the first other interface's
// address (not a container bridge's), and loopback only when nothing else exists.
import os from 'node:os';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { ipVersion } from '../machinery/ip-literal.js';

export interface InterfaceAddress {
  address: string;
  family: string;
  internal: boolean;
}

export interface AddressFacts {
  /** What the node's name resolves to, in resolver order. */
  resolved: string[];
  /** os.networkInterfaces(): interface name → its addresses. */
  interfaces: Record<string, InterfaceAddress[] | undefined>;
  /** The text of /proc/net/route ('' where there is none). */
  routes: string;
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function isUnusable(ip: string): boolean {
  const v = ipVersion(ip);
  if (!v) return true;
  if (isLoopback(ip) || ip === '0.0.0.0' || ip === '::') return true;
  if (v === 4) {
    const first = Number(ip.split('.')[0]);
    return ip.startsWith('169.254.') || (first >= 224 && first <= 239); // link-local, multicast
  }
  const lower = ip.toLowerCase();
  return lower.startsWith('fe8') || lower.startsWith('fe9') || lower.startsWith('fea') || lower.startsWith('feb') || lower.startsWith('ff');
}

/** validateNodeIP: a usable address one of the host's interfaces holds. */
export function validNodeIP(ip: string, interfaces: AddressFacts['interfaces']): boolean {
  if (isUnusable(ip)) return false;
  return Object.values(interfaces).some((addrs) => (addrs ?? []).some((a) => a.address === ip));
}

/** Interfaces with an IPv4 default route in /proc/net/route (destination and mask 0), lowest metric first. */
export function defaultRouteInterfaces(routes: string): string[] {
  const found: { iface: string; metric: number }[] = [];
  for (const line of routes.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, destination, , flags, , , metric, mask] = f;
    // RTF_UP (0x1) and RTF_GATEWAY (0x2), as net.getIPv4DefaultRoutes reads them.
    if (destination === '00000000' && mask === '00000000' && (parseInt(flags!, 16) & 0x3) === 0x3)
      found.push({ iface: iface!, metric: Number(metric) });
  }
  return found.sort((a, b) => a.metric - b.metric).map((r) => r.iface);
}

/** Container bridges and veths carry addresses of the host's own making, never the node's. */
const isContainerInterface = (name: string) => /^(docker\d*|br-|veth|dockube|cni|flannel|cali)/.test(name);

const ipv4Of = (addrs: InterfaceAddress[] | undefined) =>
  (addrs ?? []).find((a) => (a.family === 'IPv4' || (a.family as unknown) === 4) && !isUnusable(a.address))?.address;

/** The InternalIP for these facts, or undefined when the host has no usable address. */
export function chooseNodeIP(facts: AddressFacts): string | undefined {
  const resolved = facts.resolved.filter((ip) => validNodeIP(ip, facts.interfaces));
  const v4 = resolved.find((ip) => ipVersion(ip) === 4);
  if (v4 ?? resolved[0]) return v4 ?? resolved[0];
  for (const iface of defaultRouteInterfaces(facts.routes)) {
    const ip = ipv4Of(facts.interfaces[iface]);
    if (ip) return ip;
  }
  for (const [name, addrs] of Object.entries(facts.interfaces)) {
    if (isContainerInterface(name)) continue;
    const ip = ipv4Of(addrs);
    if (ip) return ip;
  }
  return undefined;
}

// A made-up node name (<host>-<hash>) goes to the resolver too, which on a host without a reachable DNS server waits
// out its retries (5 s and more were seen): the answer only refines the choice, so it gets a short time.
const LOOKUP_TIMEOUT_MS = 300;

function resolveWithin(name: string, ms: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lookup of ${name} took over ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([lookup(name, { all: true }).then((all) => all.map((a) => a.address)), timeout]).finally(() => clearTimeout(timer));
}

/** Reads the host's facts and chooses its InternalIP (127.0.0.1 on a host with no other address). */
export async function detectNodeIP(nodeName: string): Promise<string> {
  let resolved: string[] = [];
  try {
    resolved = await resolveWithin(nodeName, LOOKUP_TIMEOUT_MS);
  } catch {
    // the name does not resolve (or not in time): the default route decides
  }
  let routes = '';
  try {
    routes = readFileSync('/proc/net/route', 'utf8');
  } catch {
    // not Linux: no routes to read
  }
  return chooseNodeIP({ resolved, interfaces: os.networkInterfaces(), routes }) ?? '127.0.0.1';
}
