import { join } from 'node:path';
import { DEFAULT_SERVICE_NETWORK } from '../../src/server/options.js';
import { FlagError, parseDuration, parseServerFlags, serverOptionsOrExit, SERVER_USAGE, type CliIo } from '../../src/cli/flags.js';

const cwd = '/srv/app';

test('defaults', () => {
  expect(parseServerFlags([], {}, cwd)).toEqual({
    dataDir: '/srv/app/.dockube',
    bindAddress: '127.0.0.1',
    port: 6443,
    kubeconfigPath: '/srv/app/.dockube/kubeconfig.yaml',
    dockerHost: 'unix:///var/run/docker.sock',
    eventTtlMs: 3_600_000,
    logLevel: 'info',
    watchCacheBytes: 128 * 1024 * 1024,
    services: DEFAULT_SERVICE_NETWORK,
  });
  expect(parseServerFlags([], { DOCKER_HOST: 'tcp://10.0.0.2:2375' }, cwd)).toMatchObject({ dockerHost: 'tcp://10.0.0.2:2375' });
});

test('both --flag value and --flag=value', () => {
  const a = parseServerFlags(
    [
      '--data-dir',
      'state',
      '--port=7443',
      '--bind-address',
      '0.0.0.0',
      '--event-ttl=2h30m',
      '--log-level',
      'debug',
      '--docker-host=unix:///run/user/1000/docker.sock',
    ],
    { DOCKER_HOST: 'tcp://ignored:1' },
    cwd,
  );
  expect(a).toEqual({
    dataDir: '/srv/app/state',
    bindAddress: '0.0.0.0',
    port: 7443,
    kubeconfigPath: '/srv/app/state/kubeconfig.yaml',
    dockerHost: 'unix:///run/user/1000/docker.sock',
    eventTtlMs: 9_000_000,
    logLevel: 'debug',
    watchCacheBytes: 128 * 1024 * 1024,
    services: DEFAULT_SERVICE_NETWORK,
  });
  expect(parseServerFlags(['--watch-cache-bytes', '64Mi'], {}, cwd)).toMatchObject({ watchCacheBytes: 64 * 1024 * 1024 });
  expect(parseServerFlags(['--watch-cache-bytes=1G'], {}, cwd)).toMatchObject({ watchCacheBytes: 1e9 });
  expect(parseServerFlags(['--watch-cache-bytes=1048576'], {}, cwd)).toMatchObject({ watchCacheBytes: 1048576 });
  expect(parseServerFlags(['--write-kubeconfig', '/tmp/kc.yaml', '--data-dir=/var/lib/dk'], {}, cwd)).toMatchObject({
    dataDir: '/var/lib/dk',
    kubeconfigPath: '/tmp/kc.yaml',
  });
  expect(parseServerFlags(['--write-kubeconfig=rel/kc'], {}, cwd)).toMatchObject({ kubeconfigPath: join(cwd, 'rel/kc') });
});

test('help', () => {
  for (const argv of [['--help'], ['-h'], ['--port', '1', '-h']]) expect(parseServerFlags(argv, {}, cwd)).toEqual({ help: SERVER_USAGE });
  for (const flag of [
    '--data-dir',
    '--bind-address',
    '--port',
    '--write-kubeconfig',
    '--docker-host',
    '--event-ttl',
    '--log-level',
    '--watch-cache-bytes',
    '--help',
  ]) {
    expect(SERVER_USAGE).toContain(flag);
  }
});

test.each([
  [['--nope'], 'unknown flag: --nope'],
  [['--nope=1'], 'unknown flag: --nope'],
  [['-x'], "unknown shorthand flag: 'x' in -x"],
  [['--port'], 'flag needs an argument: --port'],
  [['--port', '--data-dir', 'x'], 'flag needs an argument: --port'],
  [['--help=yes'], 'flag does not take an argument: --help'],
  [['serve'], 'unexpected argument: serve'],
  [['--port', 'abc'], 'invalid argument "abc" for "--port" flag: must be an integer between 0 and 65535'],
  [['--port=70000'], 'invalid argument "70000" for "--port" flag: must be an integer between 0 and 65535'],
  [['--bind-address', 'localhost'], 'invalid argument "localhost" for "--bind-address" flag: not a valid IP address'],
  [['--event-ttl', '1d'], 'invalid argument "1d" for "--event-ttl" flag: time: invalid duration "1d"'],
  ...['0', '-1Mi', '1.5', '100m', 'lots'].map((v): [string[], string] => [
    [`--watch-cache-bytes=${v}`],
    `invalid argument "${v}" for "--watch-cache-bytes" flag: must be a positive whole number of bytes, e.g. 134217728, 128Mi or 1Gi`,
  ]),
  [
    ['--log-level', 'loud'],
    'invalid argument "loud" for "--log-level" flag: must be one of trace, debug, info, warn, error, fatal, silent',
  ],
])('%j is rejected: %s', (argv, message) => {
  expect(() => parseServerFlags(argv, {}, cwd)).toThrow(new FlagError(message));
});

test('durations as Go writes them', () => {
  expect(parseDuration('1h')).toBe(3_600_000);
  expect(parseDuration('1h0m0s')).toBe(3_600_000);
  expect(parseDuration('1.5m')).toBe(90_000);
  expect(parseDuration('250ms')).toBe(250);
  expect(parseDuration('0')).toBe(0);
  for (const bad of ['', '1', 'h', '1h ', '-1h', '1hh']) expect(parseDuration(bad)).toBeUndefined();
});

test('the entry-point helper prints help or the error and exits 0 or 2', () => {
  const out: string[] = [],
    err: string[] = [];
  const io: CliIo = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    exit: (code) => {
      throw new Error(`exit ${code}`);
    },
  };
  expect(() => serverOptionsOrExit(['--bogus'], io)).toThrow('exit 2');
  expect(err.join('')).toBe("Error: unknown flag: --bogus\nRun 'dockube server --help' for usage.\n");
  expect(() => serverOptionsOrExit(['-h'], io)).toThrow('exit 0');
  expect(out.join('')).toBe(SERVER_USAGE);
  expect(serverOptionsOrExit(['--port', '8443'], io).port).toBe(8443);
});

test('service network flags', () => {
  expect(
    parseServerFlags(
      [
        '--service-cidr=10.97.0.0/20',
        '--service-node-port-range',
        '31000-31999',
        '--cluster-domain=corp.example.',
        '--proxy-mode=userspace',
        '--keep-service-rules',
      ],
      {},
      cwd,
    ),
  ).toMatchObject({
    services: {
      cidr: '10.97.0.0/20',
      nodePortMin: 31000,
      nodePortMax: 31999,
      clusterDomain: 'corp.example',
      proxyMode: 'userspace',
      keepRulesOnStop: true,
    },
  });
  for (const [flag, value] of [
    ['service-cidr', '10.96.0.0/8'],
    ['service-cidr', '10.96.0.1/16'],
    ['service-cidr', 'fd00::/108'],
    ['service-node-port-range', '32767-30000'],
    ['service-node-port-range', '80'],
    ['cluster-domain', 'Bad_Domain'],
    ['proxy-mode', 'ipvs'],
  ])
    expect(() => parseServerFlags([`--${flag}=${value}`], {}, cwd)).toThrow(`invalid argument "${value}" for "--${flag}" flag`);
});
