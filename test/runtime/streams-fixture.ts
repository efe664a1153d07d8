// The API server with its upgrade handler (pods/log, exec, attach over WebSocket) for the streaming suites: the pods
// are on node-1, served by the in-process node over the local engine, and their containers are started here with the
// pod labels, as the runtime would, so no kubelet is needed.
import Docker from 'dockerode';
import { startHarness, type Harness } from '../api/harness.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { createUpgradeHandler } from '../../src/api/streams/upgrade.js';
import { DockerNode } from '../../src/node/docker-node.js';
import { dockerClient } from '../../src/node/docker-client.js';
import { nodeLookup } from '../../src/node/types.js';
import { containerLabels, LABEL_POD_UID } from '../../src/translate/labels.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { ensureEngine, removeContainers } from './support.js';

export const IMAGE = 'dockube/busybox:test';

type Authenticate = Parameters<typeof createUpgradeHandler>[0]['authenticate'];

export class StreamsServer {
  readonly docker = new Docker();
  h!: Harness;
  /** The pods made here: their containers go at stop(). */
  private readonly uids: string[] = [];

  constructor(private readonly authenticate: Authenticate) {}

  async start(): Promise<void> {
    ensureEngine();
    const nodes = nodeLookup(new DockerNode('node-1', dockerClient()));
    this.h = await startHarness({ nodes });
    const upgrade = createUpgradeHandler({
      service: this.h.service,
      registry: new Registry(RESOURCES),
      authenticate: this.authenticate,
      nodes,
    });
    this.h.server.on('upgrade', upgrade);
  }

  async stop(): Promise<void> {
    for (const uid of this.uids) await removeContainers(this.docker, [`${LABEL_POD_UID}=${uid}`]);
    await this.h?.close();
  }

  /** Creates the Pod object (scheduled on node-1) in 'default' and returns it with its uid. */
  readonly createPod = async (name: string, containers: { name: string; stdin?: boolean; tty?: boolean }[] = [{ name: 'main' }]) => {
    const r = await this.h.api.post('/api/v1/namespaces/default/pods').send({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { nodeName: 'node-1', containers: containers.map((c) => ({ image: IMAGE, imagePullPolicy: 'IfNotPresent', ...c })) },
    });
    if (r.status !== 201) throw new Error(`pod ${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    this.uids.push(r.body.metadata.uid);
    return r.body as Pod;
  };

  /** Starts a labelled container of the pod's container `name` as the runtime would; waits for it to exit when wait is set. */
  readonly runContainer = async (
    pod: Pod,
    name: string,
    cmd: string[],
    o: { attempt?: number; wait?: boolean; tty?: boolean; stdin?: boolean } = {},
  ) => {
    const spec = pod.spec.containers.find((c) => c.name === name)!;
    const c = await this.docker.createContainer({
      Image: IMAGE,
      Cmd: cmd,
      Tty: !!o.tty,
      OpenStdin: !!o.stdin,
      StdinOnce: !!o.stdin,
      AttachStdin: !!o.stdin,
      Labels: containerLabels(pod, spec, 'app', 0, { attempt: o.attempt ?? 0 }),
      HostConfig: { AutoRemove: false },
    });
    await c.start();
    if (o.wait) await c.wait();
    return c;
  };
}
