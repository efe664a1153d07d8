// The idle trim (src/server/idle-trim.ts): which mappings may be dropped, and the trim itself in this very process.
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { droppableFileMappings, parseSmaps } from '../../src/server/process-mappings.js';
import { startIdleTrim } from '../../src/server/idle-trim.js';

const SMAPS = `00400000-00b6f000 r--p 00000000 fe:00 260689                             /usr/bin/node
Rss:                6836 kB
Anonymous:             0 kB
00b72000-025fe000 r-xp 00772000 fe:00 260689                             /usr/bin/node
Rss:               21552 kB
Anonymous:             0 kB
0563a000-0563e000 r--p 05239000 fe:00 260689                             /usr/bin/node
Rss:                  16 kB
Anonymous:             8 kB
0563e000-0565d000 rw-p 0523d000 fe:00 260689                             /usr/bin/node
Rss:                 124 kB
Anonymous:            92 kB
7f3914000000-7f3914400000 rw-p 00000000 00:00 0
Rss:                1960 kB
Anonymous:          1960 kB
7f3920000000-7f3920010000 r--p 00000000 00:00 0
Rss:                  64 kB
Anonymous:            64 kB
7f3930000000-7f3930008000 rw-s 00000000 fe:00 1234                       /data/state.db-shm
Rss:                  32 kB
Anonymous:             0 kB
7f3940000000-7f3940100000 r-xp 00000000 fe:00 999                        /tmp/gone.so (deleted)
Rss:                 100 kB
Anonymous:             0 kB
7f3950000000-7f3950100000 r-xp 00000000 fe:00 1000                       /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                   0 kB
Anonymous:             0 kB
7f394be40000-7f394bfd2000 r-xp 014c4000 fe:00 260689                     /usr/bin/node
Rss:                 960 kB
Anonymous:             0 kB
`;

describe('process mappings', () => {
  it('parses ranges, permissions, files and page counts', () => {
    const maps = parseSmaps(SMAPS);
    expect(maps).toHaveLength(10);
    expect(maps[0]).toEqual({
      start: 0x400000n,
      end: 0xb6f000n,
      perms: 'r--p',
      inode: '260689',
      path: '/usr/bin/node',
      rssKb: 6836,
      anonymousKb: 0,
    });
    expect(maps[4]).toMatchObject({ perms: 'rw-p', inode: '0', path: '', anonymousKb: 1960 });
  });

  it('drops only resident, unwritten, read-only or executable private pages of files that still exist', () => {
    const dropped = droppableFileMappings(parseSmaps(SMAPS)).map((m) => m.start.toString(16));
    // not: RELRO (written), .data (rw), anonymous memory, a shared file, a deleted file, a mapping with nothing resident
    expect(dropped).toEqual(['400000', 'b72000', '7f394be40000']);
  });
});

describe('startIdleTrim', () => {
  const fileKb = () => Number(/RssFile:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

  it('trims malloc and gives file pages back in an idle process, which then goes on working', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const before = fileKb();
    const trim = startIdleTrim(log, { firstDelayMs: 50, stepMs: 300 });
    await trim.done;
    const after = fileKb();
    const trimmed = lines.find((l) => l.msg === 'idle memory trimmed');
    expect(trimmed).toBeDefined();
    expect(trimmed!.mappings as number).toBeGreaterThan(0);
    expect(trimmed!.fileKb as number).toBeGreaterThan(1000);
    expect(after).toBeLessThan(before);
    // Code and read-only data map back in on use.
    expect(JSON.parse(JSON.stringify({ still: ['working'] }))).toEqual({ still: ['working'] });
  });

  it('stops before it has run', async () => {
    const trim = startIdleTrim(pino({ level: 'silent' }), { firstDelayMs: 60_000, stepMs: 60_000 });
    trim.stop();
    await trim.done;
  });
});
