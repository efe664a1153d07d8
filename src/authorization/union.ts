// The authorization chain (k8s.io/apiserver's union authorizer): the first authorizer that allows decides; when
// none does, the request is denied with the reasons each gave. As kube-apiserver builds it: members of
// system:masters first (the privileged-group authorizer), then the others in order (Node, RBAC...).
// rulesFor is every member's rules together (SelfSubjectRulesReview, escalation checks).
import type { UserInfo } from '../machinery/api/user.js';
import { SYSTEM_MASTERS } from './rbac/escalation.js';
import type { Authorizer, Decision, RequestAttributes, SubjectRules } from './types.js';

/** authorizerfactory.NewPrivilegedGroups(system:masters): allows every request of its members; lists no rules. */
export const privilegedGroupAuthorizer: Authorizer = {
  authorize: (user) => (user.groups.includes(SYSTEM_MASTERS) ? { allowed: true } : { allowed: false }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

export function unionAuthorizer(members: readonly Authorizer[]): Authorizer {
  return {
    authorize(user: UserInfo, attrs: RequestAttributes): Decision {
      const reasons: string[] = [];
      for (const m of members) {
        const d = m.authorize(user, attrs);
        if (d.allowed) return d;
        if (d.reason) reasons.push(d.reason);
      }
      return reasons.length ? { allowed: false, reason: reasons.join('\n') } : { allowed: false };
    },
    rulesFor(user: UserInfo, namespace: string): SubjectRules {
      const out: SubjectRules = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errors: string[] = [];
      for (const m of members) {
        const r = m.rulesFor(user, namespace);
        out.resourceRules.push(...r.resourceRules);
        out.nonResourceRules.push(...r.nonResourceRules);
        if (r.incomplete) out.incomplete = true;
        if (r.evaluationError) errors.push(r.evaluationError);
      }
      if (errors.length) out.evaluationError = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
      return out;
    },
  };
}

/** kube-apiserver's chain: system:masters, then `others` in order (Node...), then RBAC. */
export function authorizationChain(opts: { rbac: Authorizer; others?: readonly Authorizer[] }): Authorizer {
  return unionAuthorizer([privilegedGroupAuthorizer, ...(opts.others ?? []), opts.rbac]);
}
