// The attributes a resource request is authorized with (RequestInfo): the name a list or watch names by fieldSelector.
import { authorizeRequest, nameFromFieldSelector } from '../../src/api/authorization.js';
import { exactFieldValue } from '../../src/authorization/request-name.js';
import type { Authorizer, RequestAttributes } from '../../src/authorization/types.js';
import type { ResourceRequest } from '../../src/api/resource-path.js';
import { secrets } from '../../src/registry/resources/simple-core.js';

test('nameFromFieldSelector: an exact metadata.name requirement, alone or among others', () => {
  expect(nameFromFieldSelector('metadata.name=s1')).toBe('s1');
  expect(nameFromFieldSelector('metadata.name==s1')).toBe('s1');
  expect(nameFromFieldSelector('type=Opaque,metadata.name=s1')).toBe('s1');
  expect(nameFromFieldSelector('metadata.name!=s1')).toBeUndefined();
  expect(nameFromFieldSelector('metadata.namespace=s1')).toBeUndefined();
  expect(nameFromFieldSelector('metadata.name=a/b')).toBeUndefined();
  expect(nameFromFieldSelector(undefined)).toBeUndefined();
});

test('a list or watch by metadata.name is authorized for that name; other verbs keep the path', () => {
  const seen: RequestAttributes[] = [];
  const authorizer: Authorizer = {
    authorize: (_u, a) => (seen.push(a), { allowed: true }),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  };
  const rr = { def: secrets, group: '', version: 'v1', namespace: 'default' } as ResourceRequest;
  const user = { name: 'u', groups: [] };
  authorizeRequest(authorizer, user, 'watch', rr, 'metadata.name=s1');
  authorizeRequest(authorizer, user, 'list', rr, 'type=x');
  authorizeRequest(authorizer, user, 'deletecollection', rr, 'metadata.name=s1');
  expect(seen.map((a) => [a.verb, a.name])).toEqual([
    ['watch', 's1'],
    ['list', undefined],
    ['deletecollection', undefined],
  ]);
});

test('exactFieldValue: = and == requirements of one field', () => {
  expect(exactFieldValue('spec.nodeName=n1', 'spec.nodeName')).toBe('n1');
  expect(exactFieldValue('status.phase!=Failed,spec.nodeName==n1', 'spec.nodeName')).toBe('n1');
  expect(exactFieldValue('spec.nodeName!=n1', 'spec.nodeName')).toBeUndefined();
  expect(exactFieldValue('spec.nodeNameX=n1', 'spec.nodeName')).toBeUndefined();
});
