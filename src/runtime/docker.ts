// The Docker engine endpoint from --docker-host / DOCKER_HOST, and the engine facts a Node reports.
// /info is read with a plain HTTP request: dockerode costs ~150 ms to load, too much for start-up.
import { engineGet } from './engine-probe.js';

export interface DockerEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
}

export function parseDockerHost(host: string): DockerEndpoint {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (/^(tcp|http):\/\//.test(host)) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: u.hostname, port: Number(u.port || 2375) };
  }
  return { socketPath: host };
}

export interface EngineInfo {
  ncpu: number;
  memTotal: number;
  kernelVersion: string;
  operatingSystem: string;
  serverVersion: string;
  architecture: string;
}

/** Engine facts for the Node object, or undefined when no engine answers in time. */
export async function engineInfo(ep: DockerEndpoint, timeoutMs = 2000): Promise<EngineInfo | undefined> {
  const a = await engineGet(ep, '/info', timeoutMs);
  if (!a.ok || a.status !== 200) return undefined;
  try {
    const info = JSON.parse(a.body);
    return {
      ncpu: info.NCPU,
      memTotal: info.MemTotal,
      kernelVersion: info.KernelVersion,
      operatingSystem: info.OperatingSystem,
      serverVersion: info.ServerVersion,
      architecture: info.Architecture,
    };
  } catch {
    return undefined;
  }
}
