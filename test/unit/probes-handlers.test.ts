// The network handlers against local servers: httpGet status ranges, redirects (same host followed, other
// host not), headers and Go-style error text; tcpSocket; the grpc health frames; port lookup; pod status.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { httpProbe } from '../../src/reconcilers/kubelet/probes/http-probe.js';
import { tcpProbe } from '../../src/reconcilers/kubelet/probes/tcp-probe.js';
import { healthCheckFrame, healthStatusOf } from '../../src/reconcilers/kubelet/probes/grpc-probe.js';
import { probePort } from '../../src/reconcilers/kubelet/probes/port.js';
import { computePodStatus, viewStatus } from '../../src/reconcilers/kubelet/pod-status.js';
import type { Container, Pod } from '../../src/translate/k8s-types.js';

let server: http.Server;
let port: number;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    const u = req.url ?? '/';
    if (u === '/ok') {
      res.end('fine');
      return;
    }
    if (u === '/fail') {
      res.statusCode = 500;
      res.end('secret body');
      return;
    }
    if (u === '/hop') {
      res.writeHead(302, { location: '/ok' });
      res.end();
      return;
    }
    if (u === '/away') {
      res.writeHead(301, { location: 'http://localhost:1/elsewhere' });
      res.end('moved');
      return;
    }
    if (u === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
      return;
    }
    if (u === '/slow') {
      setTimeout(() => res.end('late'), 1500).unref();
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const get = (path: string, headers: { name: string; value: string }[] = [], timeoutMs = 1000) =>
  httpProbe({ scheme: 'http', host: '127.0.0.1', port, path, headers }, timeoutMs);

describe('httpGet probe', () => {
  test('2xx succeeds with the body; 5xx fails with the status code only', async () => {
    expect(await get('/ok')).toEqual({ result: 'success', output: 'fine' });
    expect(await get('/fail')).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect(await get('/missing')).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
  });

  test('redirects: same host followed, another host ends as a warning, loops stop after 10', async () => {
    expect(await get('/hop')).toEqual({ result: 'success', output: 'fine' });
    expect(await get('/away')).toEqual({ result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
    const loop = await get('/loop');
    expect(loop.result).toBe('failure');
    expect(loop.output).toMatch(/stopped after 10 redirects$/);
  });

  test('headers: kube-probe user agent and Accept by default, httpHeaders and Host override', async () => {
    seen.length = 0;
    await get('/ok');
    expect(seen[0]!['user-agent']).toMatch(/^kube-probe\/1\.\d+$/);
    expect(seen[0]!.accept).toBe('*/*');
    seen.length = 0;
    await get('/ok', [
      { name: 'X-Custom', value: 'v1' },
      { name: 'Host', value: 'example.test' },
      { name: 'User-Agent', value: 'mine' },
    ]);
    expect(seen[0]!['x-custom']).toBe('v1');
    expect(seen[0]!.host).toBe('example.test');
    expect(seen[0]!['user-agent']).toBe('mine');
  });

  test('timeouts and refused connections fail with Go client text', async () => {
    const slow = await get('/slow', [], 200);
    expect(slow).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    const refused = await httpProbe({ scheme: 'http', host: '127.0.0.1', port: 1, path: '/', headers: [] }, 500);
    expect(refused).toEqual({ result: 'failure', output: 'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused' });
  });
});

describe('tcpSocket probe', () => {
  test('open port succeeds, closed port fails like net.Dial', async () => {
    const srv = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const p = (srv.address() as AddressInfo).port;
    expect(await tcpProbe('127.0.0.1', p, 500)).toEqual({ result: 'success', output: '' });
    await new Promise((r) => srv.close(r));
    expect(await tcpProbe('127.0.0.1', p, 500)).toEqual({
      result: 'failure',
      output: `dial tcp 127.0.0.1:${p}: connect: connection refused`,
    });
  });
});

describe('grpc health frames', () => {
  test('request and response encoding', () => {
    expect([...healthCheckFrame('')]).toEqual([0, 0, 0, 0, 0]);
    expect([...healthCheckFrame('ab')]).toEqual([0, 0, 0, 0, 4, 0x0a, 2, 0x61, 0x62]);
    expect(healthStatusOf(Buffer.from([0, 0, 0, 0, 2, 0x08, 1]))).toBe(1);
    expect(healthStatusOf(Buffer.from([0, 0, 0, 0, 2, 0x08, 2]))).toBe(2);
    expect(healthStatusOf(Buffer.from([0, 0, 0, 0, 0]))).toBe(0);
  });
});

describe('probe ports', () => {
  const c = { name: 'web', ports: [{ name: 'http', containerPort: 8080 }] } as Container;
  test('numbers, names, numeric strings, errors', () => {
    expect(probePort(80, c)).toBe(80);
    expect(probePort('http', c)).toBe(8080);
    expect(probePort('9090', c)).toBe(9090);
    expect(() => probePort('nope', c)).toThrow("couldn't find port: nope in web");
    expect(() => probePort(0, c)).toThrow('invalid port number: 0');
  });
});

describe('pod status with probe results', () => {
  const runningInspect = {
    Id: 'abc',
    State: { Status: 'running', Running: true, StartedAt: '2024-01-01T00:00:00Z' },
    Image: 'sha256:1',
  } as never;
  test('not started ⇒ not ready; started follows the startup probe', () => {
    const s1 = viewStatus({ name: 'c', image: 'x', current: runningInspect, restartCount: 0, started: false, ready: true }, 'app');
    expect([s1.started, s1.ready]).toEqual([false, false]);
    const s2 = viewStatus({ name: 'c', image: 'x', current: runningInspect, restartCount: 0, started: true, ready: false }, 'app');
    expect([s2.started, s2.ready]).toEqual([true, false]);
    const s3 = viewStatus({ name: 'c', image: 'x', current: runningInspect, restartCount: 0 }, 'app');
    expect([s3.started, s3.ready]).toEqual([true, true]);
  });
  test('an unready container makes Ready and ContainersReady False with ContainersNotReady', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'n', uid: 'u' },
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    } as unknown as Pod;
    const st = computePodStatus(
      {
        pod,
        sandboxReady: true,
        podIP: '10.0.0.2',
        hostIP: '127.0.0.1',
        now: '2024-01-01T00:00:00Z',
        init: [],
        app: [
          { name: 'b', image: 'x', current: runningInspect, restartCount: 0, ready: false },
          { name: 'a', image: 'x', current: runningInspect, restartCount: 0, ready: true },
        ],
      },
      undefined,
    );
    const cond = (t: string) => st.conditions.find((c: { type: string }) => c.type === t);
    expect(st.phase).toBe('Running');
    for (const t of ['Ready', 'ContainersReady']) {
      expect(cond(t)).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' });
    }
  });
});
