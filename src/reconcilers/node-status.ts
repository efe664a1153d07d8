// The Node object for the local Docker engine: capacity from the engine, refreshed periodically.
import os from 'node:os';
import type { DockerEndpoint } from '../runtime/docker.js';
import { StatusError } from '../api/errors.js';
import { engineInfo, type EngineInfo } from '../runtime/docker.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { KObject } from '../registry/types.js';
import { systemContext, type ReconcilerContext } from './context.js';
import { versionInfo } from '../api/version.js';

const REFRESH_MS = 30_000;

export function nodeName(): string { return os.hostname().toLowerCase(); }

function nodeStatus(info: EngineInfo | undefined, address: string, previous?: Record<string, unknown>) {
  const now = nowTimestamp();
  const cpu = String(info?.ncpu ?? os.cpus().length);
  const memory = `${Math.floor((info?.memTotal ?? os.totalmem()) / 1024)}Ki`;
  const resources = { cpu, memory, pods: '110', 'ephemeral-storage': '0' };
  const ready = info
    ? { type: 'Ready', status: 'True', reason: 'DockerEngineReady', message: `Docker engine ${info.serverVersion} is answering` }
    : { type: 'Ready', status: 'False', reason: 'DockerEngineUnreachable', message: 'the Docker engine does not answer' };
  const prevReady = ((previous?.conditions ?? []) as { type: string; status: string; lastTransitionTime?: string }[]).find((c) => c.type === 'Ready');
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [{ ...ready, lastHeartbeatTime: now, lastTransitionTime: prevReady?.status === ready.status ? prevReady.lastTransitionTime : now }],
    addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: nodeName() }],
    nodeInfo: {
      machineID: '', systemUUID: '', bootID: '', kernelVersion: info?.kernelVersion ?? os.release(),
      osImage: info?.operatingSystem ?? os.type(), containerRuntimeVersion: info ? `docker://${info.serverVersion}` : 'docker://unknown',
      kubeletVersion: versionInfo().gitVersion, kubeProxyVersion: '', operatingSystem: 'linux', architecture: info?.architecture === 'x86_64' ? 'amd64' : (info?.architecture ?? process.arch),
    },
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
  };
}

/** Registers the node and keeps its status fresh; returns a stop function. */
export async function startNodeStatus(ctx: ReconcilerContext, docker: DockerEndpoint, address: string): Promise<() => void> {
  const def = ctx.def('', 'nodes');
  const sys = systemContext('dockube-node');
  const name = nodeName();
  const sync = async () => {
    const info = await engineInfo(docker);
    let node: KObject | undefined;
    try { node = await ctx.service.get(def, undefined, name); } catch (e) { if (!(e instanceof StatusError && e.code === 404)) throw e; }
    if (!node) {
      node = await ctx.service.create(def, undefined, {
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch, 'node-role.kubernetes.io/control-plane': '' } },
        spec: {},
      }, sys);
    }
    await ctx.service.update(def, undefined, name, (cur) => ({ ...cur, status: nodeStatus(info, address, cur.status as Record<string, unknown>) }), sys, 'status');
  };
  const run = () => sync().catch((e) => ctx.log.warn({ err: (e as Error).message }, 'node status update failed'));
  await run();
  const t = setInterval(run, REFRESH_MS);
  return () => clearInterval(t);
}
