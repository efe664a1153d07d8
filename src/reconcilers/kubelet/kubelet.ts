// The kubelet of the local Docker engine: pods bound to this node become containers. It reaches the API only
// through a client as its node (system:node:<name>), in process or over HTTPS alike. Three things enqueue a pod
// (ns/name): the pod informer (list+watch of spec.nodeName=<node>, as kubelet's apiserver pod source; status-only
// changes left out), Docker's event stream (a container of the pod started or died), and a periodic resync of the
// cached pods and the containers (events can be missed while the stream reconnects). All state is rebuilt from the
// API and Docker's labels, so a restarted server adopts what runs instead of duplicating it.
import { existsSync, readFileSync } from 'node:fs';
import type { DockerEndpoint } from '../../runtime/docker.js';
import { connectDocker } from '../../runtime/engine.js';
import { instanceFor } from '../../runtime/instance.js';
import { POD_NETWORK, type PodNetworkConfig } from '../../runtime/pod-network.js';
import { connectDockerRuntime } from '../../runtime/docker-runtime.js';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import { Informer } from '../../client/informer.js';
import { GVR, objectKey } from '../../client/types.js';
import type { ApiEndpoint } from '../../serviceaccount/service-env.js';
import type { Pod } from '../../translate/k8s-types.js';
import { DEFAULT_RESOLV_CONF, parseResolvConf } from '../../translate/resolv-conf.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { LifecycleLoggingRecorder } from './lifecycle-log.js';
import { PodWorker } from './pod-worker.js';
import { VolumeManager } from './volumes.js';
import { podNeedsSync } from './pod-changes.js';
import { startProbeManager } from './probes/start.js';
import type { ProbeManager } from './probes/manager.js';
import { nodeIdentity } from '../../client/identities.js';
import type { DockerClient } from '../../node/docker-client.js';

export interface KubeletOptions {
  docker: DockerEndpoint;
  /** the node's one engine client, shared with the node's streams and volume provisioner (default: one of its own) */
  engine?: DockerClient;
  /** the server's data dir: pod volume files go to <dataDir>/pods/<uid> */
  dataDir: string;
  nodeName: string;
  /** status.hostIP of the pods */
  hostIP: string;
  /** separates servers sharing an engine; defaults to a hash of the data dir */
  instance?: string;
  network?: PodNetworkConfig;
  pauseImage?: string;
  resyncMs?: number;
  /** the engine could not be reached: retry after this long */
  retryMs?: number;
  /** where pods reach the API server (KUBERNETES_SERVICE_HOST/PORT); none = containers get no such variables */
  apiEndpoint?: ApiEndpoint;
  /** the cluster DNS service's address(es) for ClusterFirst pods (kubelet's --cluster-dns); none: pods use Default */
  clusterDns?: string[];
  /** the cluster domain (kubelet's --cluster-domain) */
  clusterDomain?: string;
  /** the node's resolver configuration, the basis of pods' DNS (kubelet's --resolv-conf; default /etc/resolv.conf) */
  resolvConf?: string;
}

export interface Kubelet {
  /** resolves once the kubelet watches pods (or rejects when the engine cannot be reached at first) */
  started: Promise<void>;
  stop(): Promise<void>;
}

export { instanceFor };

