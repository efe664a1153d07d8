// The request log and the audit log of a server, from its flags: --request-log-level, --audit-log-path ('-' for
// stdout) and --audit-policy-file. As kube-apiserver, a path without a policy file audits nothing, and a policy file
// that does not parse stops the start-up with its error.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { Logger } from '../log.js';
import type { ServerOptions } from './options.js';
import type { RequestLogLevel } from '../api/request-log.js';
import { parsePolicy, type AuditPolicy } from '../api/audit/policy.js';
import { AuditLogFile } from '../api/audit/log-file.js';

export interface Observability {
  requestLog: { log: object; level: RequestLogLevel };
  audit?: { policy: AuditPolicy; write(line: string): void };
  /** Flushes and closes the audit log. */
  close(): void;
}

/** Reads the policy file and opens the audit log (appending and rotating, as lumberjack does); throws with a one-line reason. */
export function observability(
  opts: Pick<
    ServerOptions,
    'requestLogLevel' | 'auditLogPath' | 'auditPolicyFile' | 'auditLogMaxSize' | 'auditLogMaxBackup' | 'auditLogMaxAge'
  >,
  log: Logger,
): Observability {
  const requestLog = { log, level: opts.requestLogLevel ?? 'info' };
  if (!opts.auditLogPath || !opts.auditPolicyFile) {
    if (opts.auditLogPath) log.warn({ auditLogPath: opts.auditLogPath }, 'no --audit-policy-file: nothing is audited');
    return { requestLog, close: () => undefined };
  }
  let policy: AuditPolicy;
  try {
    policy = parsePolicy(readFileSync(opts.auditPolicyFile, 'utf8'));
  } catch (e) {
    throw new Error(`loading audit policy file "${opts.auditPolicyFile}": ${(e as Error).message}`);
  }
  log.info({ auditLogPath: opts.auditLogPath, rules: policy.rules.length }, 'audit log enabled');
  // Without rotation flags the file grows as before (appended asynchronously; lumberjack would rotate at 100 MB).
  const rotated = [opts.auditLogMaxSize, opts.auditLogMaxBackup, opts.auditLogMaxAge].some((v) => v !== undefined);
  if (opts.auditLogPath === '-' || !rotated) {
    if (opts.auditLogPath !== '-') mkdirSync(dirname(opts.auditLogPath), { recursive: true });
    const dest = pino.destination({ dest: opts.auditLogPath === '-' ? 1 : opts.auditLogPath, sync: false, mkdir: true, append: true });
    return {
      requestLog,
      audit: { policy, write: (line) => void dest.write(`${line}\n`) },
      close: () => {
        try {
          dest.flushSync();
        } catch {
          // nothing buffered, or the stream is not ready yet
        }
        if (opts.auditLogPath !== '-') dest.end();
      },
    };
  }
  mkdirSync(dirname(opts.auditLogPath), { recursive: true });
  // A file is rotated as lumberjack rotates kube-apiserver's (--audit-log-maxsize/-maxbackup/-maxage).
  const file = new AuditLogFile(opts.auditLogPath, {
    maxSizeMB: opts.auditLogMaxSize,
    maxBackups: opts.auditLogMaxBackup,
    maxAgeDays: opts.auditLogMaxAge,
  });
  return { requestLog, audit: { policy, write: (line) => file.write(`${line}\n`) }, close: () => file.close() };
}
