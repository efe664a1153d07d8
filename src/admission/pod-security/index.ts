// Pod Security admission (the PodSecurity plugin): levels privileged/baseline/restricted from namespace labels.
export { admitPodSecurity, warnPodTemplateSecurity, admitNamespacePodSecurity, isSignificantPodUpdate } from './admission.js';
export { evaluatePod, checksFor, forbiddenDetail, forbiddenReason, aggregate, LATEST_MINOR, type AggregateResult } from './evaluate.js';
export {
  policyFromLabels,
  levelVersionString,
  DEFAULT_POLICY,
  EXEMPT_NAMESPACES,
  LABEL_PREFIX,
  type Policy,
  type LevelVersion,
} from './policy.js';
export type { Level, PodShape, CheckResult } from './types.js';
