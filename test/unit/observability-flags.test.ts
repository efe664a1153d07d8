// --request-log-level, --audit-log-path and --audit-policy-file: parsed, resolved, refused when malformed; a policy
// file that does not parse stops the start-up with its path and reason.
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseServerFlags, FlagError } from '../../src/cli/flags.js';
import { observability } from '../../src/server/observability.js';

const parse = (...args: string[]) => parseServerFlags(args, {}, '/work') as Exclude<ReturnType<typeof parseServerFlags>, { help: string }>;

test('defaults: request lines at info, no audit', () => {
  const o = parse();
  expect(o.requestLogLevel).toBeUndefined(); // info (observability.ts)
  expect(o.auditLogPath).toBeUndefined();
});

test('paths resolve against the working directory; - stays standard out', () => {
  expect(parse('--audit-log-path', 'logs/audit.log', '--audit-policy-file=p.yaml')).toMatchObject({
    auditLogPath: '/work/logs/audit.log',
    auditPolicyFile: '/work/p.yaml',
  });
  expect(parse('--audit-log-path=-').auditLogPath).toBe('-');
  expect(parse('--request-log-level', 'silent').requestLogLevel).toBe('silent');
});

test('an unknown request log level is refused as pflag words it', () => {
  expect(() => parse('--request-log-level', 'loud')).toThrow(FlagError);
  expect(() => parse('--request-log-level', 'loud')).toThrow('invalid argument "loud" for "--request-log-level" flag');
});

test('the audit log rotation flags: whole numbers as kube-apiserver takes them', () => {
  expect(parse('--audit-log-maxsize=5', '--audit-log-maxbackup', '3', '--audit-log-maxage=0')).toMatchObject({
    auditLogMaxSize: 5,
    auditLogMaxBackup: 3,
    auditLogMaxAge: 0,
  });
  expect(parse().auditLogMaxSize).toBeUndefined();
  expect(() => parse('--audit-log-maxsize', '1.5')).toThrow('invalid argument "1.5" for "--audit-log-maxsize" flag');
  expect(() => parse('--audit-log-maxage=-1')).toThrow(FlagError);
});

test('the audit log is appended to; a bad policy stops the start-up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockube-audit-'));
  const policy = join(dir, 'policy.yaml');
  const out = join(dir, 'sub', 'audit.log');
  const log = pino({ level: 'silent' });
  writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Sometimes}]\n');
  expect(() => observability({ auditLogPath: out, auditPolicyFile: policy }, log)).toThrow(
    `loading audit policy file "${policy}": invalid audit policy: rules[0].level: Unsupported value: "Sometimes"`,
  );
  writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n');
  const o = observability({ auditLogPath: out, auditPolicyFile: policy }, log);
  o.audit!.write('{"a":1}');
  o.close();
  // The destination opens and writes asynchronously: on a loaded machine that takes well over 50 ms.
  const written = () => (existsSync(out) ? readFileSync(out, 'utf8') : '');
  for (let i = 0; i < 100 && written() !== '{"a":1}\n'; i++) await new Promise((r) => setTimeout(r, 50));
  expect(written()).toBe('{"a":1}\n');
  expect(observability({ auditLogPath: out }, log).audit).toBeUndefined();
});
