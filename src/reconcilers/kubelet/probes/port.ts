// The port of an httpGet/tcpSocket/grpc probe: a number, or the name of one of the container's ports
// (kubelet's extractPort; a name that is not found may still be a number written as a string).
import type { Container } from '../../../translate/k8s-types.js';

export function probePort(param: unknown, container: Container): number {
  let port: number;
  if (typeof param === 'number') port = param;
  else if (typeof param === 'string') {
    const named = (container.ports ?? []).find((p) => p.name === param);
    if (named) port = named.containerPort;
    else if (/^-?\d+$/.test(param)) port = Number(param);
    else throw new Error(`couldn't find port: ${param} in ${container.name}`);
  } else throw new Error(`invalid port: ${String(param)}`);
  if (port > 0 && port < 65536) return port;
  throw new Error(`invalid port number: ${port}`);
}
