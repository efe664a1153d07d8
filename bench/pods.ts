// Pod start latency: dockube's create → Ready (seen on a watch, as a controller sees it) beside two Docker CLI
// baselines in the same run: the plain one (issue 8's target) is `docker run -d` of the same app containers alone on
// the pod network, no infra container; the pair one adds an infra container (dockube/pause) and joins the apps to its
// network namespace — the containers a pod is made of. Both are timed until `docker inspect` says running.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import https from 'node:https';
import { expectStatus, request } from './https-client.js';
import { openWatch, type Watch, type WatchEvent } from './watch-client.js';
import { summarize, type Stats } from './stats.js';
import type { Dockube } from './dockube-server.js';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 120_000;
const IMAGE = 'dockube/busybox:test';
const PAUSE = 'dockube/pause:latest';
/** The bridge network dockube's kubelet attaches pods to (src/runtime/pod-network.ts). */
const POD_NETWORK = 'dockube-pods';
/** Baseline containers carry this label so every exit path can remove them. */
export const BASELINE_LABEL = 'dockube.bench/pods';

export interface PodRow {
  op: string;
  dockube: Stats;
  /** plain `docker run -d` of the app containers (no infra container): the target's baseline */
  baseline: Stats;
  ratio: number;
  /** pause + app containers in its network namespace */
  pair: Stats;
  pairRatio: number;
}
export type Shape = 'one' | 'two';

interface PodEvent {
  type: string;
  object: { metadata?: { name?: string; deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } };
}
const isReady = (e: PodEvent) => !!e.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** The pod's containers: the same image and command the Docker CLI baselines start. */
export const containersOf = (shape: Shape) => [
  { name: 'web', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['httpd', '-f', '-p', '80'] },
  ...(shape === 'two' ? [{ name: 'sidecar', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] : []),
];
const podBody = (name: string, shape: Shape) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { terminationGracePeriodSeconds: 2, containers: containersOf(shape) },
  });

/** Watches a namespace's pods: when each became Ready and when each was deleted. */
export class PodWatch {
  private ready = new Map<string, number>();
  private deleted = new Set<string>();
  /** pods that exist now (seen, not yet DELETED), whether terminating and whether Ready at their last event */
  private live = new Map<string, { terminating: boolean; ready: boolean }>();
  /** called after every event, e.g. to sample the pods during a rollout */
  onEvent?: () => void;
  private waiters: (() => void)[] = [];
  private watch?: Watch;

  constructor(
    private agent: https.Agent,
    private dk: Dockube,
    readonly namespace: string,
    private timeoutMs = READY_TIMEOUT_MS,
  ) {}

  async open(): Promise<void> {
    this.watch = await openWatch(this.agent, this.dk.origin, `/api/v1/namespaces/${this.namespace}/pods?watch=1`, (e: WatchEvent, at) => {
      const ev = e as unknown as PodEvent;
      const name = ev.object.metadata?.name ?? '';
      if (ev.type === 'DELETED') {
        this.deleted.add(name);
        this.live.delete(name);
      } else {
        this.live.set(name, { terminating: !!ev.object.metadata?.deletionTimestamp, ready: isReady(ev) });
        if (isReady(ev) && !this.ready.has(name)) this.ready.set(name, at);
      }
      this.onEvent?.();
      this.wake();
    });
  }

  /** The pods whose names start with `prefix` that are not terminating, and how many of them are Ready, now. */
  census(prefix: string): { pods: number; ready: number } {
    const pods = [...this.live].filter(([n, p]) => n.startsWith(prefix) && !p.terminating);
    return { pods: pods.length, ready: pods.filter(([, p]) => p.ready).length };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  close(): void {
    this.watch?.close();
  }

  /** Resolves with the moments each named pod was first seen Ready, once all are. */
  async readyAt(names: string[]): Promise<number[]> {
    await this.until(() => names.every((n) => this.ready.has(n)), `pods ${names.join(',')} Ready`);
    return names.map((n) => this.ready.get(n)!);
  }

  /**
   * Resolves, once `count` pods whose names start with `prefix` (a controller's `<owner>-`) were seen Ready, with the
   * moment each of them first was, sorted.
   */
  async readyWithPrefix(prefix: string, count: number): Promise<number[]> {
    const matching = () => [...this.ready].filter(([n]) => n.startsWith(prefix));
    await this.until(() => matching().length >= count, `${count} pods ${prefix}* Ready`);
    return matching()
      .map(([, at]) => at)
      .sort((a, b) => a - b)
      .slice(0, count);
  }

  /** Resolves once no pod is left in the namespace (a controller's pods taken by the garbage collector, say). */
  async empty(): Promise<void> {
    await this.until(() => this.live.size === 0, `no pods left (${[...this.live.keys()].join(',')})`);
    this.ready.clear();
    this.deleted.clear();
  }

  async gone(names: string[]): Promise<void> {
    await this.until(() => names.every((n) => this.deleted.has(n)), `pods ${names.join(',')} deleted`);
    for (const n of names) {
      this.ready.delete(n);
      this.deleted.delete(n);
    }
  }

  private async until(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 1000);
      });
    }
  }
}

