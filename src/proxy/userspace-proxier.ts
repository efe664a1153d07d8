// The userspace mode, for hosts whose netfilter tables we cannot program: each ClusterIP is added as a /32 to the
// pod bridge (so pods and the host route to it, docker-translation.md §3b) and a listener per service port relays
// each TCP connection / UDP flow to one of the port's endpoints. NodePorts (and LoadBalancers with an ingress, on their
// port) listen on every host address. A port without endpoints has no listener (its address stays), so connections
// are refused at once.
// The client's address is not kept (the relay is a new connection); hairpin needs nothing.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../log.js';
import { run } from './host.js';
import { categorize } from './state.js';
import { servicePortName, type ProxyEndpoint, type ProxyServicePort, type ProxyState, type ServiceProxier } from './types.js';

export interface UserspaceProxierOptions {
  bridge: string;
  log: Logger;
}

interface Listener {
  /** What the listener is for; a change of it means a new listener. */
  spec: string;
  close(): void;
  /** The endpoints the next connection chooses from (updated in place). */
  port: ProxyServicePort;
}

const UDP_IDLE_MS = 30_000;

function chooser(get: () => ProxyServicePort) {
  const affinity = new Map<string, { ep: ProxyEndpoint; at: number }>();
  return (client: string): ProxyEndpoint | undefined => {
    const p = get();
    const eps = categorize(p.endpoints).cluster;
    if (!eps.length) return undefined;
    if (p.affinitySeconds > 0) {
      const hit = affinity.get(client);
      if (hit && Date.now() - hit.at < p.affinitySeconds * 1000 && eps.some((e) => e.ip === hit.ep.ip && e.port === hit.ep.port)) {
        hit.at = Date.now();
        return hit.ep;
      }
    }
    const ep = eps[Math.floor(Math.random() * eps.length)]!;
    if (p.affinitySeconds > 0) affinity.set(client, { ep, at: Date.now() });
    return ep;
  };
}

/** A listener's close, and a promise settled once it listens (or failed to). */
type Opened = { close: () => void; listening: Promise<void> };

function tcpListener(host: string, port: number, l: { port: ProxyServicePort }, log: Logger): Opened {
  const choose = chooser(() => l.port);
  const server = net.createServer((inbound) => {
    const ep = choose(inbound.remoteAddress ?? '');
    if (!ep) return inbound.destroy();
    const outbound = net.connect(ep.port, ep.ip);
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end);
    outbound.on('error', end);
    inbound.on('close', end);
    outbound.on('close', end);
  });
  const listening = new Promise<void>((resolve) => {
    server.once('listening', resolve);
    server.on('error', (e) => {
      log.warn({ err: e.message, host, port }, 'userspace proxy listener failed');
      resolve();
    });
  });
  server.listen(port, host);
  return { close: () => server.close(), listening };
}

function udpListener(host: string, port: number, l: { port: ProxyServicePort }, log: Logger): Opened {
  const choose = chooser(() => l.port);
  const sock = dgram.createSocket('udp4');
  const flows = new Map<string, { up: dgram.Socket; timer: NodeJS.Timeout; queue?: Buffer[] }>();
  sock.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const ep = choose(from.address);
      if (!ep) return;
      const up = dgram.createSocket('udp4');
      const f: { up: dgram.Socket; timer: NodeJS.Timeout; queue?: Buffer[] } = { up, timer: setTimeout(() => undefined, 0), queue: [] };
      // Datagrams that arrive before the upstream socket is connected wait for it.
      up.connect(ep.port, ep.ip, () => {
        for (const m of f.queue ?? []) up.send(m);
        f.queue = undefined;
      });
      up.on('message', (reply) => sock.send(reply, from.port, from.address));
      up.on('error', () => undefined);
      flow = f;
      flows.set(key, flow);
    }
    clearTimeout(flow.timer);
    const f = flow;
    f.timer = setTimeout(() => {
      f.up.close();
      flows.delete(key);
    }, UDP_IDLE_MS);
    f.timer.unref();
    if (f.queue) f.queue.push(msg);
    else f.up.send(msg);
  });
  const listening = new Promise<void>((resolve) => {
    sock.once('listening', resolve);
    sock.on('error', (e) => {
      log.warn({ err: e.message, host, port }, 'userspace proxy listener failed');
      resolve();
    });
  });
  sock.bind(port, host);
  const close = () => {
    for (const f of flows.values()) {
      clearTimeout(f.timer);
      f.up.close();
    }
    sock.close();
  };
  return { close, listening };
}

export function startUserspaceProxier(opts: UserspaceProxierOptions): ServiceProxier {
  const log = opts.log;
  const listeners = new Map<string, Listener>();
  const addresses = new Set<string>();

  const sync = async (state: ProxyState) => {
    const want = new Map<string, { spec: string; host: string; port: number; p: ProxyServicePort }>();
    const wantAddresses = new Set<string>();
    for (const p of state.ports) {
      // The address stays while the service exists: without a listener the kernel refuses connections at once.
      wantAddresses.add(p.clusterIP);
      if (p.protocol === 'SCTP' || !categorize(p.endpoints).cluster.length) continue;
      const add = (host: string, port: number) =>
        want.set(`${p.protocol}/${host}:${port}`, { spec: `${servicePortName(p)}`, host, port, p });
      add(p.clusterIP, p.port);
      if (p.nodePort) add('0.0.0.0', p.nodePort);
      if (p.hostPortOnNode) add('0.0.0.0', p.port);
    }
    for (const ip of wantAddresses)
      if (!addresses.has(ip)) {
        const r = await run('ip', ['addr', 'replace', `${ip}/32`, 'dev', opts.bridge]).catch((e: Error) => ({
          code: -1,
          stderr: e.message,
        }));
        if (r.code === 0) addresses.add(ip);
        else log.warn({ ip, err: r.stderr.trim() }, 'cannot add the ClusterIP to the pod bridge: it will not answer');
      }
    for (const [key, l] of listeners)
      if (!want.has(key) || want.get(key)!.spec !== l.spec) {
        l.close();
        listeners.delete(key);
      }
    const opening: Promise<void>[] = [];
    for (const [key, w] of want) {
      const existing = listeners.get(key);
      if (existing) {
        existing.port = w.p;
        continue;
      }
      if (w.host !== '0.0.0.0' && !addresses.has(w.host)) continue;
      const l: Listener = { spec: w.spec, port: w.p, close: () => undefined };
      const opened = (w.p.protocol === 'UDP' ? udpListener : tcpListener)(w.host, w.port, l, log);
      l.close = opened.close;
      opening.push(opened.listening);
      listeners.set(key, l);
    }
    await Promise.all(opening);
    for (const ip of [...addresses])
      if (!wantAddresses.has(ip)) {
        await run('ip', ['addr', 'del', `${ip}/32`, 'dev', opts.bridge]).catch(() => undefined);
        addresses.delete(ip);
      }
  };
  let chain: Promise<void> = Promise.resolve();
  return {
    mode: 'userspace',
    sync(state) {
      chain = chain.then(() => sync(state)).catch((e: Error) => log.error({ err: e.message }, 'userspace proxy sync failed'));
      return chain;
    },
    async stop() {
      await chain;
      for (const l of listeners.values()) l.close();
      listeners.clear();
      for (const ip of addresses) await run('ip', ['addr', 'del', `${ip}/32`, 'dev', opts.bridge]).catch(() => undefined);
      addresses.clear();
    },
  };
}
