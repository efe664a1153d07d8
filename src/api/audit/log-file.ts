// The audit log file as kube-apiserver keeps it through lumberjack (--audit-log-maxsize, --audit-log-maxbackup,
// --audit-log-maxage): appended to; when a write would take it past maxsize megabytes it is renamed to
// `<name>-<UTC time as 2006-01-02T15-04-05.000><ext>` and a new file begun; then backups past the newest maxbackup,
// or older than maxage days, are removed (0: keep them). maxsize 0 is lumberjack's default, 100 megabytes.
import { readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import pino from 'pino';

export interface RotationOptions {
  maxSizeMB?: number;
  maxBackups?: number;
  maxAgeDays?: number;
  /** The clock (tests move it). */
  now?: () => Date;
}

const MEGABYTE = 1024 * 1024;
const DEFAULT_MAX_SIZE_MB = 100;
const DAY_MS = 24 * 3600 * 1000;

/** lumberjack's backup name: the time (UTC, milliseconds, dashes for colons) between the name and its extension. */
export function backupName(path: string, at: Date): string {
  const ext = extname(path);
  const stamp = at.toISOString().replace(/:/g, '-').replace(/Z$/, '');
  return join(dirname(path), `${basename(path, ext)}-${stamp}${ext}`);
}

/** The backups of `path` with the time in their names, newest first. */
function backupsOf(path: string): { file: string; at: number }[] {
  const ext = extname(path);
  const prefix = `${basename(path, ext)}-`;
  const out: { file: string; at: number }[] = [];
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith(ext)) continue;
    const stamp = name.slice(prefix.length, name.length - ext.length);
    const m = /^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d\.\d{3})$/.exec(stamp);
    const at = m ? Date.parse(`${m[1]}:${m[2]}:${m[3]}Z`) : NaN;
    if (!Number.isNaN(at)) out.push({ file: join(dirname(path), name), at });
  }
  return out.sort((a, b) => b.at - a.at);
}

const sizeOf = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

export class AuditLogFile {
  private dest: ReturnType<typeof pino.destination>;
  private size: number;
  private maxBytes: number;
  private now: () => Date;

  constructor(
    private path: string,
    private opts: RotationOptions = {},
  ) {
    this.maxBytes = (opts.maxSizeMB || DEFAULT_MAX_SIZE_MB) * MEGABYTE;
    this.now = opts.now ?? (() => new Date());
    this.size = sizeOf(path);
    // Written synchronously (as kube-apiserver's default blocking audit backend): a rotation then renames a file
    // holding every line so far, and the reopened one gets the rest, in order.
    this.dest = pino.destination({ dest: path, sync: true, mkdir: true, append: true });
  }

  /** Appends one line (with its newline), rotating first when the file would grow past the limit. */
  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    this.dest.write(line);
    this.size += bytes;
  }

  private rotate(): void {
    try {
      renameSync(this.path, backupName(this.path, this.now()));
    } catch {
      return; // removed meanwhile: the next write tries again
    }
    this.dest.reopen();
    this.size = 0;
    this.prune();
  }

  /** lumberjack's mill: only the newest maxBackups backups, none older than maxAge days. */
  private prune(): void {
    const backups = backupsOf(this.path);
    const cutoff = this.now().getTime() - (this.opts.maxAgeDays ?? 0) * DAY_MS;
    backups.forEach((b, i) => {
      const tooMany = !!this.opts.maxBackups && i >= this.opts.maxBackups;
      const tooOld = !!this.opts.maxAgeDays && b.at < cutoff;
      if (tooMany || tooOld) {
        try {
          unlinkSync(b.file);
        } catch {
          // removed meanwhile
        }
      }
    });
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    try {
      this.dest.flushSync();
    } catch {
      // nothing buffered, or the file is not open yet
    }
    this.dest.end();
  }
}
