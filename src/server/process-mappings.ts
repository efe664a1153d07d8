// The process's memory mappings as /proc/self/smaps lists them, and which of them may be given back to the page cache.

export interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  inode: string;
  path: string;
  rssKb: number;
  /** Pages of a private file mapping written since (relocations, RELRO): these hold data the file does not. */
  anonymousKb: number;
}

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+)\s*(.*)$/;
const FIELD = /^(Rss|Anonymous):\s+(\d+) kB$/;

export function parseSmaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  let cur: Mapping | undefined;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      cur = { start: BigInt(`0x${h[1]}`), end: BigInt(`0x${h[2]}`), perms: h[3]!, inode: h[4]!, path: h[5]!, rssKb: 0, anonymousKb: 0 };
      out.push(cur);
      continue;
    }
    const f = FIELD.exec(line);
    if (f && cur) cur[f[1] === 'Rss' ? 'rssKb' : 'anonymousKb'] = Number(f[2]);
  }
  return out;
}

/**
 * Read-only or executable private mappings of a file (the node binary, shared libraries, native addons) with resident
 * pages and none written: dropping their pages (MADV_DONTNEED) loses nothing, a later access maps them again from the
 * page cache. Writable, shared, anonymous mappings and those holding written (anonymous) pages are never returned.
 */
export function droppableFileMappings(maps: Mapping[]): Mapping[] {
  return maps.filter(
    (m) =>
      (m.perms === 'r--p' || m.perms === 'r-xp') &&
      m.inode !== '0' &&
      m.path.startsWith('/') &&
      !m.path.endsWith('(deleted)') &&
      m.anonymousKb === 0 &&
      m.rssKb > 0,
  );
}
