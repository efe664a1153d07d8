// The authorizer's view of a request to an aggregated API (RequestInfoFactory's rules over a path this server does
// not serve itself): discovery is a non-resource request; verbs come from the method, the name and ?watch.
import { parseAggregatedPath, requestAttributes } from '../../src/api/aggregator/request-info.js';

const attrs = (method: string, url: string) => {
  const [path, q] = url.split('?');
  return requestAttributes(method, path!, parseAggregatedPath(path!)!, new URLSearchParams(q ?? ''));
};

test('only /apis/<group>/<version>[/...] is an aggregated path', () => {
  expect(parseAggregatedPath('/apis/wardle.example.com')).toBeUndefined();
  expect(parseAggregatedPath('/api/v1/pods')).toBeUndefined();
  expect(parseAggregatedPath('/apis/g.io/v1/namespaces/a%20b/xs')).toEqual({
    group: 'g.io',
    version: 'v1',
    rest: ['namespaces', 'a b', 'xs'],
  });
});

test('discovery is a non-resource request on its path', () => {
  expect(attrs('GET', '/apis/g.io/v1')).toEqual({ verb: 'get', resourceRequest: false, path: '/apis/g.io/v1' });
});

test.each([
  ['GET', '/apis/g.io/v1/namespaces/ns/flunders', { verb: 'list', namespace: 'ns', resource: 'flunders' }],
  ['GET', '/apis/g.io/v1/namespaces/ns/flunders?watch=true', { verb: 'watch', namespace: 'ns', resource: 'flunders' }],
  ['GET', '/apis/g.io/v1/namespaces/ns/flunders/f', { verb: 'get', name: 'f' }],
  ['GET', '/apis/g.io/v1/flunders', { verb: 'list', resource: 'flunders' }],
  ['POST', '/apis/g.io/v1/namespaces/ns/flunders', { verb: 'create' }],
  ['PUT', '/apis/g.io/v1/namespaces/ns/flunders/f/status', { verb: 'update', name: 'f', subresource: 'status' }],
  ['PATCH', '/apis/g.io/v1/fischers/x', { verb: 'patch', resource: 'fischers', name: 'x' }],
  ['DELETE', '/apis/g.io/v1/namespaces/ns/flunders/f', { verb: 'delete' }],
  ['DELETE', '/apis/g.io/v1/namespaces/ns/flunders', { verb: 'deletecollection' }],
  ['GET', '/apis/g.io/v1/namespaces/ns', { verb: 'get', resource: 'namespaces', name: 'ns', namespace: 'ns' }],
])('%s %s', (method, url, want) => {
  expect(attrs(method, url)).toMatchObject({ resourceRequest: true, apiGroup: 'g.io', apiVersion: 'v1', ...want });
});
