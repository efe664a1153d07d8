// Workload controllers against the Docker CLI, timed from outside with the real kubectl as a user drives them:
// a ReplicaSet from `kubectl apply` until all its pods are Ready (seen on a pod watch) beside `docker run -d` of as
// many containers in parallel, and a Deployment's rolling update from `kubectl set image` until `kubectl rollout
// status` returns beside its own initial rollout (apply → rollout status) of as many pods.
import { containersOf, baselineRemove, baselineStart, type PodWatch } from './pods.js';
import type { Kubectl } from './kubectl.js';

export const IMAGE_V1 = 'dockube/busybox:test';
/** A second tag of the same local image (`docker tag`), so the update changes the template and pulls nothing. */
export const IMAGE_V2 = 'dockube/busybox:bench-v2';
const ROLLOUT_TIMEOUT = '600s';

const podTemplate = (app: string, image: string) => ({
  metadata: { labels: { app } },
  spec: {
    terminationGracePeriodSeconds: 2,
    containers: containersOf('one').map((c) => ({ ...c, image })),
  },
});

export const replicaSet = (name: string, namespace: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name, IMAGE_V1) },
});

export const deployment = (name: string, namespace: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: podTemplate(name, IMAGE_V1),
  },
});

/** What maxSurge 25 % and maxUnavailable 25 % allow for `replicas`, rounded as upstream (surge up, unavailable down). */
export function rollingBounds(replicas: number): { maxPods: number; minReady: number } {
  const surge = Math.ceil(replicas * 0.25);
  const unavailable = surge === 0 && Math.floor(replicas * 0.25) === 0 ? 1 : Math.floor(replicas * 0.25);
  return { maxPods: replicas + surge, minReady: replicas - unavailable };
}

const since = (t0: number) => performance.now() - t0;

/** Deletes an owner with kubectl (background propagation, as kubectl does) and waits until the GC took its pods. */
async function removeOwner(kc: Kubectl, watch: PodWatch, kind: string, name: string): Promise<void> {
  await kc(['delete', kind, name, '-n', watch.namespace]);
  await watch.empty();
}

/** ms from `kubectl apply` of a `replicas`-pod ReplicaSet until the watch saw all its pods Ready; then removes it. */
export async function replicaSetStart(
  kc: Kubectl,
  watch: PodWatch,
  name: string,
  replicas: number,
): Promise<{ ms: number; each: number[] }> {
  const t0 = performance.now();
  await kc.apply(replicaSet(name, watch.namespace, replicas));
  const each = (await watch.readyWithPrefix(`${name}-`, replicas)).map((t) => t - t0);
  const ms = each[each.length - 1]!;
  await removeOwner(kc, watch, 'replicaset', name);
  return { ms, each };
}

/** ms of `docker run -d` of `count` such containers in parallel until all run; then removes them. */
export async function dockerRunStart(tag: string, count: number): Promise<number> {
  const ms = await baselineStart(tag, count, 'one', 'plain');
  await baselineRemove(tag);
  return ms;
}

export interface RolloutSample {
  /** `kubectl apply` of the Deployment until `kubectl rollout status` returns: `replicas` pods started */
  initial: number;
  /** `kubectl set image` until `kubectl rollout status` returns */
  update: number;
  /** sampled on the pod watch during the update: most pods not terminating, fewest of them Ready */
  maxPods: number;
  minReady: number;
}

/** One Deployment: its initial rollout, then the rolling update to IMAGE_V2, checked done; then removes it. */
export async function deploymentRollout(kc: Kubectl, watch: PodWatch, name: string, replicas: number): Promise<RolloutSample> {
  const ns = ['-n', watch.namespace];
  const status = () => kc(['rollout', 'status', `deployment/${name}`, `--timeout=${ROLLOUT_TIMEOUT}`, ...ns]);
  let t0 = performance.now();
  await kc.apply(deployment(name, watch.namespace, replicas));
  await status();
  const initial = since(t0);
  // Each pod event during the update is a sample of how many pods run and how many serve: the bounds a rolling
  // update keeps (replicas + maxSurge, replicas - maxUnavailable; terminating pods count as gone).
  let maxPods = 0;
  let minReady = Infinity;
  watch.onEvent = () => {
    const { pods, ready } = watch.census(`${name}-`);
    maxPods = Math.max(maxPods, pods);
    minReady = Math.min(minReady, ready);
  };
  t0 = performance.now();
  try {
    await kc(['set', 'image', `deployment/${name}`, `web=${IMAGE_V2}`, ...ns]);
    await status();
  } finally {
    watch.onEvent = undefined;
  }
  const update = since(t0);
  // rollout status returning is the end only if the update really happened: all replicas updated and available.
  const got = await kc([
    'get',
    'deployment',
    name,
    ...ns,
    '-o',
    'jsonpath={.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}',
  ]);
  if (got !== `${replicas}/${replicas}/${replicas}`)
    throw new Error(`deployment ${name} after the update: updated/available/replicas ${got}`);
  await removeOwner(kc, watch, 'deployment', name);
  return { initial, update, maxPods, minReady };
}
