// The Docker engine connection (dockerode), from --docker-host / DOCKER_HOST.
import Docker from 'dockerode';

export function connectDocker(host: string): Docker {
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    return new Docker({ host: u.hostname, port: Number(u.port || 2375), protocol: host.startsWith('https') ? 'https' : 'http' });
  }
  return new Docker({ socketPath: host });
}

export interface EngineInfo { ncpu: number; memTotal: number; kernelVersion: string; operatingSystem: string; serverVersion: string; architecture: string }

/** Engine facts for the Node object, or undefined when no engine answers in time. */
export async function engineInfo(docker: Docker, timeoutMs = 2000): Promise<EngineInfo | undefined> {
  try {
    const info = await Promise.race([
      docker.info(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), timeoutMs).unref()),
    ]);
    return {
      ncpu: info.NCPU, memTotal: info.MemTotal, kernelVersion: info.KernelVersion, operatingSystem: info.OperatingSystem,
      serverVersion: info.ServerVersion, architecture: info.Architecture,
    };
  } catch {
    return undefined;
  }
}
