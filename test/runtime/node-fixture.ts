// The node under test, as the kubelet suites build it on the real engine: the API harness, a private network, a data
// directory, the kubelet (with, for claims, the PVC binder and the node's volume provisioner), and what the tests ask
// of their pods. Each file keeps its own names and subnet so that files still run side by side.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { startKubelet, type Kubelet } from '../../src/reconcilers/kubelet/kubelet.js';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';
import { startPvcBinder } from '../../src/reconcilers/pvc-binder.js';
import { startVolumeProvisioner } from '../../src/node/volume-provisioner.js';
import { dockerClient } from '../../src/node/docker-client.js';
import { unmountBeneath } from '../../src/runtime/bind-mount.js';
import { execInContainer } from '../../src/runtime/exec.js';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { createTestNetwork, ensureEngine, removeInstanceLeftovers, waitFor } from './support.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface TestNodeOptions {
  /** Names the instance `test-<name>-<rand>`, the network `dockube-test-<name>-<rand>` and the data directory. */
  name: string;
  /** The network's dockube.io/test label. */
  label: string;
  /** The second octet of the network's 10.x.y.0/24 (see createTestNetwork). */
  subnetOctet: number;
  nodeName: string;
  /** A namespace `<prefix>-<rand>` of the file's own, Pod Security level privileged (hostPath needs it); else 'default'. */
  privilegedNamespace?: string;
  /** The PVC binder and the node's volume provisioner beside the kubelet. */
  withVolumes?: boolean;
  resyncMs: number;
  harness?: Parameters<typeof startHarness>[0];
  /** Build the test images (default true). */
  images?: boolean;
  /** Runs once the engine is up, before the network and the harness. */
  prepare?: () => void | Promise<void>;
  /** Runs with the harness up, before the kubelet starts: what it must find at its first sync. */
  beforeKubelet?: () => Promise<void>;
}

export const ready = (p: J) => p.status?.conditions?.find((c: J) => c.type === 'Ready')?.status === 'True';
export const statusOf = (p: J, c: string) => (p.status?.containerStatuses ?? []).find((s: J) => s.name === c);
export const idOf = (p: J, c: string) => String(statusOf(p, c).containerID).slice('docker://'.length);

export class TestNode {
  readonly docker = new Docker();
  readonly rand = randomBytes(3).toString('hex');
  readonly instance: string;
  readonly networkName: string;
  readonly NS: string;
  readonly NODE: string;
  readonly ctxW = systemContext('test');
  h!: Harness;
  pods!: ResourceDef;
  events!: ResourceDef;
  dataDir = '';
  kubelet?: Kubelet;
  private controllers: Controller[] = [];

  constructor(private readonly o: TestNodeOptions) {
    this.instance = `test-${o.name}-${this.rand}`;
    this.networkName = `dockube-test-${o.name}-${this.rand}`;
    this.NS = o.privilegedNamespace ? `${o.privilegedNamespace}-${this.rand}` : 'default';
    this.NODE = o.nodeName;
  }

  readonly def = (plural: string, group = '') => this.h.service.registry.defs.find((d) => d.plural === plural && d.group === group)!;

