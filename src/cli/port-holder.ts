// Which process listens on a TCP port, read from /proc as ss(8) does: the socket's inode in /proc/net/tcp{,6},
// then the process holding a file descriptor on `socket:[inode]`. Undefined when /proc cannot tell (another
// user's process when we are not root, or not Linux).
import { readFile, readdir, readlink } from 'node:fs/promises';

const LISTEN = '0A';

/** The inodes of the sockets listening on `port` in a /proc/net/tcp table's text. */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    if (f[1]!.split(':')[1] === hexPort) inodes.push(f[9]!);
  }
  return inodes;
}

export async function portHolder(port: number): Promise<{ pid: number; command: string } | undefined> {
  const inodes = new Set<string>();
  for (const t of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(t, 'utf8').catch(() => '');
    for (const i of listeningInodes(text, port)) if (i !== '0') inodes.add(`socket:[${i}]`);
  }
  if (!inodes.size) return undefined;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (!inodes.has(target)) continue;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      return { pid: Number(pid), command: cmdline.split('\0').filter(Boolean).join(' ').slice(0, 120) };
    }
  }
  return undefined;
}
