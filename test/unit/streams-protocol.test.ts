// Pure parts of the streaming subresources: Docker frame decoding across chunk splits, subprotocol choice,
// Status payloads per protocol version, the exec-failure text, and Docker's `since` format.
import { DockerFrameDecoder } from '../../src/runtime/docker-frames.js';
import { exitCodeStatus, frame, selectProtocol, statusPayload, successStatus } from '../../src/api/streams/channel-protocol.js';
import { execFailureMessage } from '../../src/node/docker-session.js';
import { dockerSince } from '../../src/node/container-logs.js';

const dockerFrame = (stream: number, s: string) => {
  const body = Buffer.from(s);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe('DockerFrameDecoder', () => {
  it('reassembles frames split at any byte and keeps stdout/stderr apart', () => {
    const all = Buffer.concat([dockerFrame(1, 'hello\n'), dockerFrame(2, 'oops\n'), dockerFrame(1, '')]);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new DockerFrameDecoder();
      const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
        [1, 'hello\n'],
        [2, 'oops\n'],
        [1, ''],
      ]);
    }
  });
});

describe('channel protocol', () => {
  it('prefers the highest version offered and ignores others (the bearer-token subprotocol)', () => {
    expect(selectProtocol(['channel.k8s.io', ' v4.channel.k8s.io', 'v5.channel.k8s.io'])).toBe('v5.channel.k8s.io');
    expect(selectProtocol(['base64url.bearer.authorization.k8s.io.eA', 'v4.channel.k8s.io'])).toBe('v4.channel.k8s.io');
    expect(selectProtocol(['v2.channel.k8s.io'])).toBe('v2.channel.k8s.io');
    expect(selectProtocol(['base64.channel.k8s.io'])).toBeUndefined();
  });

  it('prefixes the channel byte', () => {
    expect([...frame(2, 'ab')]).toEqual([2, 97, 98]);
  });

  it('sends a Status JSON for v4/v5 and only failure text before v4', () => {
    const fail = exitCodeStatus(['sh', '-c', 'exit 3'], 3);
    expect(JSON.parse(statusPayload('v4.channel.k8s.io', fail)!.toString())).toMatchObject({
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(statusPayload('v5.channel.k8s.io', successStatus())!.toString()).toBe('{"metadata":{},"status":"Success"}');
    expect(statusPayload('v2.channel.k8s.io', successStatus())).toBeUndefined();
    expect(statusPayload('channel.k8s.io', fail)!.toString()).toBe(
      'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
    );
  });
});

describe('helpers', () => {
  it('extracts the reason from the runtime exec failure text', () => {
    expect(
      execFailureMessage(
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "x": executable file not found in $PATH: unknown\r\n',
      ),
    ).toBe('exec: "x": executable file not found in $PATH');
  });

  it('formats since as seconds with nine-digit nanoseconds', () => {
    expect(dockerSince({ sinceSeconds: 10 }, 1_700_000_000_250)).toBe('1699999990.250000000');
    expect(dockerSince({ sinceTime: new Date('2024-01-02T03:04:05Z') })).toBe('1704164645.000000000');
    expect(dockerSince({})).toBeUndefined();
  });
});
