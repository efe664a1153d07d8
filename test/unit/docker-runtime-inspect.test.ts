// How the Docker runtime reads an engine record into the kubelet's terms: state, exit code, times, network, IPs.
import { fromInspect } from '../../src/runtime/docker-runtime.js';
import type { RuntimeContainer } from '../../src/runtime/container-runtime.js';

const labels = {
  'io.kubernetes.pod.name': 'p',
  'io.kubernetes.pod.namespace': 'ns',
  'io.kubernetes.pod.uid': 'u1',
  'io.kubernetes.container.name': 'app',
  'dockube.io/kind': 'app',
  'dockube.io/attempt': '2',
  'dockube.io/restart-count': '2',
};
const ZERO = '0001-01-01T00:00:00Z';

const inspect = (
  State: RuntimeContainer['inspect']['State'],
  extra: Partial<RuntimeContainer['inspect']> = {},
): RuntimeContainer['inspect'] => ({
  Id: 'c1',
  Image: 'sha256:abc',
  Created: '2026-01-01T00:00:00Z',
  State,
  ...extra,
});

test.each([
  [{ Status: 'running', Running: true }, 'running'],
  [{ Status: 'restarting', Restarting: true }, 'running'],
  [{ Status: 'created' }, 'created'],
  [{ Status: 'exited', ExitCode: 3 }, 'exited'],
  [{ Status: 'dead' }, 'exited'],
  [{ Status: 'paused', Paused: true }, 'unknown'],
  [{ Status: 'removing' }, 'unknown'],
])('%j reads as %s', (state, expected) => {
  expect(fromInspect('c1', labels, inspect(state))!.state).toBe(expected);
});

test('labels, exit code, OOM, times (the zero time is no time), image, network and IPs', () => {
  const c = fromInspect(
    'c1',
    labels,
    inspect(
      { Status: 'exited', ExitCode: 137, OOMKilled: true, StartedAt: '2026-01-01T00:00:01Z', FinishedAt: ZERO },
      {
        HostConfig: { NetworkMode: 'container:sb' },
        NetworkSettings: { Networks: { 'dockube-pods': { IPAddress: '10.244.0.7' }, none: {} } },
      },
    ),
  )!;
  expect(c.key).toEqual(
    expect.objectContaining({ podName: 'p', namespace: 'ns', podUid: 'u1', container: 'app', kind: 'app', attempt: 2 }),
  );
  expect(c.exitCode).toBe(137);
  expect(c.oomKilled).toBe(true);
  expect(c.startedAt).toBe(Date.parse('2026-01-01T00:00:01Z'));
  expect(c.finishedAt).toBeUndefined();
  expect(c.createdAt).toBe(Date.parse('2026-01-01T00:00:00Z'));
  expect(c.imageId).toBe('sha256:abc');
  expect(c.networkMode).toBe('container:sb');
  expect(c.ips).toEqual({ 'dockube-pods': '10.244.0.7' });
});

test('a container without pod labels is not a pod container', () => {
  expect(fromInspect('c1', { foo: 'bar' }, inspect({ Status: 'running', Running: true }))).toBeUndefined();
});
