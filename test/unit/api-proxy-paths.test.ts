// The proxy subresources' pure parts: their paths, utilnet.SplitSchemeNamePort, the verb of a method, and the
// Location rewriting of apimachinery's proxy transport (rewriteURL), case by case.
import { parseProxyPath, proxyVerb, splitSchemeNamePort } from '../../src/api/proxy/proxy-path.js';
import { rewriteLocation } from '../../src/api/proxy/rewrite.js';

test('proxy paths of pods, services and nodes, the rest kept escaped', () => {
  expect(parseProxyPath('/api/v1/namespaces/ns/pods/web:8080/proxy/a%20b/c')).toEqual({
    resource: 'pods',
    namespace: 'ns',
    id: 'web:8080',
    path: '/a%20b/c',
  });
  expect(parseProxyPath('/api/v1/namespaces/ns/services/https:web:443/proxy')).toEqual({
    resource: 'services',
    namespace: 'ns',
    id: 'https:web:443',
    path: '',
  });
  expect(parseProxyPath('/api/v1/nodes/n1/proxy/healthz')).toEqual({ resource: 'nodes', namespace: undefined, id: 'n1', path: '/healthz' });
  expect(parseProxyPath('/api/v1/namespaces/ns/configmaps/x/proxy/')).toBeUndefined();
  expect(parseProxyPath('/api/v1/namespaces/ns/pods/web/exec')).toBeUndefined();
  expect(parseProxyPath('/apis/apps/v1/namespaces/ns/pods/web/proxy/')).toBeUndefined();
});

test('SplitSchemeNamePort: name, name:port, scheme:name:port with http or https only', () => {
  expect(splitSchemeNamePort('web')).toEqual({ scheme: '', name: 'web', port: '' });
  expect(splitSchemeNamePort('web:http')).toEqual({ scheme: '', name: 'web', port: 'http' });
  expect(splitSchemeNamePort('https:web:443')).toEqual({ scheme: 'https', name: 'web', port: '443' });
  expect(splitSchemeNamePort('ftp:web:21')).toBeUndefined();
  expect(splitSchemeNamePort(':80')).toBeUndefined();
  expect(splitSchemeNamePort('a:b:c:d')).toBeUndefined();
});

test("the request's verb: the apiserver's mapping of methods, others lower-cased", () => {
  expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map(proxyVerb)).toEqual([
    'get',
    'get',
    'create',
    'update',
    'patch',
    'delete',
    'options',
  ]);
});

describe('Location rewriting (rewriteURL)', () => {
  const prefix = '/api/v1/namespaces/ns/services/web:80/proxy';
  const backend = '10.244.0.5:8080';
  const client = '127.0.0.1:8001';
  const rw = (l: string) => rewriteLocation(l, backend, client, prefix);

  test("the backend's own host becomes a path under the proxy, query and fragment kept", () => {
    expect(rw('http://10.244.0.5:8080/login?next=%2Fa#top')).toBe(`${prefix}/login?next=%2Fa#top`);
  });
  test('an absolute path goes under the proxy, its trailing slash kept', () => {
    expect(rw('/dir/')).toBe(`${prefix}/dir/`);
    expect(rw('/')).toBe(`${prefix}/`);
  });
  test("a URL on the client's own host keeps its scheme and host", () => {
    expect(rw('http://127.0.0.1:8001/x')).toBe(`http://127.0.0.1:8001${prefix}/x`);
  });
  test('a path already under the proxy prefix is not prefixed twice', () => {
    expect(rw(`${prefix}/x?y=1`)).toBe(`${prefix}/x?y=1`);
    expect(rw(`http://10.244.0.5:8080${prefix}/x`)).toBe(`${prefix}/x`);
  });
  test('another host and a relative reference are left alone', () => {
    expect(rw('https://example.com/x')).toBe('https://example.com/x');
    expect(rw('next/page')).toBe('next/page');
    expect(rw('../up')).toBe('../up');
  });
});
