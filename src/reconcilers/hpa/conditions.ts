// setConditionInList of horizontal.go: one condition per type, in the order first set, its lastTransitionTime
// moving only when its status changes.
export interface HpaCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export function setCondition(conditions: HpaCondition[], type: string, status: string, reason: string, message: string, now: string): void {
  let c = conditions.find((x) => x.type === type);
  if (!c) {
    c = { type, status: '' };
    conditions.push(c);
  }
  if (c.status !== status) c.lastTransitionTime = now;
  c.status = status;
  c.reason = reason;
  c.message = message;
}
