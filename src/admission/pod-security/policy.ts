// A namespace's PodSecurity policy from its pod-security.kubernetes.io/* labels, over dockube's defaults.
import type { Level } from './types.js';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export type Mode = 'enforce' | 'audit' | 'warn';
export const MODES: Mode[] = ['enforce', 'audit', 'warn'];

/** A level at a policy version; minor undefined = "latest". */
export interface LevelVersion {
  level: Level;
  minor?: number;
}
export type Policy = Record<Mode, LevelVersion>;

export interface LabelError {
  label: string;
  value: string;
  message: string;
}

/**
 * dockube's cluster default, where Kubernetes' is privileged: pods reach Docker on the host, so a namespace without
 * labels enforces (and warns at) baseline. Namespaces opt out with `pod-security.kubernetes.io/enforce=privileged`.
 */
export const DEFAULT_POLICY: Policy = {
  // dockube enforces baseline by default (the Docker socket is root on the host); warn and audit keep
  // upstream's defaults, so a namespace that opts out with enforce=privileged is not warned either.
  enforce: { level: 'baseline' },
  audit: { level: 'privileged' },
  warn: { level: 'privileged' },
};

/** Namespaces PodSecurity never evaluates (as the admission configuration's exemptions.namespaces). */
export const EXEMPT_NAMESPACES = new Set(['kube-system']);

const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

export const levelVersionString = (lv: LevelVersion) => `${lv.level}:${lv.minor === undefined ? 'latest' : `v1.${lv.minor}`}`;

/**
 * The policy to evaluate. Unparsable values fall back as upstream does: an unknown enforce level enforces restricted
 * (fail closed), unknown audit/warn levels become privileged (fail open), and a bad version means latest.
 */
export function policyFromLabels(
  labels: Record<string, string> | undefined,
  defaults: Policy = DEFAULT_POLICY,
): { policy: Policy; errors: LabelError[] } {
  const policy: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: LabelError[] = [];
  for (const mode of MODES) {
    const levelLabel = LABEL_PREFIX + mode;
    const level = labels?.[levelLabel];
    if (level !== undefined) {
      if ((LEVELS as string[]).includes(level)) policy[mode].level = level as Level;
      else {
        policy[mode].level = mode === 'enforce' ? 'restricted' : 'privileged';
        errors.push({ label: levelLabel, value: level, message: `must be one of ${LEVELS.join(', ')}` });
      }
    }
    const versionLabel = `${LABEL_PREFIX}${mode}-version`;
    const version = labels?.[versionLabel];
    if (version !== undefined) {
      const m = VERSION.exec(version);
      if (version === 'latest') policy[mode].minor = undefined;
      else if (m) policy[mode].minor = Number(m[1]);
      else {
        policy[mode].minor = undefined;
        errors.push({ label: versionLabel, value: version, message: 'must be "latest" or "v1.x"' });
      }
    }
  }
  return { policy, errors };
}
