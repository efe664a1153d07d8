// Impersonation headers as the apiserver's WithImpersonation filter reads and authorizes them.
import type { IncomingMessage } from 'node:http';
import { impersonate, impersonationRequests, impersonationAttributes } from '../../src/api/impersonation.js';
import type { Authorizer, RequestAttributes } from '../../src/authorization/types.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import { StatusError } from '../../src/machinery/api/errors.js';

const admin: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const limited: UserInfo = { name: 'x', groups: ['system:authenticated'] };

/** Masters may do anything; "x" may impersonate the user bob and the group dev only. */
const asked: RequestAttributes[] = [];
const authorizer: Authorizer = {
  authorize: (user, attrs) => {
    asked.push(attrs);
    if (user.groups.includes('system:masters')) return { allowed: true };
    const ok =
      attrs.verb === 'impersonate' &&
      ((attrs.resource === 'users' && attrs.name === 'bob') || (attrs.resource === 'groups' && attrs.name === 'dev'));
    return { allowed: ok };
  },
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

const request = (headers: Record<string, string | string[]>): IncomingMessage => {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const distinct = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { url: '/api/v1/pods', headers: { ...lower }, headersDistinct: distinct } as unknown as IncomingMessage;
};

function status(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('no error');
}

beforeEach(() => (asked.length = 0));

test('no headers: the requestor, unchanged, and nothing asked', () => {
  expect(impersonate(request({ accept: 'application/json' }), limited, authorizer)).toBe(limited);
  expect(asked).toEqual([]);
});

test('a user with groups: each authorized, system:authenticated added', () => {
  const req = request({ 'Impersonate-User': 'bob', 'Impersonate-Group': ['dev', 'ops'] });
  expect(impersonate(req, admin, authorizer)).toEqual({ name: 'bob', groups: ['dev', 'ops', 'system:authenticated'] });
  expect(asked.map((a) => `${a.resource}/${a.name}`)).toEqual(['users/bob', 'groups/dev', 'groups/ops']);
  // The headers are consumed.
  expect(req.headers['impersonate-user']).toBeUndefined();
});

test('a service account: serviceaccounts in its namespace, and its groups when none are given', () => {
  const user = impersonate(request({ 'Impersonate-User': 'system:serviceaccount:ns1:sa' }), admin, authorizer);
  expect(user).toEqual({
    name: 'system:serviceaccount:ns1:sa',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
  });
  expect(asked).toEqual([
    { verb: 'impersonate', resourceRequest: true, apiGroup: '', resource: 'serviceaccounts', namespace: 'ns1', name: 'sa' },
  ]);
  // Groups given are the authority.
  const withGroup = impersonate(
    request({ 'Impersonate-User': 'system:serviceaccount:ns1:sa', 'Impersonate-Group': 'g' }),
    admin,
    authorizer,
  );
  expect(withGroup.groups).toEqual(['g', 'system:authenticated']);
  // Not a well-formed service account name: a plain user.
  expect(impersonationRequests({ 'impersonate-user': 'system:serviceaccount:a:b:c' })).toEqual([
    { kind: 'User', name: 'system:serviceaccount:a:b:c' },
  ]);
});

test('extras and uid: userextras/<key> and uids in authentication.k8s.io; keys lower-cased and unescaped', () => {
  const user = impersonate(
    request({
      'Impersonate-User': 'bob',
      'Impersonate-Extra-Scopes': ['view', 'dev'],
      'Impersonate-Extra-Example.com%2fteam': 't',
      'Impersonate-Uid': 'u-1',
    }),
    admin,
    authorizer,
  );
  expect(user).toEqual({
    name: 'bob',
    uid: 'u-1',
    groups: ['system:authenticated'],
    extra: { scopes: ['view', 'dev'], 'example.com/team': ['t'] },
  });
  expect(impersonationAttributes({ kind: 'UserExtra', key: 'scopes', value: 'view' })).toEqual({
    verb: 'impersonate',
    resourceRequest: true,
    apiGroup: 'authentication.k8s.io',
    apiVersion: 'v1',
    resource: 'userextras',
    subresource: 'scopes',
    name: 'view',
  });
  expect(impersonationAttributes({ kind: 'UID', name: 'u-1' })).toMatchObject({
    apiGroup: 'authentication.k8s.io',
    resource: 'uids',
    name: 'u-1',
  });
});

test('system:unauthenticated given keeps system:authenticated out; anonymous gets system:unauthenticated', () => {
  expect(
    impersonate(request({ 'Impersonate-User': 'bob', 'Impersonate-Group': 'system:unauthenticated' }), admin, authorizer).groups,
  ).toEqual(['system:unauthenticated']);
  expect(impersonate(request({ 'Impersonate-User': 'system:anonymous' }), admin, authorizer)).toEqual({
    name: 'system:anonymous',
    groups: ['system:unauthenticated'],
  });
});

test('a part not allowed is the 403 upstream words', () => {
  const e = status(() => impersonate(request({ 'Impersonate-User': 'alice' }), limited, authorizer));
  expect(e.code).toBe(403);
  expect(e.message).toBe('users "alice" is forbidden: User "x" cannot impersonate resource "users" in API group "" at the cluster scope');
  const g = status(() =>
    impersonate(request({ 'Impersonate-User': 'bob', 'Impersonate-Group': ['dev', 'system:masters'] }), limited, authorizer),
  );
  expect(g.message).toBe(
    'groups "system:masters" is forbidden: User "x" cannot impersonate resource "groups" in API group "" at the cluster scope',
  );
  const sa = status(() => impersonate(request({ 'Impersonate-User': 'system:serviceaccount:ns1:sa' }), limited, authorizer));
  expect(sa.message).toBe(
    'serviceaccounts "sa" is forbidden: User "x" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns1"',
  );
  const extra = status(() => impersonate(request({ 'Impersonate-User': 'bob', 'Impersonate-Extra-Scopes': 'v' }), limited, authorizer));
  expect(extra.message).toBe(
    'userextras.authentication.k8s.io "v" is forbidden: User "x" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
  );
  // bob alone is allowed.
  expect(impersonate(request({ 'Impersonate-User': 'bob' }), limited, authorizer).name).toBe('bob');
});

test('groups, extras or a uid without a user: refused before anything is authorized (upstream answers 500)', () => {
  const cases: Record<string, string>[] = [{ 'Impersonate-Group': 'dev' }, { 'Impersonate-Extra-Scopes': 'v' }, { 'Impersonate-Uid': 'u' }];
  for (const h of cases) {
    const e = status(() => impersonate(request(h), admin, authorizer));
    expect(e.code).toBe(500);
    expect(e.message).toMatch(/^Internal Server Error: "\/api\/v1\/pods": requested \[.*\] without impersonating a user$/);
  }
  expect(asked).toEqual([]);
});