  async start(): Promise<void> {
    const o = this.o;
    ensureEngine({ images: o.images });
    await o.prepare?.();
    const net = await createTestNetwork(this.docker, this.networkName, o.label, o.subnetOctet);
    // Real: the kubelet's paths are compared with what mount(8) reports.
    this.dataDir = realpathSync(mkdtempSync(join(tmpdir(), `dockube-${o.name}-`)));
    this.h = await startHarness(o.harness);
    [this.pods, this.events] = [this.def('pods'), this.def('events')];
    if (o.privilegedNamespace) {
      await this.h.service.create(
        this.def('namespaces'),
        undefined,
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: this.NS, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
        } as KObject,
        this.ctxW,
      );
    }
    await o.beforeKubelet?.();
    const ctx = makeContext(this.h.service, pino({ level: 'silent' }));
    const endpoint = { socketPath: '/var/run/docker.sock' };
    if (o.withVolumes) {
      this.controllers.push(await startPvcBinder(ctx, { retryMs: 1000 }));
      // The node side: the claims' Docker volumes.
      this.controllers.push(
        await startVolumeProvisioner(ctx, {
          docker: dockerClient(endpoint),
          nodeName: this.NODE,
          dataDir: this.dataDir,
          instance: this.instance,
          provisionUnselected: true,
          retryMs: 1000,
        }),
      );
    }
    this.kubelet = startKubelet(ctx, {
      docker: endpoint,
      dataDir: this.dataDir,
      nodeName: this.NODE,
      hostIP: '127.0.0.1',
      instance: this.instance,
      network: { name: this.networkName, ...net },
      resyncMs: o.resyncMs,
    });
    await this.kubelet.started;
  }

  async stop(): Promise<void> {
    for (const c of this.controllers) c.stop();
    await this.kubelet?.stop();
    await removeInstanceLeftovers(this.docker, this.instance, this.networkName);
    await this.h?.close();
    // Never remove a tree with a bind mount in it (a subPath of a failed test): that would delete through the mount.
    if (this.dataDir && (await unmountBeneath(this.dataDir))) rmSync(this.dataDir, { recursive: true, force: true });
  }

  readonly getPod = (name: string) => this.h.service.get(this.pods, this.NS, name) as Promise<J>;

  /** A pod bound to this node that stops at once; `spec` may override the grace period. */
  readonly podObj = (name: string, spec: J, labels?: Record<string, string>): KObject =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: this.NS, ...(labels && { labels }) },
      spec: { nodeName: this.NODE, terminationGracePeriodSeconds: 0, ...spec },
    }) as KObject;

  readonly eventsOf = async (uid: string) =>
    ((await this.h.service.list(this.events, this.NS)).items as J[]).filter((e) => e.involvedObject?.uid === uid);
  readonly eventsNamed = async (name: string) =>
    ((await this.h.service.list(this.events, this.NS)).items as J[]).filter((e) => e.involvedObject?.name === name);

  /** Runs a shell script in a container of the pod; its trimmed output, or an error with the exit code. */
  readonly sh = async (p: J, container: string, script: string): Promise<string> => {
    const r = await execInContainer(this.docker, idOf(p, container), ['sh', '-c', script], 8000);
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.output}`);
    return r.output.trim();
  };

  /** The engine's containers (any state) of this instance's pod `name`, container `container`. */
  readonly containersOf = (name: string, container = 'main') =>
    this.docker.listContainers({
      all: true,
      filters: {
        label: [`${LABEL_INSTANCE}=${this.instance}`, `io.kubernetes.pod.name=${name}`, `io.kubernetes.container.name=${container}`],
      },
    });

  /** Creates the pod (see podObj) as the test's client. */
  readonly createPod = (pod: KObject) => this.h.service.create(this.pods, this.NS, pod, this.ctxW);

  /** Creates a ReadWriteOnce claim of the default class. */
  readonly createClaim = (name: string, storage: string) =>
    this.h.service.create(
      this.def('persistentvolumeclaims'),
      this.NS,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
      } as KObject,
      this.ctxW,
    );

  /** Waits for the pod to be Ready; the pod. */
  readonly readyPod = (name: string, timeoutMs: number) =>
    waitFor(
      `${name} Ready`,
      async () => {
        const p = await this.getPod(name);
        return ready(p) && p;
      },
      timeoutMs,
    );

  /** Deletes a pod at once and waits until it is gone from the API. */
  readonly deletePod = async (name: string) => {
    await this.h.service.delete(this.pods, this.NS, name, { gracePeriodSeconds: 0 }, this.ctxW);
    await waitFor(
      `${name} gone`,
      async () => {
        try {
          await this.getPod(name);
          return false;
        } catch {
          return true;
        }
      },
      30_000,
    );
  };
}
