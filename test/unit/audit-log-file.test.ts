// The audit log file's rotation as lumberjack does it for kube-apiserver (--audit-log-maxsize/-maxbackup/-maxage):
// renamed to <name>-<time><ext> past the size, only the newest backups kept, old ones removed, every line kept.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogFile, backupName } from '../../src/api/audit/log-file.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ok()).toBe(true);
};

test('backup names carry the UTC time as lumberjack writes it', () => {
  expect(backupName('/var/log/audit.log', new Date('2026-12-04T06:01:02.003Z'))).toBe('/var/log/audit-2026-12-04T06-01-02.003.log');
});

test('past maxsize the file is rotated; maxbackup keeps the newest backups, maxage drops old ones; no line is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockube-audit-'));
  dirs.push(dir);
  const path = join(dir, 'audit.log');
  const old = backupName(path, new Date('2020-01-01T00:00:00.000Z'));
  writeFileSync(old, 'ancient\n');
  let clock = Date.parse('2026-12-04T06:00:00.000Z');
  const file = new AuditLogFile(path, { maxSizeMB: 1, maxBackups: 2, maxAgeDays: 30, now: () => new Date((clock += 1000)) });
  const line = (i: number) => `${JSON.stringify({ n: i, pad: 'x'.repeat(1000) })}\n`;
  const total = 4200; // about 4.1 MiB: four rotations at 1 MiB
  for (let i = 0; i < total; i++) {
    file.write(line(i));
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  file.close();
  const backups = () => readdirSync(dir).filter((n) => n !== 'audit.log');
  await until(() => backups().length === 2);
  expect(backups()).not.toContain(old.slice(dir.length + 1)); // older than maxage, and beyond maxbackup
  // The newest two backups and the current file hold the last lines in order, each at most 1 MiB.
  await until(() => readFileSync(path, 'utf8').endsWith(line(total - 1)));
  const texts = [...backups().sort(), 'audit.log'].map((n) => readFileSync(join(dir, n), 'utf8'));
  for (const t of texts) expect(Buffer.byteLength(t)).toBeLessThanOrEqual(1024 * 1024);
  const numbers = texts.flatMap((t) => t.trim().split('\n')).map((l) => (JSON.parse(l) as { n: number }).n);
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  expect(numbers.at(-1)).toBe(total - 1);
});
