// audit.k8s.io/v1 Policy: parsing with upstream's refusals, and the first matching rule deciding level and stages.
import { auditConfigFor, parsePolicy } from '../../src/api/audit/policy.js';
import type { RequestAttributes } from '../../src/authorization/types.js';
import type { UserInfo } from '../../src/machinery/api/user.js';

const alice = { name: 'alice', groups: ['dev', 'system:authenticated'] };
const res = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb,
  resourceRequest: true,
  apiGroup: '',
  apiVersion: 'v1',
  resource,
  ...extra,
});
const url = (path: string): RequestAttributes => ({ verb: 'get', resourceRequest: false, path });

const policy = parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    users: ["system:kube-proxy"]
  - level: None
    nonResourceURLs: ["/healthz*", "/version"]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["pods/log", "secrets"]
        resourceNames: ["top"]
  - level: Request
    resources: [{ group: "apps", resources: ["deployments/*"] }]
  - level: Request
    userGroups: ["dev"]
    verbs: ["create", "update"]
    namespaces: ["team"]
    omitStages: ["ResponseComplete"]
  - level: Metadata
    resources: [{ group: "", resources: ["*/status"] }]
  - level: Metadata
    omitStages: ["Panic"]
`);

test.each([
  ['a user rule', { name: 'system:kube-proxy', groups: [] }, res('get', 'pods'), 'None'],
  ['a URL prefix', alice, url('/healthz/etcd'), 'None'],
  ['an exact URL', alice, url('/version'), 'None'],
  ['URL rules never match resources', alice, res('get', 'version'), 'Metadata'],
  ['a subresource with a name', alice, res('get', 'pods', { subresource: 'log', name: 'top' }), 'RequestResponse'],
  ['another name', alice, res('get', 'secrets', { name: 'other' }), 'Metadata'],
  ['resource/*', alice, res('get', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), 'Request'],
  ['resource/* does not match the group elsewhere', alice, res('get', 'deployments', { subresource: 'scale' }), 'Metadata'],
  ['groups, verbs and namespaces', alice, res('create', 'configmaps', { namespace: 'team' }), 'Request'],
  ['another namespace', alice, res('create', 'configmaps', { namespace: 'prod' }), 'Metadata'],
  ['*/status', alice, res('update', 'nodes', { subresource: 'status' }), 'Metadata'],
] as [string, UserInfo, RequestAttributes, string][])('%s', (_what, user, attrs, level) => {
  expect(auditConfigFor(policy, user, attrs).level).toBe(level);
});

test('omitStages: the policy-wide ones and the rule’s', () => {
  expect(auditConfigFor(policy, alice, res('create', 'configmaps', { namespace: 'team' })).omitStages).toEqual([
    'RequestReceived',
    'ResponseComplete',
  ]);
  expect(auditConfigFor(policy, alice, res('get', 'pods')).omitStages).toEqual(['RequestReceived', 'Panic']);
});

test('no matching rule is None', () => {
  expect(auditConfigFor(parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []'), alice, url('/api')).level).toBe('None');
});

test('invalid policies are refused with the field at fault', () => {
  expect(() => parsePolicy('apiVersion: v1\nkind: ConfigMap')).toThrow(/kind\/apiVersion: must be Policy/);
  expect(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Everything}]')).toThrow(
    /rules\[0\]\.level: Unsupported value: "Everything"/,
  );
  expect(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Sometimes]\nrules: []')).toThrow(/omitStages\[0\]/);
  expect(() =>
    parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["/a"], resources: [{group: ""}]}]'),
  ).toThrow(/cannot apply to both/);
  expect(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["a*b"]}]')).toThrow(
    /must begin with a '\/'.*wildcards/,
  );
});
