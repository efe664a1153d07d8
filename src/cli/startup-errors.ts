/** A start-up check failed: the message is the one line to print (exit code 1). */
export class StartupCheckFailed extends Error {}

// System errors that can still reach the entry point after the start-up checks (a race for the port, a disk that
// filled up): one line saying what failed and where, instead of a stack trace.
export function startupErrorLine(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = err.path ?? (err.address !== undefined ? `${err.address}:${err.port}` : '');
  switch (err.code) {
    case 'EADDRINUSE':
      return `${where} is already in use: stop the process holding it or choose another --port`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${where || 'a file or socket'}: fix its permissions or run as a user allowed to use it`;
    case 'EROFS':
      return `${where} is on a read-only file system: choose another --data-dir`;
    case 'ENOSPC':
      return `no space left on the device of ${where || 'the data dir'}: free some space`;
    case 'ENOTDIR':
    case 'EISDIR':
      return `${where}: ${err.code === 'ENOTDIR' ? 'a path component is not a directory' : 'is a directory'}`;
    default:
      return undefined;
  }
}
