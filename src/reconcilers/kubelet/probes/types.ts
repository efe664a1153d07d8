// Shared vocabulary of the prober: probe kinds, cached results, and one probe action's outcome.
import type { Container } from '../../../translate/k8s-types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export const PROBE_TYPES: ProbeType[] = ['startup', 'liveness', 'readiness'];

/** What the results cache holds per container ID (kubelet's results.Result). */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/** One run of a handler (kubelet's probe.Result plus its output). A warning counts as success. */
export interface ProbeOutcome {
  result: 'success' | 'failure' | 'warning';
  output: string;
}

/** "Liveness", "Readiness", "Startup": how kubelet's events name the probe. */
export const probeLabel = (t: ProbeType) => (t === 'liveness' ? 'Liveness' : t === 'readiness' ? 'Readiness' : 'Startup');

/** The probe settings with the API defaults applied (the strategy defaults them too; old objects may lack them). */
export interface ProbeSpec {
  handler: J;
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  terminationGracePeriodSeconds?: number;
}

const num = (v: unknown, dflt: number, min: number) => (typeof v === 'number' && Number.isFinite(v) && v >= min ? v : dflt);

export function probeSpecOf(container: Container, type: ProbeType): ProbeSpec | undefined {
  const p = container[`${type}Probe`] as J | undefined;
  if (!p || typeof p !== 'object') return undefined;
  return {
    handler: p,
    initialDelaySeconds: num(p.initialDelaySeconds, 0, 0),
    timeoutSeconds: num(p.timeoutSeconds, 1, 1),
    periodSeconds: num(p.periodSeconds, 10, 1),
    successThreshold: num(p.successThreshold, 1, 1),
    failureThreshold: num(p.failureThreshold, 3, 1),
    ...(typeof p.terminationGracePeriodSeconds === 'number' ? { terminationGracePeriodSeconds: p.terminationGracePeriodSeconds } : {}),
  };
}
