// Rule matching as plugin/pkg/auth/authorizer/rbac/rbac_test.go's TestRuleMatches and evaluation_helpers.go state it.
import { ruleAllows, nonResourceURLMatches, resourceMatches } from '../../src/authorization/rbac/rule-matching.js';
import type { RequestAttributes } from '../../src/authorization/types.js';
import type { PolicyRule } from '../../src/authorization/rbac/types.js';

const req = (verb: string, apiGroup: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  resourceRequest: true,
  apiGroup,
  resource,
  ...extra,
});
const url = (verb: string, path: string): RequestAttributes => ({ verb, resourceRequest: false, path });

const cases: { name: string; rule: PolicyRule; expect: [RequestAttributes, boolean][] }[] = [
  {
    name: 'star verb, exact match other',
    rule: { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] },
    expect: [
      [req('verb1', 'group1', 'resource1'), true],
      [req('verb1', 'group2', 'resource1'), false],
      [req('verb1', 'group1', 'resource2'), false],
      [req('verb2', 'group1', 'resource1'), true],
    ],
  },
  {
    name: 'star group, exact match other',
    rule: { verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] },
    expect: [
      [req('verb1', 'group1', 'resource1'), true],
      [req('verb1', 'group2', 'resource1'), true],
      [req('verb1', 'group1', 'resource2'), false],
      [req('verb2', 'group1', 'resource1'), false],
    ],
  },
  {
    name: 'star resource, exact match other',
    rule: { verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] },
    expect: [
      [req('verb1', 'group1', 'resource1'), true],
      [req('verb1', 'group1', 'resource2'), true],
      [req('verb1', 'group2', 'resource1'), false],
      [req('verb2', 'group1', 'resource1'), false],
    ],
  },
  {
    name: 'tuple expansion',
    rule: { verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] },
    expect: [
      [req('verb1', 'group1', 'resource1'), true],
      [req('verb2', 'group2', 'resource2'), true],
      [req('verb3', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'subresource expansion',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] },
    expect: [
      [req('verb1', 'group1', 'resource1', { subresource: 'subresource1' }), true],
      [req('verb1', 'group2', 'resource1', { subresource: 'subresource2' }), false],
      [req('verb1', 'group1', 'resource2', { subresource: 'subresource1' }), false],
      [req('verb1', 'group1', 'resource1'), false],
    ],
  },
  {
    name: 'a resource does not grant its subresources (pods does not allow pods/status)',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['pods'] },
    expect: [
      [req('get', '', 'pods'), true],
      [req('get', '', 'pods', { subresource: 'status' }), false],
    ],
  },
  {
    name: 'star-slash-subresource matches that subresource of any resource',
    rule: { verbs: ['get', 'update'], apiGroups: ['*'], resources: ['*/scale'] },
    expect: [
      [req('update', 'apps', 'deployments', { subresource: 'scale' }), true],
      [req('get', '', 'replicationcontrollers', { subresource: 'scale' }), true],
      [req('get', 'apps', 'deployments'), false],
      [req('get', 'apps', 'deployments', { subresource: 'status' }), false],
    ],
  },
  {
    name: 'resourceNames limit named requests; a list or a create names nothing',
    rule: { verbs: ['get', 'list', 'create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'] },
    expect: [
      [req('get', '', 'configmaps', { name: 'app-config' }), true],
      [req('get', '', 'configmaps', { name: 'other' }), false],
      [req('list', '', 'configmaps'), false],
      [req('create', '', 'configmaps'), false],
    ],
  },
  {
    name: 'star nonresource',
    rule: { verbs: ['verb1'], nonResourceURLs: ['*'] },
    expect: [
      [url('verb1', '/foo'), true],
      [url('verb1', '/foo/bar/one'), true],
      [url('verb2', '/foo'), false],
    ],
  },
  {
    name: 'star nonresource subpath',
    rule: { verbs: ['verb1'], nonResourceURLs: ['/foo/*'] },
    expect: [
      [url('verb1', '/foo'), false],
      [url('verb1', '/foo/bar'), true],
      [url('verb1', '/foo/baz/one'), true],
      [url('verb1', '/notfoo'), false],
      [url('verb2', '/foo/bar'), false],
    ],
  },
  {
    name: 'exact nonresource',
    rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    expect: [
      [url('get', '/healthz'), true],
      [url('get', '/healthz?verbose'), true],
      [url('get', '/healthz/etcd'), false],
    ],
  },
  {
    name: 'a resource rule never allows a URL, nor a URL rule a resource',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    expect: [
      [url('get', '/api'), false],
      [req('get', '', 'pods'), true],
    ],
  },
];

describe.each(cases)('$name', ({ rule, expect: table }) => {
  test.each(table.map(([a, want]) => [JSON.stringify(a), a, want] as const))('%s', (_label, attrs, want) => {
    expect(ruleAllows(attrs, rule)).toBe(want);
  });
});

test('verbs are compared exactly (GET is not get), as upstream', () => {
  expect(ruleAllows(req('GET', '', 'pods'), { verbs: ['get'], apiGroups: [''], resources: ['pods'] })).toBe(false);
});

test('helpers: star-slash only matches a subresource of the same name, a trailing star is a prefix', () => {
  expect(resourceMatches({ verbs: [], resources: ['*/scale'] }, 'deployments/scales', 'scales')).toBe(false);
  expect(resourceMatches({ verbs: [], resources: ['*/log'] }, 'pods/log', 'log')).toBe(true);
  expect(nonResourceURLMatches({ verbs: [], nonResourceURLs: ['/api*'] }, '/apis/apps')).toBe(true);
});
