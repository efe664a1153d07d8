// kube-apiserver's aggregation flags: --proxy-client-cert-file/--proxy-client-key-file with the CA that signed them
// (--requestheader-client-ca-file), only together; --requestheader-allowed-names a comma list; the help names them.
import { FlagError, parseServerFlags, SERVER_USAGE } from '../../src/cli/flags.js';
import { authenticationData } from '../../src/api/aggregator/authentication-configmap.js';

const cwd = '/srv/app';

test('the front-proxy files come together, resolved against the working directory', () => {
  expect(
    parseServerFlags(
      ['--proxy-client-cert-file', 'fp.crt', '--proxy-client-key-file=fp.key', '--requestheader-client-ca-file', '/etc/fp-ca.crt'],
      {},
      cwd,
    ),
  ).toMatchObject({ frontProxy: { clientCertFile: '/srv/app/fp.crt', clientKeyFile: '/srv/app/fp.key', clientCaFile: '/etc/fp-ca.crt' } });
  expect(() => parseServerFlags(['--proxy-client-cert-file', 'fp.crt'], {}, cwd)).toThrow(FlagError);
  expect(parseServerFlags([], {}, cwd)).not.toHaveProperty('frontProxy');
  expect(SERVER_USAGE).toContain('--requestheader-client-ca-file');
});

test('--requestheader-allowed-names is published as extension servers read it', () => {
  const parsed = parseServerFlags(['--requestheader-allowed-names', 'aggregator,front-proxy-client'], {}, cwd);
  const names = 'requestheaderAllowedNames' in parsed ? parsed.requestheaderAllowedNames : undefined;
  expect(names).toEqual(['aggregator', 'front-proxy-client']);
  const data = authenticationData('CLIENT-CA', 'FP-CA', names);
  expect(data['requestheader-allowed-names']).toBe('["aggregator","front-proxy-client"]');
  expect(authenticationData('CLIENT-CA', 'FP-CA')).toMatchObject({
    'client-ca-file': 'CLIENT-CA',
    'requestheader-client-ca-file': 'FP-CA',
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  });
});

test('the front proxy header names come from their flags, comma lists, and are published as extension servers read them', () => {
  const parsed = parseServerFlags(
    ['--requestheader-username-headers', 'X-User, X-Remote-User', '--requestheader-extra-headers-prefix=X-Extra-'],
    {},
    cwd,
  );
  const headers = 'requestheaderHeaders' in parsed ? parsed.requestheaderHeaders : undefined;
  expect(headers).toEqual({ usernameHeaders: ['X-User', 'X-Remote-User'], extraHeadersPrefixes: ['X-Extra-'] });
  expect(authenticationData('CLIENT-CA', 'FP-CA', undefined, headers)).toMatchObject({
    'requestheader-username-headers': '["X-User","X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Extra-"]',
  });
  expect(parseServerFlags([], {}, cwd)).not.toHaveProperty('requestheaderHeaders');
  expect(SERVER_USAGE).toContain('--requestheader-username-headers');
});
