// podFailurePolicy (pod_failure_policy.go): the first rule that matches a failed pod decides, on its containers' exit
// codes (init containers first, non-zero exits only) or on its conditions (DisruptionTarget...).
import type { KObject } from '../../machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type FailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface FailurePolicyMatch {
  /** Whether the failure counts towards backoffLimit. */
  countFailed: boolean;
  action?: FailurePolicyAction;
  /** For FailJob: the condition message. */
  message?: string;
}

function matchingContainer(statuses: J[] | undefined, req: J): J | undefined {
  for (const cs of statuses ?? []) {
    const term = cs?.state?.terminated;
    if (!term) continue;
    if (req.containerName != null && req.containerName !== cs.name) continue;
    const code = Number(term.exitCode ?? 0);
    if (code === 0) continue;
    const listed = (req.values ?? []).includes(code);
    if (req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false) return cs;
  }
  return undefined;
}

/** matchPodFailurePolicy; no policy, or no rule matching, counts the failure. */
export function matchPodFailurePolicy(policy: J | undefined, pod: KObject): FailurePolicyMatch {
  if (!policy) return { countFailed: true };
  const status: J = (pod as J).status ?? {};
  const rules: J[] = policy.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    let what: string | undefined;
    if (rule.onExitCodes) {
      const cs =
        matchingContainer(status.initContainerStatuses, rule.onExitCodes) ?? matchingContainer(status.containerStatuses, rule.onExitCodes);
      if (cs)
        what = `Container ${cs.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${cs.state.terminated.exitCode} matching ${rule.action} rule at index ${i}`;
    } else if (rule.onPodConditions) {
      const cond = (status.conditions ?? []).find((c: J) =>
        (rule.onPodConditions as J[]).some((p) => p.type === c.type && (p.status ?? 'True') === c.status),
      );
      if (cond)
        what = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${cond.type} matching ${rule.action} rule at index ${i}`;
    }
    if (what === undefined) continue;
    switch (rule.action as FailurePolicyAction) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'FailJob':
        return { countFailed: true, action: 'FailJob', message: what };
    }
  }
  return { countFailed: true };
}
