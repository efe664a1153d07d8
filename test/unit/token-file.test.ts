// --token-auth-file as kube-apiserver's tokenfile authenticator and Go's encoding/csv read it.
import { parseCsv, parseTokenFile } from '../../src/api/token-file.js';
import { parseServerFlags, SERVER_USAGE } from '../../src/cli/flags.js';

test('dockube server --token-auth-file: resolved against the working directory, documented in --help', () => {
  expect(parseServerFlags(['--token-auth-file', 'tokens.csv'], {}, '/work')).toMatchObject({ tokenAuthFile: '/work/tokens.csv' });
  expect(parseServerFlags([], {}, '/work')).not.toHaveProperty('tokenAuthFile');
  expect(SERVER_USAGE).toContain('--token-auth-file string');
});

test('token,user,uid and a quoted group list', () => {
  const f = parseTokenFile('tok1,alice,1001,"dev,qa"\ntok2,bob,1002\n', '/x');
  expect(f.users.get('tok1')).toEqual({ name: 'alice', uid: '1001', groups: ['dev', 'qa'] });
  expect(f.users.get('tok2')).toEqual({ name: 'bob', uid: '1002', groups: [] });
  expect(f.warnings).toEqual([]);
});

test('fewer than three columns fail the load with upstream message', () => {
  expect(() => parseTokenFile('tok1,alice\n', '/etc/tokens.csv')).toThrow(
    "token file '/etc/tokens.csv' must have at least 3 columns (token, user name, user uid), found 2",
  );
});

test('an empty token is skipped, a duplicate keeps the last line; both warned', () => {
  const f = parseTokenFile(',nobody,0\ntok,a,1\ntok,b,2\n', 'f');
  expect(f.users.size).toBe(1);
  expect(f.users.get('tok')?.name).toBe('b');
  expect(f.warnings).toEqual([
    "empty token has been found in token file 'f', record number '1'",
    "duplicate token has been found in token file 'f', record number '3'",
  ]);
});

test('an empty fourth column is one empty group (strings.Split), extra columns are ignored', () => {
  const f = parseTokenFile('t,u,1,,ignored\n', 'f');
  expect(f.users.get('t')?.groups).toEqual(['']);
});

test('CSV as Go reads it: blank lines skipped, CRLF, doubled quotes, quoted newlines', () => {
  expect(parseCsv('a,b\r\n\r\n\n"x""y",z\n"multi\nline",q')).toEqual([
    ['a', 'b'],
    ['x"y', 'z'],
    ['multi\nline', 'q'],
  ]);
});

test('quote errors worded as encoding/csv', () => {
  expect(() => parseCsv('ab"c,d\n')).toThrow('parse error on line 1, column 3: bare " in non-quoted-field');
  expect(() => parseCsv('"ab"c,d\n')).toThrow('parse error on line 1, column 5: extraneous or missing " in quoted-field');
  expect(() => parseTokenFile('t,u,1,"dev\n', 'f')).toThrow(/extraneous or missing " in quoted-field/);
});
