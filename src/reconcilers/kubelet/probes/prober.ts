// Runs one probe of a container (kubelet's prober.probe): picks the handler, retries a prober error up to
// three times, and records the Unhealthy / ProbeWarning events kubelet records on every failed run.
// A prober error (the probe could not be run at all) throws: the worker then throws the result away.
import type { ContainerRuntime } from '../../../runtime/container-runtime.js';
import type { Container, Pod } from '../../../translate/k8s-types.js';
import { grpcProbe } from './grpc-probe.js';
import { httpProbe } from './http-probe.js';
import { probePort } from './port.js';
import { tcpProbe } from './tcp-probe.js';
import { probeLabel, type ProbeOutcome, type ProbeSpec, type ProbeType } from './types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MAX_RETRIES = 3;
const MAX_EXEC_OUTPUT = 10 * 1024;

export interface ProbeTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  podIP?: string;
}

/** Runs a handler once. */
export type ProbeRunner = (target: ProbeTarget, spec: ProbeSpec) => Promise<ProbeOutcome>;

/** An event about the container (reason Unhealthy / ProbeWarning, type Warning). */
export type ProbeEventSink = (target: ProbeTarget, reason: string, message: string) => void;

/** The handlers against the container runtime (exec) and the network. */
export function runtimeProbeRunner(runtime: Pick<ContainerRuntime, 'exec'>): ProbeRunner {
  return async ({ container, containerId, podIP }, spec) => {
    const h = spec.handler;
    const timeoutMs = spec.timeoutSeconds * 1000;
    if (h.exec) {
      const cmd: string[] = Array.isArray(h.exec.command) ? h.exec.command : [];
      const r = await runtime.exec(containerId, cmd, timeoutMs);
      // A command that outlives timeoutSeconds fails the probe (ExecProbeTimeout, on by default).
      if (r.timedOut) return { result: 'failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
      return { result: r.exitCode === 0 ? 'success' : 'failure', output: r.output.slice(0, MAX_EXEC_OUTPUT) };
    }
    if (h.httpGet) {
      const a = h.httpGet as J;
      const host = (typeof a.host === 'string' && a.host) || podIP;
      if (!host) throw new Error('the pod has no IP yet');
      return httpProbe(
        {
          scheme: String(a.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http',
          host,
          port: probePort(a.port, container),
          path: typeof a.path === 'string' && a.path ? a.path : '/',
          headers: Array.isArray(a.httpHeaders) ? a.httpHeaders : [],
        },
        timeoutMs,
      );
    }
    if (h.tcpSocket) {
      const host = (typeof h.tcpSocket.host === 'string' && h.tcpSocket.host) || podIP;
      if (!host) throw new Error('the pod has no IP yet');
      return tcpProbe(host, probePort(h.tcpSocket.port, container), timeoutMs);
    }
    if (h.grpc) {
      if (!podIP) throw new Error('the pod has no IP yet');
      const port = Number(h.grpc.port);
      if (!(port > 0 && port < 65536)) throw new Error(`invalid port number: ${h.grpc.port}`);
      return grpcProbe(podIP, port, typeof h.grpc.service === 'string' ? h.grpc.service : '', timeoutMs);
    }
    throw new Error('missing probe handler');
  };
}

/** One probe with retries and events; resolves 'success' or 'failure', throws on a prober error. */
export async function runProbe(
  type: ProbeType,
  target: ProbeTarget,
  spec: ProbeSpec,
  run: ProbeRunner,
  emit: ProbeEventSink,
): Promise<'success' | 'failure'> {
  let outcome: ProbeOutcome | undefined;
  let error: Error | undefined;
  for (let i = 0; i < MAX_RETRIES; i++) {
    try {
      outcome = await run(target, spec);
      error = undefined;
      break;
    } catch (e) {
      error = e as Error;
    }
  }
  const label = probeLabel(type);
  if (error || !outcome) {
    emit(target, 'Unhealthy', `${label} probe errored: ${error?.message ?? 'unknown error'}`);
    throw error ?? new Error('probe failed to run');
  }
  if (outcome.result === 'failure') {
    emit(target, 'Unhealthy', `${label} probe failed: ${outcome.output}`);
    return 'failure';
  }
  if (outcome.result === 'warning') emit(target, 'ProbeWarning', `${label} probe warning: ${outcome.output}`);
  return 'success';
}
