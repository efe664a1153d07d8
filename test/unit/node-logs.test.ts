// The node's log stream over the engine's: frames split anywhere are joined, stdout and stderr merged, limitBytes
// cuts mid-frame and ends the stream (the engine's stream is let go), and a reader that stops reading pauses the
// engine's stream instead of buffering it.
import { PassThrough, Readable } from 'node:stream';
import { plainLog } from '../../src/node/container-logs.js';

const frame = (stream: 1 | 2, text: string) => {
  const data = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
};
const readAll = (r: Readable) =>
  new Promise<string>((resolve, reject) => {
    let s = '';
    r.on('data', (d: Buffer) => (s += d.toString('utf8')));
    r.on('end', () => resolve(s));
    r.on('error', reject);
  });

test('frames split across chunks are joined, stdout and stderr in order', async () => {
  const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
  const chunks = [all.subarray(0, 3), all.subarray(3, 13), all.subarray(13, 30), all.subarray(30)];
  expect(await readAll(plainLog(Readable.from(chunks, { objectMode: false }), false))).toBe('out one\nerr\nout two\n');
});

test('a TTY log is raw bytes', async () => {
  expect(await readAll(plainLog(Readable.from([Buffer.from('raw\r\n')], { objectMode: false }), true))).toBe('raw\r\n');
});

test('limitBytes cuts inside a frame, ends the log and lets the engine stream go', async () => {
  const source = new PassThrough();
  const log = plainLog(source, false, 6);
  source.write(frame(1, 'abcd'));
  source.write(frame(2, 'efgh'));
  expect(await readAll(log)).toBe('abcdef');
  expect(source.destroyed).toBe(true);
});

test('a reader that stops reading pauses the engine stream; reading again resumes it', async () => {
  const source = new PassThrough();
  const log = plainLog(source, true);
  log.pause();
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let i = 0; i < 4 && !source.isPaused(); i++) source.write(chunk);
  await new Promise((r) => setImmediate(r));
  expect(source.isPaused()).toBe(true);
  let got = 0;
  log.on('data', (d: Buffer) => (got += d.length));
  log.resume();
  await new Promise((r) => setTimeout(r, 20));
  expect(source.isPaused()).toBe(false);
  source.end();
  await new Promise((r) => log.on('end', r));
  expect(got).toBeGreaterThanOrEqual(64 * 1024);
});