const podPath = (ns: string, name = '') => `/api/v1/namespaces/${ns}/pods${name ? `/${name}` : ''}`;

/** Creates `names` at once (each its own request); answers the ms until each was Ready on the watch, sorted. */
export async function dockubeStartEach(dk: Dockube, pool: https.Agent, watch: PodWatch, names: string[], shape: Shape): Promise<number[]> {
  const t0 = performance.now();
  await Promise.all(names.map((n) => expectStatus(201, pool, dk.origin, 'POST', podPath(watch.namespace), podBody(n, shape))));
  return (await watch.readyAt(names)).map((t) => t - t0).sort((a, b) => a - b);
}

/** The ms until all of `names` are Ready. */
export async function dockubeStart(dk: Dockube, pool: https.Agent, watch: PodWatch, names: string[], shape: Shape): Promise<number> {
  return Math.max(...(await dockubeStartEach(dk, pool, watch, names, shape)));
}

/** Deletes the pods gracefully and waits for the kubelet to finish them (their DELETED events). */
export async function dockubeRemove(dk: Dockube, pool: https.Agent, watch: PodWatch, names: string[]): Promise<void> {
  await Promise.all(names.map((n) => request(pool, dk.origin, 'DELETE', podPath(watch.namespace, n))));
  await watch.gone(names);
}

const docker = async (...args: string[]) => (await run('docker', args, { maxBuffer: 1 << 20 })).stdout.trim();

export type Baseline = 'plain' | 'pair';

/**
 * One "pod" with the Docker CLI until its containers run. plain: each app container `docker run -d` on the pod
 * network; pair: an infra container on the pod network first, the app containers in its network namespace.
 */
async function baselinePod(tag: string, shape: Shape, kind: Baseline): Promise<void> {
  const label = ['--label', `${BASELINE_LABEL}=${tag}`];
  const ids: string[] = [];
  if (kind === 'pair') ids.push(await docker('run', '-d', ...label, '--network', POD_NETWORK, PAUSE));
  const network = kind === 'pair' ? `container:${ids[0]}` : POD_NETWORK;
  for (const c of containersOf(shape)) ids.push(await docker('run', '-d', ...label, '--network', network, IMAGE, ...c.command));
  for (;;) {
    const states = (await docker('inspect', '-f', '{{.State.Running}}', ...ids)).split('\n');
    if (states.every((s) => s.trim() === 'true')) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts `count` baseline pods in parallel; answers the ms until all run. */
export async function baselineStart(tag: string, count: number, shape: Shape, kind: Baseline): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: count }, () => baselinePod(tag, shape, kind)));
  return performance.now() - t0;
}

/** Removes the baseline containers of `tag` (every tag when omitted). */
export async function baselineRemove(tag?: string): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', `label=${BASELINE_LABEL}${tag ? `=${tag}` : ''}`)).split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', '-v', ...ids);
}

/**
 * `rounds` alternating samples (dockube, then the plain baseline, then the pair baseline) of starting `count` pods of
 * `shape` at once; the pods and containers of a sample are removed before the next one starts.
 */
export async function podStartRow(
  op: string,
  dk: Dockube,
  pool: https.Agent,
  watch: PodWatch,
  rounds: number,
  count: number,
  shape: Shape,
  progress: (s: string) => void,
): Promise<PodRow> {
  const dkSamples: number[] = [];
  const baseSamples: number[] = [];
  const pairSamples: number[] = [];
  let dkWall = 0,
    baseWall = 0,
    pairWall = 0;
  for (let r = 0; r < rounds; r++) {
    const names = Array.from({ length: count }, (_, i) => `${shape}-${count}-${r}-${i}`);
    const each = await dockubeStartEach(dk, pool, watch, names, shape);
    const d = each[each.length - 1]!;
    dkSamples.push(d);
    dkWall += d;
    // With several pods, when each became Ready shows whether they start side by side or one after another.
    if (count > 1) progress(`${op} ${r + 1}/${rounds}: pods Ready at ${each.map((t) => (t / 1000).toFixed(1)).join(' ')} s`);
    await dockubeRemove(dk, pool, watch, names);
    const tag = `${shape}-${count}-${r}`;
    const b = await baselineStart(tag, count, shape, 'plain');
    baseSamples.push(b);
    baseWall += b;
    await baselineRemove(tag);
    const p = await baselineStart(`${tag}-pair`, count, shape, 'pair');
    pairSamples.push(p);
    pairWall += p;
    await baselineRemove(`${tag}-pair`);
    progress(`${op} ${r + 1}/${rounds}: dockube ${d.toFixed(0)} ms, docker run ${b.toFixed(0)} ms, docker pause+app ${p.toFixed(0)} ms`);
  }
  const dockube = summarize(dkSamples, dkWall);
  const baseline = summarize(baseSamples, baseWall);
  const pair = summarize(pairSamples, pairWall);
  return { op, dockube, baseline, ratio: dockube.p50 / baseline.p50, pair, pairRatio: dockube.p50 / pair.p50 };
}

export async function ensureNamespace(dk: Dockube, agent: https.Agent, name: string): Promise<void> {
  await expectStatus(
    [201, 409],
    agent,
    dk.origin,
    'POST',
    '/api/v1/namespaces',
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  );
}
