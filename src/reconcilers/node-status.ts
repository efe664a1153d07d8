// The Node object for the local Docker engine, kept as the kubelet keeps its own: the status (capacity from the
// engine, conditions following the engine's health) is computed every 10 s but written only when it changed or
// every 5 minutes (nodeStatusReportFrequency); liveness between writes is the Lease (node-lease.ts).
import os from 'node:os';
import { statfsSync } from 'node:fs';
import type { DockerEndpoint } from '../runtime/docker.js';
import { StatusError } from '../machinery/api/errors.js';
import { engineInfo, type EngineInfo } from '../runtime/docker.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { deepEqual } from '../machinery/api/equality.js';
import type { KObject } from '../machinery/api/meta.js';
import { controllerIdentity, nodeIdentity } from '../client/identities.js';
import { GVR } from '../client/types.js';
import type { ReconcilerContext } from './context.js';
import { startNodeLease } from './node-lease.js';
import { versionInfo } from '../machinery/version.js';

const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** nodeStatusUpdateFrequency: how often the status is computed. */
export const STATUS_CHECK_MS = 10_000;
/** nodeStatusReportFrequency: the longest a status goes unwritten when nothing changes. */
export const STATUS_REPORT_MS = 5 * 60_000;

export function nodeName(): string {
  return os.hostname().toLowerCase();
}

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

/** Bytes of the filesystem pods write to (the root filesystem of the host dockube runs on). */
function ephemeralStorageBytes(): number {
  try {
    const s = statfsSync('/');
    return s.blocks * s.bsize;
  } catch {
    return 0;
  }
}

/** The kubelet's four conditions; Ready follows whether the engine answers. */
function conditions(info: EngineInfo | undefined, endpoint: string): Condition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    info
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message: `container runtime is down: the Docker engine at ${endpoint} does not answer`,
        },
  ];
}

export function endpointText(ep: DockerEndpoint): string {
  return ep.socketPath ? `unix://${ep.socketPath}` : `tcp://${ep.host}:${ep.port}`;
}

/**
 * The node status for what the engine reported (undefined: it did not answer). Heartbeat and transition times are
 * carried over from `previous`; `heartbeat` stamps the conditions when the status is about to be written.
 */
export function computeNodeStatus(
  info: EngineInfo | undefined,
  address: string,
  endpoint: string,
  previous: J | undefined,
  heartbeat: string,
): J {
  const prevConds: Condition[] = previous?.conditions ?? [];
  const prevCapacity = previous?.capacity as Record<string, string> | undefined;
  // Without an engine the capacity last seen stays: the node did not shrink, it stopped answering.
  const cpu = info ? String(info.ncpu) : (prevCapacity?.cpu ?? String(os.cpus().length));
  const memory = info ? `${Math.floor(info.memTotal / 1024)}Ki` : (prevCapacity?.memory ?? `${Math.floor(os.totalmem() / 1024)}Ki`);
  const resources = { cpu, 'ephemeral-storage': `${Math.floor(ephemeralStorageBytes() / 1024)}Ki`, memory, pods: '110' };
  const prevInfo: J = previous?.nodeInfo ?? {};
  return {
    capacity: resources,
    allocatable: { ...resources },
    conditions: conditions(info, endpoint).map((c) => {
      const old = prevConds.find((p) => p.type === c.type);
      return {
        ...c,
        lastHeartbeatTime: heartbeat,
        lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : heartbeat,
      };
    }),
    addresses: [
      { type: 'InternalIP', address },
      { type: 'Hostname', address: nodeName() },
    ],
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: info?.kernelVersion ?? prevInfo.kernelVersion ?? os.release(),
      osImage: info?.operatingSystem ?? prevInfo.osImage ?? os.type(),
      containerRuntimeVersion: info ? `docker://${info.serverVersion}` : (prevInfo.containerRuntimeVersion ?? 'docker://unknown'),
      kubeletVersion: versionInfo().gitVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: info
        ? info.architecture === 'x86_64'
          ? 'amd64'
          : info.architecture === 'aarch64'
            ? 'arm64'
            : info.architecture
        : (prevInfo.architecture ?? (process.arch === 'x64' ? 'amd64' : process.arch)),
    },
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
  };
}