/** The node's resolver configuration (kubelet's --resolv-conf): its search domains follow the cluster's. */
function hostResolvConf(path: string) {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Concurrent pod syncs: kubelet runs a worker per pod, and the engine starts containers in parallel, so pods applied
 * together start together (with 8, the 9th of 20 pods waited for a whole sync before its own began).
 */
const POD_SYNC_WORKERS = 32;

export function startKubelet(ctx: ReconcilerContext, opts: KubeletOptions): Kubelet {
  const log = ctx.log.child({ component: 'kubelet' });
  const instance = opts.instance ?? instanceFor(opts.dataDir);
  const network = opts.network ?? POD_NETWORK;
  const client = ctx.client(nodeIdentity(opts.nodeName));
  let stopped = false;
  let controller: Controller | undefined;
  let pods: Informer | undefined;
  let worker: PodWorker | undefined;
  let probes: ProbeManager | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopEvents: (() => void) | undefined;

  const resync = async (runtime: ContainerRuntime) => {
    if (stopped || !controller || !pods) return;
    try {
      // One enqueue per pod: the engine's list is awaited first, or the pods enqueued before it were synced by then and
      // enqueued again (every pod synced twice per resync).
      const engineKeys = await runtime.podKeys();
      for (const k of new Set([...pods.list().map((p) => objectKey(p)), ...engineKeys])) controller.enqueue(k);
      const removed = await runtime.removeAbandoned(existsSync);
      if (removed) log.info({ removed }, 'removed containers of dockube servers whose data dir is gone');
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'kubelet resync failed');
    }
  };

  // The engine's container events (a container of a pod started, died, was OOM-killed or removed) sync its pod.
  const watchEngine = async (runtime: ContainerRuntime) => {
    if (stopped) return;
    try {
      const stop = await runtime.watchEvents(
        (e) => controller?.enqueue(`${e.namespace}/${e.podName}`),
        () => {
          if (stopped || stopEvents !== stop) return;
          stopEvents = undefined;
          // Events may have been missed meanwhile: reconnect, then look at everything.
          setTimeout(() => {
            void watchEngine(runtime).then(() => resync(runtime));
          }, 1000);
        },
      );
      stopEvents = stop;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'docker event stream failed; retrying');
      if (!stopped) setTimeout(() => void watchEngine(runtime), 2000);
    }
  };

  const start = async () => {
    // The node's one engine client behind the runtime: what the pod workers, the probes and the volume manager use.
    const engine = opts.engine ?? (() => connectDocker(opts.docker));
    const runtime = await connectDockerRuntime(engine, network, { instance, dataDir: opts.dataDir });
    if (stopped) return;
    // Events, and the lifecycle ones (started, killed, back-off...) as info lines too (lifecycle-log.ts).
    const recorder = new LifecycleLoggingRecorder(client, log);
    // Pods of this node; a pod deleted (or gone from the node) still enqueues its key: its containers must go.
    const informer = new Informer(client, GVR.pods, {
      fieldSelector: `spec.nodeName=${opts.nodeName}`,
      onError: (e) => log.warn({ err: e.message }, 'kubelet pod watch failed; retrying'),
    });
    pods = informer;
    // Pods sync in parallel (each waits on the engine, not the CPU); one pod is still synced by one worker at a time.
    const c = new Controller('kubelet', (key) => worker!.reconcile(key), log, POD_SYNC_WORKERS);
    c.source(informer, (_type, _old, obj) => [objectKey(obj)], podNeedsSync);
    controller = c;
    probes = startProbeManager(runtime, recorder, opts.nodeName, (key) => c.enqueue(key));
    worker = new PodWorker({
      runtime,
      volumes: new VolumeManager(runtime, opts.dataDir, client, {
        clusterDns: opts.clusterDns ?? [],
        clusterDomain: opts.clusterDomain,
        host: hostResolvConf(opts.resolvConf ?? DEFAULT_RESOLV_CONF),
      }),
      client,
      podOf: (key) => {
        const [ns, name] = key.split('/') as [string, string];
        return informer.get(ns, name) as unknown as Pod | undefined;
      },
      apiEndpoint: opts.apiEndpoint,
      recorder,
      log,
      dataDir: opts.dataDir,
      nodeName: opts.nodeName,
      hostIP: opts.hostIP,
      network,
      pauseImage: opts.pauseImage,
      enqueue: (key, afterMs) => (afterMs ? c.enqueueAfter(key, afterMs) : c.enqueue(key)),
      probes,
    });
    await watchEngine(runtime);
    // Workers run once the pod cache has synced (an empty cache would read as "no pods here").
    await c.start();
    await resync(runtime);
    resyncTimer = setInterval(() => void resync(runtime), opts.resyncMs ?? 10_000);
    log.info({ node: opts.nodeName, instance, network: network.name }, 'kubelet started');
  };

  const started = new Promise<void>((resolve, reject) => {
    let first = true;
    const attempt = () => {
      start().then(resolve, (e: Error) => {
        log.warn({ err: e.message }, 'kubelet cannot reach the Docker engine; pods will not run until it answers');
        if (first) {
          first = false;
          reject(e);
        }
        if (!stopped) retryTimer = setTimeout(attempt, opts.retryMs ?? 10_000);
      });
    };
    attempt();
  });
  started.catch(() => {
    /* reported through the log; the kubelet keeps retrying */
  });

  return {
    started,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(resyncTimer);
      controller?.stop();
      probes?.stop();
      const s = stopEvents;
      stopEvents = undefined;
      s?.();
      // Terminations in flight finish on their own; do not hold a shutdown for a whole grace period.
      await Promise.race([worker?.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
