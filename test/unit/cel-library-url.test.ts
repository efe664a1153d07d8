// Kubernetes' URL CEL library (src/admission/cel/library/url.ts over go-url.ts), table-driven from upstream's cases
// (apiextensions-apiserver's CEL validation tests and urls.go's examples) and Go net/url's parse rules.
import { celRun } from '../support/cel.js';

const self = { url: 'https://user:pass@kubernetes.io:80/docs/home?k1=a&k2=b&k2=c#anchor' };

const CASES: [string, unknown][] = [
  ["url('/path').getScheme()", ''],
  ["url('https://example.com/').getScheme()", 'https'],
  ["url('HTTPS://example.com/').getScheme()", 'https'],
  ["url('https://example.com:80/').getHost()", 'example.com:80'],
  ["url('https://example.com/').getHost()", 'example.com'],
  ["url('https://[::1]:80/').getHost()", '[::1]:80'],
  ["url('https://[::1]/').getHost()", '[::1]'],
  ["url('/path').getHost()", ''],
  ["url('https://example.com:80/').getHostname()", 'example.com'],
  ["url('https://127.0.0.1/').getHostname()", '127.0.0.1'],
  ["url('https://[::1]/').getHostname()", '::1'],
  ["url('https://[::1]:80/').getHostname()", '::1'],
  ["url('/path').getHostname()", ''],
  ["url('https://example.com:80/').getPort()", '80'],
  ["url('https://example.com/').getPort()", ''],
  ["url('/path').getPort()", ''],
  ["url('https://example.com/path').getEscapedPath()", '/path'],
  ["url('https://example.com/with space/').getEscapedPath()", '/with%20space/'],
  ["url('https://example.com/a%2Fb').getEscapedPath()", '/a%2Fb'],
  ["url('https://example.com').getEscapedPath()", ''],
  ["url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == { 'k1': ['a'], 'k2': ['b', 'c']}", true],
  ["url('https://example.com/path?key with spaces=value with spaces').getQuery() == { 'key with spaces': ['value with spaces']}", true],
  ["url('https://example.com/path?a=1+2&b=%41').getQuery() == { 'a': ['1 2'], 'b': ['A']}", true],
  ["url('https://example.com/path?a=1;b=2&c=3').getQuery() == { 'c': ['3']}", true],
  ["url('https://example.com/path?').getQuery() == {}", true],
  ["url('https://example.com/path').getQuery() == {}", true],
  ["url('https://example.com/path#frag').getEscapedPath()", '/path'],
  ['url(object.url).getScheme()', 'https'],
  ['url(object.url).getHost()', 'kubernetes.io:80'],
  ['url(object.url).getHostname()', 'kubernetes.io'],
  ['url(object.url).getPort()', '80'],
  ['url(object.url).getEscapedPath()', '/docs/home'],
  ["url(object.url).getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}", true],
  ["isURL('https://user:pass@example.com:80/path?query=val#fragment')", true],
  ["isURL('/path')", true],
  ["isURL('/absolute-path')", true],
  ["isURL('mailto:someone@example.com')", true],
  ["isURL('https://a:b:c/')", false],
  ["isURL('../relative-path')", false],
  ["isURL('example.com')", false],
  ["isURL('')", false],
  ["isURL('https://exa mple.com/')", false],
  ["isURL('https://[::1/')", false],
  ["isURL('https://example.com/%zz')", false],
  ["isURL('http://a\\tb/')", false],
  ["isURL('://example.com')", false],
];

const ERRORS: [string, string][] = [
  ["url('https://a:b:c/')", 'URL parse error during conversion from string: parse "https://a:b:c/": invalid port ":c" after host'],
  ["url('../relative-path')", 'URL parse error during conversion from string: parse "../relative-path": invalid URI for request'],
  ["url('https://exa mple.com/')", 'parse "https://exa mple.com/": invalid character " " in host name'],
  ["url('/a%zzb')", `parse "/a%zzb": invalid URL escape "%zz"`],
  ["url('://x')", 'parse "://x": missing protocol scheme'],
];

describe('URL library', () => {
  it.each(CASES)('%s', (expr, want) => expect(celRun(expr, self)).toEqual({ value: want }));
  it.each(ERRORS)('%s fails', (expr, msg) => expect(celRun(expr, self).error).toContain(msg));
});
