// The check registry: which checks run for a level and policy version, in the order their results are reported.
import { BASELINE_CHECKS } from './checks-baseline.js';
import { RESTRICTED_CHECKS } from './checks-restricted.js';
import { byteOrder } from './helpers.js';
import type { Check, CheckFn, CheckResult, Level, PodShape, VersionedCheck } from './types.js';

/** Policy version "latest" evaluates as this minor: the Kubernetes release whose API dockube follows. */
export const LATEST_MINOR = 33;

export interface AggregateResult {
  allowed: boolean;
  reasons: string[];
  details: string[];
}

function versionFor(check: Check, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) if (v.minVersion <= minor) found = v;
  return found;
}

// Upstream orders results by check ID (baseline IDs sorted, then restricted IDs sorted) so messages are stable.
const byId = (a: Check, b: Check) => byteOrder(a.id, b.id);
const BASELINE = [...BASELINE_CHECKS].sort(byId);
const RESTRICTED = [...RESTRICTED_CHECKS].sort(byId);

/** The check functions for level at policy version 1.minor (a minor above LATEST_MINOR evaluates as latest). */
export function checksFor(level: Level, minor: number): CheckFn[] {
  if (level === 'privileged') return [];
  const m = Math.min(minor, LATEST_MINOR);
  const baseline = BASELINE.map((c) => [c, versionFor(c, m)] as const).filter(([, v]) => v);
  if (level === 'baseline') return baseline.map(([, v]) => v!.run);
  const restricted = RESTRICTED.map((c) => [c, versionFor(c, m)] as const).filter(([, v]) => v);
  const overridden = new Set(restricted.flatMap(([, v]) => v!.overrides ?? []));
  return [...baseline.filter(([c]) => !overridden.has(c.id)), ...restricted].map(([, v]) => v!.run);
}

export function evaluatePod(level: Level, minor: number, pod: PodShape): AggregateResult {
  return aggregate(checksFor(level, minor).map((run) => run(pod)));
}

export function aggregate(results: CheckResult[]): AggregateResult {
  const failed = results.filter((r) => !r.allowed);
  return {
    allowed: failed.length === 0,
    reasons: failed.map((r) => r.reason || 'unknown forbidden reason'),
    details: failed.map((r) => r.detail ?? ''),
  };
}

/** "host namespaces, privileged": the reasons alone (used when summarising many pods). */
export const forbiddenReason = (r: AggregateResult) => r.reasons.join(', ');

/** "host namespaces (hostNetwork=true), privileged (container "c" must not ...)": reasons with their details. */
export function forbiddenDetail(r: AggregateResult): string {
  return r.reasons.map((reason, i) => (r.details[i] ? `${reason} (${r.details[i]})` : reason)).join(', ');
}
