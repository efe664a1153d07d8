// The Docker engine endpoint from --docker-host / DOCKER_HOST, and the engine facts a Node reports.
// /info is read with a plain HTTP request: dockerode costs ~150 ms to load, too much for start-up.
import http from 'node:http';

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
export function engineInfo(ep: DockerEndpoint, timeoutMs = 2000): Promise<EngineInfo | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ ...ep, path: '/info', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => {
        try {
          const info = JSON.parse(body);
          resolve(
            res.statusCode === 200
              ? {
                  ncpu: info.NCPU,
                  memTotal: info.MemTotal,
                  kernelVersion: info.KernelVersion,
                  operatingSystem: info.OperatingSystem,
                  serverVersion: info.ServerVersion,
                  architecture: info.Architecture,
                }
              : undefined,
          );
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
