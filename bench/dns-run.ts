// Cluster DNS benchmark (issue 11): query latency of the cluster DNS server a real `dockube server` runs, beside
// baselines measured in the same run: a cluster name against a minimal dns-packet responder on this host (the floor
// of a JavaScript DNS round trip: decode, one record, encode), and a forwarded name against the same query sent
// straight to the host's resolver (what forwarding adds). Queries go from the host to the server's address on the pod
// gateway (10.244.0.1:<port>, the kube-dns endpoints), one at a time over UDP, and through the kube-dns ClusterIP as pods
// reach it (the service proxy's DNAT; the server gets a service range of its own, BENCH_DNS_SERVICE_CIDR).
// Usage: npm run build && npm run bench:dns        BENCH_DNS_QUERIES (default 2000 per round), BENCH_DNS_ROUNDS (3)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDockube, removeServerContainers } from './dockube-server.js';
import { keepAliveAgent, request } from './https-client.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { DnsClient, minimalResponder, timeQueries, type DnsTarget } from './dns.js';
import { parseResolvConf } from '../src/translate/resolv-conf.js';
import { rcodeOf } from '../src/dns/response.js';
import { dnsServiceIP } from '../src/registry/resources/service-cidr.js';

const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  return v;
};
const QUERIES = envInt('BENCH_DNS_QUERIES', 2000);
const ROUNDS = envInt('BENCH_DNS_ROUNDS', 3);
const WARMUP = 200;
const CLUSTER_NAME = 'kubernetes.default.svc.cluster.local';
const MISSING_NAME = 'kubernetes.default.default.svc.cluster.local'; // a search-path miss: NXDOMAIN
const FORWARDED_NAME = 'example.com';
/** A service range of the bench's own: the host's tables may hold other servers' rules for the default one. */
const SERVICE_CIDR = process.env.BENCH_DNS_SERVICE_CIDR ?? '10.120.0.0/16';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'dns-latest.json');

interface Row {
  op: string;
  stats: Stats;
  baselineOp: string;
  baseline: Stats;
  ratio: number;
}
const stats = (xs: number[]) =>
  summarize(
    xs,
    xs.reduce((a, b) => a + b, 0),
  );
