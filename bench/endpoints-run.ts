// Endpoint propagation benchmark (issue 11): how long a pod's readiness change takes to show in its Service's
// EndpointSlice and Endpoints (the endpointslice and endpoints controllers: an informer event, a reconcile, a write,
// the write's watch event), beside the same run's floor: a plain write of a ConfigMap to its own watch event. The
// pods are bound to a Node no kubelet serves, and their status is written as a kubelet would, so only the API and
// the controllers are measured (no Docker).
// Usage: npm run build && node dist/bench/endpoints-run.js   (BENCH_ENDPOINTS_ROUNDS, default 200; BENCH_ENDPOINTS_PODS, 50)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDockube } from './dockube-server.js';
import { expectStatus, keepAliveAgent } from './https-client.js';
import { summarize, type Stats } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';
import { openWatch, type WatchEvent } from './watch-client.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const envInt = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  return v;
};
const ROUNDS = envInt('BENCH_ENDPOINTS_ROUNDS', 200);
const PODS = envInt('BENCH_ENDPOINTS_PODS', 50);
const NS = 'bench-endpoints';
const NODE = 'bench-endpoints-node';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'endpoints-latest.json');

/** Resolves with the arrival time of the first watch event that `matches`, registered before the write it awaits. */
class Waiters {
  private waiting: { matches: (e: WatchEvent) => boolean; resolve: (at: number) => void }[] = [];
  on(e: WatchEvent, at: number): void {
    this.waiting = this.waiting.filter((w) => (w.matches(e) ? (w.resolve(at), false) : true));
  }
  next(matches: (e: WatchEvent) => boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no matching watch event within 10 s')), 10_000);
      this.waiting.push({ matches, resolve: (at) => (clearTimeout(t), resolve(at)) });
    });
  }
}

async function main(): Promise<void> {
  const dk = await startDockube();
  const agent = keepAliveAgent(dk.tls);
  const watchAgent = keepAliveAgent(dk.tls);
  watchAgent.maxSockets = 4;
  const call = (want: number | number[], method: string, path: string, body?: unknown, type?: string) =>
    expectStatus(want, agent, dk.origin, method, path, body === undefined ? undefined : JSON.stringify(body), type);
  const watches: { close(): void }[] = [];
  try {
    await call(201, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await call(201, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    await call(201, 'POST', `/api/v1/namespaces/${NS}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await call(201, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'floor' } });
    const ipOf = (i: number) => `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const podPath = (i: number) => `/api/v1/namespaces/${NS}/pods/p${i}`;
    const setReady = async (i: number, ready: boolean) => {
      const pod = JSON.parse((await call(200, 'GET', podPath(i))).body.toString()) as J;
      pod.status = {
        phase: 'Running',
        podIP: ipOf(i),
        podIPs: [{ ip: ipOf(i) }],
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString() }],
      };
      return pod;
    };
    for (let i = 0; i < PODS; i++) {
      await call(201, 'POST', `/api/v1/namespaces/${NS}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${i}`, labels: { app: 'web' } },
        spec: { nodeName: NODE, containers: [{ name: 'c', image: 'dockube/busybox:test' }] },
      });
      await call(200, 'PUT', `${podPath(i)}/status`, await setReady(i, true));
    }

    const slices = new Waiters();
    const endpoints = new Waiters();
    const floor = new Waiters();
    const open = (path: string, w: Waiters) => openWatch(watchAgent, dk.origin, path, (e, at) => w.on(e, at)).then((x) => watches.push(x));
    await open(
      `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?watch=1&labelSelector=kubernetes.io%2Fservice-name%3Dweb`,
      slices,
    );
    await open(`/api/v1/namespaces/${NS}/endpoints?watch=1&fieldSelector=metadata.name%3Dweb`, endpoints);
    await open(`/api/v1/namespaces/${NS}/configmaps?watch=1&fieldSelector=metadata.name%3Dfloor`, floor);
    // Every pod ready in both objects before the timed rounds.
    const count = async (path: string, f: (o: J) => number) => f(JSON.parse((await call(200, 'GET', path)).body.toString()) as J);
    for (let t = 0; t < 200; t++) {
      const inSlices = await count(
        `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb`,
        (l) => (l.items as J[]).reduce((n, s) => n + (s.endpoints ?? []).filter((e: J) => e.conditions?.ready).length, 0),
      );
      const inEndpoints = await count(`/api/v1/namespaces/${NS}/endpoints/web`, (e) =>
        (e.subsets ?? []).reduce((n: number, s: J) => n + (s.addresses ?? []).length, 0),
      ).catch(() => 0);
      if (inSlices === PODS && inEndpoints === PODS) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const toSlice: number[] = [];
    const toEndpoints: number[] = [];
    const writeToEvent: number[] = [];
    const statusWrite: number[] = [];
    const sliceSays = (name: string, ready: boolean) => (e: WatchEvent) =>
      ((e.object as J).endpoints ?? []).some((x: J) => x.targetRef?.name === name && x.conditions?.ready === ready);
    const endpointsSay = (ip: string, ready: boolean) => (e: WatchEvent) =>
      ((e.object as J).subsets ?? []).some((s: J) => ((ready ? s.addresses : s.notReadyAddresses) ?? []).some((a: J) => a.ip === ip));
    const wallStart = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      const i = r % PODS;
      const ready = Math.floor(r / PODS) % 2 === 1; // every pod turns unready, then ready again, ...
      const body = await setReady(i, ready);
      const inSlice = slices.next(sliceSays(`p${i}`, ready));
      const inEndpoints = endpoints.next(endpointsSay(ipOf(i), ready));
      const t0 = performance.now();
      await call(200, 'PUT', `${podPath(i)}/status`, body);
      statusWrite.push(performance.now() - t0);
      toSlice.push((await inSlice) - t0);
      toEndpoints.push((await inEndpoints) - t0);
      // The floor: a write and its own watch event, with nothing in between.
      const seen = floor.next((e) => (e.object.data ?? {}).round === String(r));
      const t1 = performance.now();
      await call(200, 'PATCH', `/api/v1/namespaces/${NS}/configmaps/floor`, { data: { round: String(r) } }, 'application/merge-patch+json');
      writeToEvent.push((await seen) - t1);
    }
    const wall = performance.now() - wallStart;
    const stats: Record<string, Stats> = {
      slice: summarize(toSlice, wall),
      endpoints: summarize(toEndpoints, wall),
      floor: summarize(writeToEvent, wall),
      statusWrite: summarize(statusWrite, wall),
    };
    const ms = (x: number) => x.toFixed(2);
    const head = ['from a pod status write (N=' + ROUNDS + ', ' + PODS + ' pods)', 'p50 ms', 'p99 ms', 'mean ms', 'p50 ratio'];
    const row = (name: string, s: Stats) => [name, ms(s.p50), ms(s.p99), ms(s.mean), (s.p50 / stats.floor!.p50).toFixed(2)];
    const lines = [
      row('→ its EndpointSlice watch event', stats.slice!),
      row('→ its Endpoints watch event', stats.endpoints!),
      row('status write response', stats.statusWrite!),
      row('floor: ConfigMap PATCH → its watch event', stats.floor!),
    ];
    await saveResults(RESULTS, { rounds: ROUNDS, pods: PODS, stats });
    process.stdout.write(
      `\n${formatTable(head, lines)}\n\nratio = p50 / the floor's p50 (a write to its own watch event, same run). Results: ${RESULTS}\n`,
    );
  } finally {
    watches.forEach((w) => w.close());
    agent.destroy();
    watchAgent.destroy();
    await dk.stop();
  }
}

runBench(main);
