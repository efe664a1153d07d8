// The aggregated rules of a ClusterRole as pkg/controller/clusterroleaggregation computes them: per selector in order,
// the matching roles sorted by name, each distinct rule once, the role's own rules never, matchExpressions honoured.
import { aggregatedRoles, aggregatedRules, sameRules } from '../../src/reconcilers/clusterrole-aggregation/aggregate.js';
import type { AggregationRule, PolicyRule, RoleObject } from '../../src/authorization/rbac/types.js';

const r = (verb: string, resource: string): PolicyRule => ({ verbs: [verb], apiGroups: [''], resources: [resource] });
const role = (name: string, labels: Record<string, string>, rules: PolicyRule[], aggregationRule?: AggregationRule): RoleObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...(aggregationRule ? { aggregationRule } : {}),
});

test('rules of the matching roles, sorted by name, each once; non-matching and the role itself left out', () => {
  const agg = role('agg', { team: 'a' }, [r('own', 'x')], { clusterRoleSelectors: [{ matchLabels: { team: 'a' } }] });
  const all = [
    agg,
    role('zeta', { team: 'a' }, [r('get', 'pods'), r('list', 'pods')]),
    role('alpha', { team: 'a' }, [r('get', 'pods'), r('get', 'secrets')]),
    role('other', { team: 'b' }, [r('delete', 'pods')]),
  ];
  expect(aggregatedRules(agg, all)).toEqual([r('get', 'pods'), r('get', 'secrets'), r('list', 'pods')]);
});

test('selectors in order, matchExpressions, and no aggregationRule means nothing to aggregate', () => {
  const agg = role('agg', {}, [], {
    clusterRoleSelectors: [{ matchLabels: { b: 'true' } }, { matchExpressions: [{ key: 'a', operator: 'Exists' }] }],
  });
  const all = [agg, role('one', { a: 'x' }, [r('get', 'a')]), role('two', { b: 'true' }, [r('get', 'b')])];
  expect(aggregatedRules(agg, all)).toEqual([r('get', 'b'), r('get', 'a')]);
  expect(aggregatedRules(role('plain', {}, [r('get', 'a')]), all)).toBeUndefined();
  expect(aggregatedRoles(all).map((x) => x.metadata.name)).toEqual(['agg']);
});

test('a selector matching nothing aggregates no rules; sameRules treats none and empty alike', () => {
  const agg = role('agg', {}, [], { clusterRoleSelectors: [{ matchLabels: { none: 'x' } }] });
  expect(aggregatedRules(agg, [agg])).toEqual([]);
  expect(sameRules([], undefined)).toBe(true);
  expect(sameRules([r('get', 'a')], [r('list', 'a')])).toBe(false);
});