const row = (op: string, xs: number[], baselineOp: string, base: number[]): Row => {
  const s = stats(xs);
  const b = stats(base);
  return { op, stats: s, baselineOp, baseline: b, ratio: s.p50 / b.p50 };
};

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function main(): Promise<void> {
  const dk = await startDockube([], undefined, ['--service-cidr', SERVICE_CIDR]);
  const floor = await minimalResponder();
  const clients: DnsClient[] = [];
  try {
    process.stderr.write(`dockube at ${dk.origin} (pid ${dk.pid})\n`);
    // The DNS server's address: what kube-dns's Endpoints name once it listens.
    const agent = keepAliveAgent(dk.tls);
    let server: DnsTarget | undefined;
    for (let i = 0; i < 300 && !server; i++) {
      const r = await request(agent, dk.origin, 'GET', '/api/v1/namespaces/kube-system/endpoints/kube-dns');
      const subset = r.status === 200 ? (JSON.parse(r.body.toString()) as J).subsets?.[0] : undefined;
      if (subset?.ports?.[0]?.port) server = { host: subset.addresses[0].ip, port: subset.ports[0].port };
      else await new Promise((res) => setTimeout(res, 100));
    }
    agent.destroy();
    if (!server) throw new Error('kube-dns endpoints never named a port');
    const upstreamHost = parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8')).servers[0];
    const dns = new DnsClient(server);
    const base = new DnsClient(floor);
    const upstream = upstreamHost ? new DnsClient({ host: upstreamHost, port: 53 }) : undefined;
    clients.push(dns, base, ...(upstream ? [upstream] : []));
    process.stderr.write(`  cluster DNS at ${server.host}:${server.port}; host resolver ${upstreamHost ?? '(none)'}\n`);

    // The answers are right before they are timed.
    const a = await dns.query(CLUSTER_NAME);
    const ip = (a.answers?.[0] as { data?: string } | undefined)?.data;
    if (!ip) throw new Error(`${CLUSTER_NAME}: no answer (rcode ${rcodeOf(a)})`);
    const nx = await dns.query(MISSING_NAME);
    if (rcodeOf(nx) !== 3) throw new Error(`${MISSING_NAME}: rcode ${rcodeOf(nx)}, wanted NXDOMAIN`);
    let forwarding = false;
    if (upstream) {
      const direct = await upstream.query(FORWARDED_NAME).catch(() => undefined);
      const via = await dns.query(FORWARDED_NAME);
      forwarding = direct !== undefined && rcodeOf(direct) === rcodeOf(via);
      process.stderr.write(
        `  ${FORWARDED_NAME}: host resolver rcode ${direct ? rcodeOf(direct) : 'none'}, via cluster DNS ${rcodeOf(via)}\n`,
      );
    }
    // The pods' way in: the kube-dns ClusterIP, DNATed by the service proxy to the same server (once its rules are in).
    const viaService = new DnsClient({ host: dnsServiceIP(SERVICE_CIDR), port: 53 });
    clients.push(viaService);
    let serviceReady = false;
    for (let i = 0; i < 60 && !serviceReady; i++)
      serviceReady = (await viaService.query(CLUSTER_NAME).catch(() => undefined)) !== undefined;
    process.stderr.write(`  kube-dns ClusterIP ${dnsServiceIP(SERVICE_CIDR)}: ${serviceReady ? 'answers' : 'no answer (no row)'}\n`);
    for (const c of [dns, base, ...(serviceReady ? [viaService] : [])]) await timeQueries(c, CLUSTER_NAME, WARMUP);

    const cluster: number[] = [];
    const missing: number[] = [];
    const floorMs: number[] = [];
    const forwarded: number[] = [];
    const service: number[] = [];
    const directMs: number[] = [];
    const lost: Record<string, number> = { cluster: 0, missing: 0, floor: 0, forwarded: 0, direct: 0, service: 0 };
    const take = async (into: number[], what: string, p: Promise<{ ms: number[]; lost: number }>) => {
      const r = await p;
      into.push(...r.ms);
      lost[what]! += r.lost;
    };
    // Rounds alternate the servers, so load from elsewhere on a shared machine falls on both sides. The host's resolver
    // gets fewer queries: it is shared (and may rate-limit); a query it drops counts as lost, not as a sample.
    for (let r = 0; r < ROUNDS; r++) {
      await take(cluster, 'cluster', timeQueries(dns, CLUSTER_NAME, QUERIES));
      await take(floorMs, 'floor', timeQueries(base, CLUSTER_NAME, QUERIES));
      await take(missing, 'missing', timeQueries(dns, MISSING_NAME, QUERIES));
      if (serviceReady) await take(service, 'service', timeQueries(viaService, CLUSTER_NAME, QUERIES));
      if (forwarding) {
        await take(directMs, 'direct', timeQueries(upstream!, FORWARDED_NAME, Math.ceil(QUERIES / 20)));
        await take(forwarded, 'forwarded', timeQueries(dns, FORWARDED_NAME, Math.ceil(QUERIES / 20)));
      }
      process.stderr.write(`  round ${r + 1}/${ROUNDS} done (lost ${JSON.stringify(lost)})\n`);
    }
    const floorOp = 'minimal dns-packet responder (own process)';
    const rows = [
      row(`${CLUSTER_NAME} A (→ ${ip})`, cluster, floorOp, floorMs),
      row(`${MISSING_NAME} A (NXDOMAIN + SOA)`, missing, floorOp, floorMs),
      ...(serviceReady
        ? [
            row(
              `${CLUSTER_NAME} A via the kube-dns ClusterIP (DNAT)`,
              service,
              `the same, straight to ${server.host}:${server.port}`,
              cluster,
            ),
          ]
        : []),
      ...(forwarding
        ? [row(`${FORWARDED_NAME} A forwarded upstream`, forwarded, `the same query to the host resolver ${upstreamHost}`, directMs)]
        : []),
    ];
    const head = ['query via the cluster DNS (UDP)', 'n', 'p50 ms', 'p99 ms', 'baseline', 'p50 ms', 'p99 ms', 'ratio'];
    const lines = rows.map((x) => [
      x.op,
      String(x.stats.n),
      x.stats.p50.toFixed(3),
      x.stats.p99.toFixed(3),
      x.baselineOp,
      x.baseline.p50.toFixed(3),
      x.baseline.p99.toFixed(3),
      `${x.ratio.toFixed(2)}x`,
    ]);
    const result = {
      queries: QUERIES,
      rounds: ROUNDS,
      server,
      hostResolver: upstreamHost,
      lost,
      rows,
    };
    await saveResults(RESULTS, result);
    process.stdout.write(
      `\n${formatTable(head, lines)}\n\nms per query, sequential, ${ROUNDS} round(s); ratio = p50 / baseline p50. From the host to ` +
        `${server.host}:${server.port}.${forwarding ? '' : ' (No host resolver answered: no forwarding row.)'} Results: ${RESULTS}\n`,
    );
  } finally {
    clients.forEach((c) => c.close());
    await floor.close();
    await dk.stop();
    await removeServerContainers(dk);
  }
}

runBench(main);
