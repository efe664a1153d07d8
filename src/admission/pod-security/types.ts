// The shapes Pod Security checks work on: a pod's (or pod template's) metadata and spec as plain JSON.
export type Json = Record<string, unknown>;

/** What one check says about a pod: allowed, or a short reason plus optional detail (both end up in the message). */
export interface CheckResult {
  allowed: boolean;
  reason?: string;
  detail?: string;
}

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface PodShape {
  metadata: Json;
  spec: Json;
}

/** One implementation of a check; version-dependent rules are separate VersionedChecks. */
export type CheckFn = (pod: PodShape) => CheckResult;

export interface VersionedCheck {
  /** First policy version (1.minVersion) this implementation applies to. */
  minVersion: number;
  run: CheckFn;
  /** Baseline check IDs this restricted check supersedes (its stricter rule makes them redundant). */
  overrides?: string[];
}

export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Strictly increasing minVersion. */
  versions: VersionedCheck[];
}

export const ALLOWED: CheckResult = { allowed: true };
