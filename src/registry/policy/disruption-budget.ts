// What the disruption controller and the eviction subresource both know about a PodDisruptionBudget's status
// (k8s.io/kubernetes/pkg/apis/policy and pkg/util/pod's pdb helper): the DisruptionAllowed condition and its reasons.
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';
/** DisruptionBudgetCause: the StatusCause type of an eviction refused by a budget. */
export const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';
/** MaxDisruptedPodSize: evictions the controller has not confirmed yet, at most. */
export const MAX_DISRUPTED_POD_SIZE = 2000;

export interface BudgetCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/**
 * meta.SetStatusCondition on status.conditions (mutates): lastTransitionTime moves only when the status changes.
 * The condition's observedGeneration is the status' one, as the pdb helper sets it.
 */
export function setBudgetCondition(status: J, cond: BudgetCondition, nowIso: string): void {
  const conditions: BudgetCondition[] = Array.isArray(status.conditions) ? status.conditions : [];
  const full = { ...cond, observedGeneration: status.observedGeneration as number | undefined };
  const i = conditions.findIndex((c) => c?.type === cond.type);
  if (i < 0) conditions.push({ ...full, lastTransitionTime: nowIso });
  else {
    const old = conditions[i]!;
    conditions[i] = { ...full, lastTransitionTime: old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : nowIso };
  }
  status.conditions = conditions;
}

/** UpdateDisruptionAllowedCondition: True (SufficientPods) while a disruption is allowed, else False (InsufficientPods). */
export function updateDisruptionAllowedCondition(status: J, nowIso: string): void {
  const allowed = Number(status.disruptionsAllowed ?? 0) > 0;
  setBudgetCondition(
    status,
    { type: DISRUPTION_ALLOWED, status: allowed ? 'True' : 'False', reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS, message: '' },
    nowIso,
  );
}