/** nodeStatusHasChanged: equal but for the conditions' heartbeat times. */
export function nodeStatusChanged(a: J | undefined, b: J | undefined): boolean {
  const strip = (s: J | undefined) =>
    s && { ...s, conditions: (s.conditions ?? []).map((c: J) => ({ ...c, lastHeartbeatTime: undefined })) };
  return !deepEqual(JSON.parse(JSON.stringify(strip(a) ?? null)), JSON.parse(JSON.stringify(strip(b) ?? null)));
}

/** The oldest heartbeat among the stored conditions, in ms (0 when there is none). */
const lastHeartbeat = (status: J | undefined) =>
  Math.min(...((status?.conditions ?? []) as J[]).map((c) => Date.parse(c.lastHeartbeatTime ?? '') || 0), Infinity) || 0;

export interface NodeStatusOptions {
  checkMs?: number;
  reportMs?: number;
  leaseRenewMs?: number;
  /** The engine probe (default: GET /info on the Docker endpoint). */
  probe?: () => Promise<EngineInfo | undefined>;
  now?: () => Date;
  name?: string;
}

/**
 * One status sync, as the node (system:node:<name>) through the client seam: registers the node if missing, writes
 * its status if it changed or is due; returns the node.
 */
export async function syncNodeStatus(
  ctx: ReconcilerContext,
  info: EngineInfo | undefined,
  address: string,
  endpoint: string,
  opts: { name: string; now: Date; reportMs: number },
): Promise<KObject> {
  const { name } = opts;
  const client = ctx.client(nodeIdentity(name));
  const write = { fieldManager: 'dockube-node' };
  const heartbeat = nowTimestamp(opts.now);
  for (let attempt = 0; ; attempt++) {
    const lostRace = (e: unknown) => e instanceof StatusError && e.code === 409 && attempt < 5;
    let node: KObject | undefined;
    try {
      node = await client.get(GVR.nodes, undefined, name);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    if (!node) {
      const arch = process.arch === 'x64' ? 'amd64' : process.arch;
      try {
        await client.create(
          GVR.nodes,
          undefined,
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: {
              name,
              labels: {
                'kubernetes.io/hostname': name,
                'kubernetes.io/os': 'linux',
                'kubernetes.io/arch': arch,
                'beta.kubernetes.io/os': 'linux',
                'beta.kubernetes.io/arch': arch,
              },
            },
            spec: {},
            status: computeNodeStatus(info, address, endpoint, undefined, heartbeat),
          },
          write,
        );
        // The role label is the control plane's to set (NodeRestriction refuses node-role.kubernetes.io labels from
        // a kubelet), as k3s's server labels its own node: this server's node is the control plane.
        return await ctx
          .client(controllerIdentity('node-controller'))
          .patch(GVR.nodes, undefined, name, 'merge', { metadata: { labels: { [CONTROL_PLANE_LABEL]: '' } } }, write);
      } catch (e) {
        if (lostRace(e)) continue;
        throw e;
      }
    }
    const prev = node.status as J | undefined;
    const candidate = computeNodeStatus(info, address, endpoint, prev, heartbeat);
    const due = opts.now.getTime() - lastHeartbeat(prev) >= opts.reportMs;
    if (!due && !nodeStatusChanged(prev, candidate)) return node; // no write, no new resourceVersion
    try {
      return await client.updateStatus(GVR.nodes, undefined, { ...node, status: candidate }, write);
    } catch (e) {
      if (lostRace(e)) continue;
      throw e;
    }
  }
}

/** Registers the node, keeps its status and its Lease fresh; returns a stop function. */
export async function startNodeStatus(
  ctx: ReconcilerContext,
  docker: DockerEndpoint,
  address: string,
  opts: NodeStatusOptions = {},
): Promise<() => void> {
  const name = opts.name ?? nodeName();
  const endpoint = endpointText(docker);
  const probe = opts.probe ?? (() => engineInfo(docker));
  const now = opts.now ?? (() => new Date());
  const reportMs = opts.reportMs ?? STATUS_REPORT_MS;
  const run = async () => {
    try {
      await syncNodeStatus(ctx, await probe(), address, endpoint, { name, now: now(), reportMs });
    } catch (e) {
      ctx.log.warn({ err: (e as Error).message }, 'node status update failed');
    }
  };
  await run();
  const stopLease = startNodeLease(ctx, name, opts.leaseRenewMs);
  const t = setInterval(() => void run(), opts.checkMs ?? STATUS_CHECK_MS);
  return () => {
    clearInterval(t);
    stopLease();
  };
}
