// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go): allows when a rule bound to the user allows, saying
// which binding did; otherwise has no opinion, naming the bindings it could not resolve.
import type { UserInfo } from '../../machinery/api/user.js';
import type { Authorizer, Decision, NonResourceRule, RequestAttributes, ResourceRule, SubjectRules } from '../types.js';
import { ruleAllows } from './rule-matching.js';
import { aggregateErrors, resolveRules, visitRulesFor } from './rule-resolver.js';
import type { RbacSource } from './types.js';

export function createRbacAuthorizer(source: RbacSource): Authorizer {
  return {
    authorize(user: UserInfo, attrs: RequestAttributes): Decision {
      let reason: string | undefined;
      const errors: string[] = [];
      visitRulesFor(source, user, attrs.namespace ?? '', (rule, describe, error) => {
        if (rule && ruleAllows(attrs, rule)) {
          reason = `RBAC: allowed by ${describe()}`;
          return false;
        }
        if (error) errors.push(error);
        return true;
      });
      if (reason) return { allowed: true, reason };
      return errors.length ? { allowed: false, reason: `RBAC: ${aggregateErrors(errors)}` } : { allowed: false };
    },

    rulesFor(user: UserInfo, namespace: string): SubjectRules {
      const { rules, errors } = resolveRules(source, user, namespace);
      const resourceRules: ResourceRule[] = [];
      const nonResourceRules: NonResourceRule[] = [];
      for (const r of rules) {
        if (r.resources?.length)
          resourceRules.push({
            verbs: [...r.verbs],
            apiGroups: [...(r.apiGroups ?? [])],
            resources: [...r.resources],
            ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}),
          });
        if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
      }
      return {
        resourceRules,
        nonResourceRules,
        incomplete: errors.length > 0,
        ...(errors.length ? { evaluationError: aggregateErrors(errors) } : {}),
      };
    },
  };
}
