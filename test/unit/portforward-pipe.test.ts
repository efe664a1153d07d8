// One forwarded connection's copy loop with in-memory ends: back-pressure both ways (a client that does not take
// the pod's bytes stops the pod's reads near the high-water mark; a pod that does not take the client's bytes pauses
// the client's connection), half-close in each direction, input held while the node connects, and a reset.
import { Duplex, PassThrough } from 'node:stream';
import { pipeForward, type ForwardChannel, type ForwardListener } from '../../src/api/streams/portforward/pipe.js';
import { HeldInput } from '../../src/api/streams/portforward/held-input.js';

interface FakeChannel extends ForwardChannel {
  sent: Buffer[];
  /** Write callbacks not yet run: the bytes the client has not taken. */
  pending: (() => void)[];
  ended: boolean;
  pauses: number;
  resumes: number;
  on?: ForwardListener;
}

function channel(autoAck: boolean): FakeChannel {
  const ch: FakeChannel = {
    sent: [],
    pending: [],
    ended: false,
    pauses: 0,
    resumes: 0,
    write(d, cb) {
      ch.sent.push(d);
      if (autoAck) setImmediate(cb);
      else ch.pending.push(cb);
    },
    end() {
      ch.ended = true;
    },
    listen(on) {
      ch.on = on;
    },
    pauseInput() {
      ch.pauses++;
    },
    resumeInput() {
      ch.resumes++;
    },
  };
  return ch;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

test("a client that takes nothing stops the pod's reads near the high-water mark; taking resumes them to the end", async () => {
  let produced = 0;
  const total = 10 * 1024 * 1024;
  const pod = new Duplex({
    read() {
      if (produced >= total) return void this.push(null);
      produced += 64 * 1024;
      this.push(Buffer.alloc(64 * 1024, 7));
    },
    write(_c, _e, cb) {
      cb();
    },
  });
  const ch = channel(false);
  const done = pipeForward(pod, ch, undefined, 1024 * 1024);
  await tick();
  await tick();
  // Bounded by the mark plus the stream's own read-ahead, far from the 10 MB on offer.
  expect(produced).toBeLessThan(2 * 1024 * 1024);
  const stalled = produced;
  await tick();
  expect(produced).toBe(stalled);
  // The client takes everything, as it comes.
  while (!ch.ended) {
    ch.pending.splice(0).forEach((cb) => cb());
    await new Promise((r) => setImmediate(r));
  }
  expect(Buffer.concat(ch.sent).length).toBe(total);
  ch.on!.end();
  await done;
});

test("a pod that takes nothing pauses the client's connection; its drain resumes it", async () => {
  const taken: Buffer[] = [];
  let release: (() => void) | undefined;
  const pod = new Duplex({
    read() {},
    highWaterMark: 1024,
    write(c: Buffer, _e, cb) {
      taken.push(c);
      release = cb;
    },
  });
  const ch = channel(true);
  const done = pipeForward(pod, ch);
  ch.on!.data(Buffer.alloc(4096));
  ch.on!.data(Buffer.alloc(4096));
  expect(ch.pauses).toBe(1);
  expect(ch.resumes).toBe(0);
  release!();
  await tick();
  release!();
  await tick();
  expect(ch.resumes).toBe(1);
  ch.on!.end();
  pod.push(null);
  await done;
  expect(taken.length).toBe(2);
});

test('half-close each way: the client FIN ends the pod write side, the pod EOF ends the data stream; then it is over', async () => {
  const fromClient = new PassThrough();
  const toClient = new PassThrough();
  const pod = Duplex.from({ writable: fromClient, readable: toClient });
  const ch = channel(true);
  let outputOver = false;
  const done = pipeForward(pod, ch, () => (outputOver = true));
  let received = '';
  fromClient.on('data', (d: Buffer) => (received += d));
  ch.on!.data(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
  ch.on!.end();
  await tick();
  expect(received).toBe('GET / HTTP/1.0\r\n\r\n');
  expect(fromClient.writableEnded).toBe(true);
  expect(ch.ended).toBe(false);
  toClient.end('HTTP/1.0 200 OK\r\n\r\nhi');
  await done;
  expect(Buffer.concat(ch.sent).toString()).toBe('HTTP/1.0 200 OK\r\n\r\nhi');
  expect(ch.ended).toBe(true);
  expect(outputOver).toBe(true);
});

test('a reset destroys the pod connection at once', async () => {
  const pod = new PassThrough();
  const ch = channel(true);
  const done = pipeForward(pod, ch);
  ch.on!.abort();
  await done;
  expect(pod.destroyed).toBe(true);
});

test('input held while the node connects is replayed in order, and a client writing much pauses until then', async () => {
  let paused = 0;
  let resumed = 0;
  const held = new HeldInput(
    () => paused++,
    () => resumed++,
    8,
  );
  held.data(Buffer.from('abcd'));
  held.data(Buffer.from('efghij'));
  held.end();
  expect(paused).toBe(1);
  const got: string[] = [];
  held.listen({ data: (d) => got.push(d.toString()), end: () => got.push('<end>'), abort: () => got.push('<abort>') });
  expect(got).toEqual(['abcd', 'efghij', '<end>']);
  expect(resumed).toBe(1);
  held.data(Buffer.from('late'));
  expect(got.at(-1)).toBe('late');
  expect(held.aborted).toBe(false);
  const gone = new HeldInput(
    () => undefined,
    () => undefined,
  );
  gone.abort();
  expect(gone.aborted).toBe(true);
});
