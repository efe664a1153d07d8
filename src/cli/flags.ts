// Command-line flags of `dockube server`, worded like the Kubernetes binaries (pflag) in messages.
import { ipVersion } from '../machinery/ip-literal.js';
import { resolve } from 'node:path';
import { dataDirLayout } from '../data-dir.js';
import { parseArgs } from 'node:util';
import { parseQuantity } from '../machinery/api/quantity.js';
import { validClusterCidr } from './pod-subnet.js';
import { DEFAULT_WATCH_CACHE_BYTES } from '../storage/event-window.js';
import {
  DEFAULT_SERVICE_NETWORK,
  LOG_LEVELS,
  type LogLevel,
  type RequestHeaderNames,
  type ServerOptions,
  type ServiceNetworkOptions,
} from '../server/options.js';

export { LOG_LEVELS, type LogLevel, type ServerOptions } from '../server/options.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** A bad command line: print `message` on stderr and exit with `exitCode` (2, as Go's flag packages do). */
export class FlagError extends Error {
  readonly exitCode = 2;
}

export const SERVER_USAGE = `Usage: dockube server [flags]

Runs the Kubernetes API server and the controllers that run its workloads on Docker.

Flags:
      --data-dir string           Directory for the database, certificates and kubeconfig (default "./.dockube")
      --bind-address string       IP address to serve HTTPS on; 0.0.0.0 or :: for all interfaces (default "127.0.0.1")
      --port int                  Port to serve HTTPS on (default 6443)
      --write-kubeconfig string   Where to write the kubeconfig for this server (default "<data-dir>/kubeconfig.yaml");
                                  rewritten only when its server URL, CA or credentials change
      --write-kubeconfig-mode string
                                  Write the kubeconfig with this (octal) mode, e.g. 644 (default "600")
      --docker-host string        Docker endpoint, e.g. unix:///var/run/docker.sock or tcp://host:2376
                                  (default $DOCKER_HOST, else "unix:///var/run/docker.sock")
      --event-ttl duration        Amount of time to retain events, e.g. 30m, 1h, 2h45m (default 1h0m0s)
      --log-level string          Log level: ${LOG_LEVELS.join(', ')} (default "info")
      --watch-cache-bytes quantity
                                  Most bytes of recent events (as JSON) kept for watches to resume from; the oldest
                                  go first and watches that needed them get 410 Gone, e.g. 64Mi, 1Gi (default "128Mi")
      --service-cidr string       IPv4 range ClusterIPs are allocated from, /12 to /28 (default "10.96.0.0/16")
      --service-node-port-range string
                                  Port range NodePorts are allocated from, inclusive (default "30000-32767")
      --cluster-domain string     DNS domain of the cluster (default "cluster.local")
      --proxy-mode string         How service traffic is carried: auto, iptables, userspace or none (default "auto")
      --keep-service-rules        Leave the service rules in place when the server stops (for upgrades)
      --node-name string          Name of this cluster's node (default: the host name; with the data dir's hash when
                                  another cluster on the Docker engine holds it); kept for the cluster's life
      --cluster-cidr string       IPv4 range of the cluster's own pod network, /8 to /24 (default: the first /16 of
                                  10.244-10.255, then 10.200-10.243, that no Docker network, host route or DNS server
                                  of --resolv-conf uses); kept for the cluster's life
      --resolv-conf string        Resolver configuration file used as the basis for the container DNS resolution
                                  configuration; its DNS servers stay outside pod and service ranges
                                  (default "/etc/resolv.conf")
      --token-auth-file string    If set, the file used to secure the secure port of the API server via token
                                  authentication: CSV lines token,user,uid[,"group1,group2"] (read at start)
      --request-log-level string  Level of the one line logged per request (verb, URI, user, userAgent, status,
                                  latency): info, debug, trace or silent (default "info")
      --audit-log-path string     If set, all requests coming to the apiserver will be logged to this file as
                                  audit.k8s.io/v1 Event JSON lines; '-' means standard out
      --audit-policy-file string  Path to the file that defines the audit policy configuration (audit.k8s.io/v1
                                  Policy); without it nothing is audited
      --audit-log-maxsize int     The maximum size in megabytes of the audit log file before it gets rotated
                                  (0: 100)
      --audit-log-maxbackup int   The maximum number of old audit log files to retain (0: all)
      --audit-log-maxage int      The maximum number of days to retain old audit log files based on the timestamp
                                  encoded in their filename (0: no limit)
      --proxy-client-cert-file string, --proxy-client-key-file string
                                  Client certificate and key the aggregation layer presents to extension API servers
                                  (default: a front-proxy-client certificate generated under the data dir's pki/)
      --requestheader-client-ca-file string
                                  CA that signs --proxy-client-cert-file, published for extension API servers in
                                  kube-system/extension-apiserver-authentication (default: the generated front-proxy CA)
      --requestheader-allowed-names strings
                                  Client certificate common names whose request headers are trusted (here and by
                                  extension servers), comma separated; empty: any (default front-proxy-client)
      --requestheader-username-headers strings, --requestheader-group-headers strings,
      --requestheader-extra-headers-prefix strings
                                  Request headers a front proxy names the user, its groups and extras in
                                  (default X-Remote-User, X-Remote-Group, X-Remote-Extra-)
      --horizontal-pod-autoscaler-sync-period duration
                                  How often each HorizontalPodAutoscaler is synced, e.g. 15s (default 15s)
  -h, --help                      Print this help and exit

Both "--flag value" and "--flag=value" are accepted.
`;

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`1h`, `1h30m`, `90s`, `1.5h`, `0`) into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  // µs and μs (micro sign, Greek mu) escaped: one non-ASCII character makes V8 hold the whole bundle's source as UTF-16.
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/gy;
  let total = 0,
    end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += parseFloat(m[1]!) * UNITS_MS[m[2]!]!;
    end = re.lastIndex;
  }
  return text.length > 0 && end === text.length ? total : undefined;
}

const invalidArg = (value: string, flag: string, why: string) => new FlagError(`invalid argument "${value}" for "--${flag}" flag: ${why}`);

/** Rewords node's parseArgs errors the way pflag reports them. */
function flagErrorFrom(err: unknown): FlagError {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const opt = /--[\w-]+/.exec(msg)?.[0] ?? /'(-[^' ,]+)/.exec(msg)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new FlagError(
        opt?.startsWith('--') || !opt ? `unknown flag: ${opt ?? msg}` : `unknown shorthand flag: '${opt.slice(1)}' in ${opt}`,
      );
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new FlagError(
        /does not take an argument/.test(msg) ? `flag does not take an argument: ${opt ?? msg}` : `flag needs an argument: ${opt ?? msg}`,
      );
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new FlagError(`unexpected argument: ${/'([^']*)'/.exec(msg)?.[1] ?? msg}`);
    default:
      return new FlagError(msg);
  }
}

/**
 * Parses the arguments after `dockube server`. Returns the options, or `{ help }` when help was asked for;
 * throws FlagError for anything malformed.
 */
export function parseServerFlags(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ServerOptions | { help: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        'bind-address': { type: 'string' },
        port: { type: 'string' },
        'write-kubeconfig': { type: 'string' },
        'write-kubeconfig-mode': { type: 'string' },
        'docker-host': { type: 'string' },
        'event-ttl': { type: 'string' },
        'log-level': { type: 'string' },
        'watch-cache-bytes': { type: 'string' },
        'service-cidr': { type: 'string' },
        'service-node-port-range': { type: 'string' },
        'cluster-domain': { type: 'string' },
        'proxy-mode': { type: 'string' },
        'keep-service-rules': { type: 'boolean' },
        'token-auth-file': { type: 'string' },
        'node-name': { type: 'string' },
        'cluster-cidr': { type: 'string' },
        'resolv-conf': { type: 'string' },
        'request-log-level': { type: 'string' },
        'audit-log-path': { type: 'string' },
        'audit-policy-file': { type: 'string' },
        'audit-log-maxsize': { type: 'string' },
        'audit-log-maxbackup': { type: 'string' },
        'audit-log-maxage': { type: 'string' },
        'horizontal-pod-autoscaler-sync-period': { type: 'string' },
        'proxy-client-cert-file': { type: 'string' },
        'proxy-client-key-file': { type: 'string' },
        'requestheader-client-ca-file': { type: 'string' },
        'requestheader-allowed-names': { type: 'string' },
        'requestheader-username-headers': { type: 'string' },
        'requestheader-group-headers': { type: 'string' },
        'requestheader-extra-headers-prefix': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw flagErrorFrom(err);
  }
  if (values.help) return { help: SERVER_USAGE };
  const str = (k: string) => values[k] as string | undefined;

  if (str('data-dir') === '') throw invalidArg('', 'data-dir', 'must not be empty');
  const dataDir = resolve(cwd, str('data-dir') ?? './.dockube');
  const bindAddress = str('bind-address') ?? '127.0.0.1';
  if (!ipVersion(bindAddress)) throw invalidArg(bindAddress, 'bind-address', 'not a valid IP address');

  const portText = str('port') ?? '6443';
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw invalidArg(portText, 'port', 'must be an integer between 0 and 65535');

  const ttlText = str('event-ttl') ?? '1h';
  const eventTtlMs = parseDuration(ttlText);
  if (eventTtlMs === undefined) throw invalidArg(ttlText, 'event-ttl', `time: invalid duration "${ttlText}"`);

  const hpaSyncText = str('horizontal-pod-autoscaler-sync-period');
  const hpaSyncPeriodMs = hpaSyncText === undefined ? undefined : parseDuration(hpaSyncText);
  if (hpaSyncText !== undefined && !hpaSyncPeriodMs)
    throw invalidArg(hpaSyncText, 'horizontal-pod-autoscaler-sync-period', `time: invalid duration "${hpaSyncText}"`);

  // The aggregation layer's front proxy: a certificate given by the user comes with its key and the CA that signed it.
  const proxyFiles = ['proxy-client-cert-file', 'proxy-client-key-file', 'requestheader-client-ca-file'].map((f) => str(f));
  if (proxyFiles.some((f) => f) && !proxyFiles.every((f) => f))
    throw new FlagError('--proxy-client-cert-file, --proxy-client-key-file and --requestheader-client-ca-file must be given together');
  const allowedNames = str('requestheader-allowed-names');
  // The front proxy's header names (comma lists; kubeadm's X-Remote-* when not given).
  const headerList = (k: string) => {
    const v = str(k);
    return v === undefined
      ? undefined
      : v
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean);
  };
  const requestheaderHeaders = Object.fromEntries(
    (
      [
        ['usernameHeaders', 'requestheader-username-headers'],
        ['groupHeaders', 'requestheader-group-headers'],
        ['extraHeadersPrefixes', 'requestheader-extra-headers-prefix'],
      ] as const
    ).flatMap(([key, flag]) => (headerList(flag) ? [[key, headerList(flag)!]] : [])),
  ) as RequestHeaderNames;

  const logLevel = (str('log-level') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalidArg(logLevel, 'log-level', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const cacheText = str('watch-cache-bytes');
  let watchCacheBytes = DEFAULT_WATCH_CACHE_BYTES;
  if (cacheText !== undefined) {
    const n = byteQuantity(cacheText);
    if (n === undefined || n <= 0)
      throw invalidArg(cacheText, 'watch-cache-bytes', 'must be a positive whole number of bytes, e.g. 134217728, 128Mi or 1Gi');
    watchCacheBytes = n;
  }

  const requestLogLevel = str('request-log-level') ?? 'info';
  if (!REQUEST_LOG_LEVELS.includes(requestLogLevel as (typeof REQUEST_LOG_LEVELS)[number]))
    throw invalidArg(requestLogLevel, 'request-log-level', `must be one of ${REQUEST_LOG_LEVELS.join(', ')}`);
  const auditLogPath = str('audit-log-path');
  const auditPolicyFile = str('audit-policy-file');
  // The audit log's rotation (lumberjack's MaxSize, MaxBackups, MaxAge): whole numbers, 0 for the default.
  const rotation = (['maxsize', 'maxbackup', 'maxage'] as const).map((k) => {
    const text = str(`audit-log-${k}`);
    if (text !== undefined && !/^\d+$/.test(text)) throw invalidArg(text, `audit-log-${k}`, 'must be a whole number, 0 or more');
    return text === undefined ? undefined : Number(text);
  });

  const dockerHost = str('docker-host') || env.DOCKER_HOST || DEFAULT_DOCKER_HOST;
  const kubeconfigPath = resolve(cwd, str('write-kubeconfig') ?? dataDirLayout(dataDir).kubeconfig);
  const nodeNameFlag = str('node-name');
  if (nodeNameFlag !== undefined && !(nodeNameFlag.length <= 253 && nodeNameFlag.split('.').every((l) => DNS_LABEL.test(l))))
    throw invalidArg(nodeNameFlag, 'node-name', 'must be a lower-case DNS subdomain, e.g. worker-1');
  const clusterCidr = str('cluster-cidr');
  if (clusterCidr !== undefined && !validClusterCidr(clusterCidr))
    throw invalidArg(clusterCidr, 'cluster-cidr', 'must be an IPv4 CIDR from /8 to /24 without host bits, e.g. 10.244.0.0/16');
  const modeText = str('write-kubeconfig-mode');
  if (modeText !== undefined && !/^0?[0-7]{3}$/.test(modeText))
    throw invalidArg(modeText, 'write-kubeconfig-mode', 'must be an octal file mode such as 600 or 644');
  const services = serviceNetworkFlags(str, values['keep-service-rules'] === true);
  return {
    dataDir,
    bindAddress,
    port,
    kubeconfigPath,
    dockerHost,
    eventTtlMs,
    logLevel: logLevel as LogLevel,
    watchCacheBytes,
    services,
    ...(modeText !== undefined ? { kubeconfigMode: parseInt(modeText, 8) } : {}),
    ...(nodeNameFlag !== undefined ? { nodeName: nodeNameFlag } : {}),
    ...(clusterCidr !== undefined ? { clusterCidr } : {}),
    ...(str('resolv-conf') ? { resolvConf: resolve(cwd, str('resolv-conf')!) } : {}),
    ...(str('token-auth-file') ? { tokenAuthFile: resolve(cwd, str('token-auth-file')!) } : {}),
    ...(hpaSyncPeriodMs ? { hpaSyncPeriodMs } : {}),
    ...(str('request-log-level') ? { requestLogLevel: requestLogLevel as (typeof REQUEST_LOG_LEVELS)[number] } : {}),
    ...(auditLogPath ? { auditLogPath: auditLogPath === '-' ? '-' : resolve(cwd, auditLogPath) } : {}),
    ...(auditPolicyFile ? { auditPolicyFile: resolve(cwd, auditPolicyFile) } : {}),
    ...(rotation[0] !== undefined ? { auditLogMaxSize: rotation[0] } : {}),
    ...(rotation[1] !== undefined ? { auditLogMaxBackup: rotation[1] } : {}),
    ...(rotation[2] !== undefined ? { auditLogMaxAge: rotation[2] } : {}),
    ...(proxyFiles[0]
      ? {
          frontProxy: {
            clientCertFile: resolve(cwd, proxyFiles[0]),
            clientKeyFile: resolve(cwd, proxyFiles[1]!),
            clientCaFile: resolve(cwd, proxyFiles[2]!),
          },
        }
      : {}),
    ...(allowedNames !== undefined ? { requestheaderAllowedNames: allowedNames.split(',').filter(Boolean) } : {}),
    ...(Object.keys(requestheaderHeaders).length ? { requestheaderHeaders } : {}),
  };
}

const PROXY_MODES = ['auto', 'iptables', 'userspace', 'none'] as const;
const REQUEST_LOG_LEVELS = ['info', 'debug', 'trace', 'silent'] as const;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function serviceNetworkFlags(str: (k: string) => string | undefined, keepRulesOnStop: boolean): ServiceNetworkOptions {
  const cidr = str('service-cidr') ?? DEFAULT_SERVICE_NETWORK.cidr;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const bits = m ? Number(m[5]) : NaN;
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || !(bits >= 12 && bits <= 28))
    throw invalidArg(cidr, 'service-cidr', 'must be an IPv4 CIDR with a prefix from /12 to /28, e.g. 10.96.0.0/16');
  const base = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  if (base % 2 ** (32 - bits) !== 0) throw invalidArg(cidr, 'service-cidr', 'has host bits set');

  const rangeText = str('service-node-port-range') ?? `${DEFAULT_SERVICE_NETWORK.nodePortMin}-${DEFAULT_SERVICE_NETWORK.nodePortMax}`;
  const r = /^(\d+)-(\d+)$/.exec(rangeText);
  const [nodePortMin, nodePortMax] = r ? [Number(r[1]), Number(r[2])] : [NaN, NaN];
  if (!(nodePortMin >= 1 && nodePortMin <= nodePortMax && nodePortMax <= 65535))
    throw invalidArg(rangeText, 'service-node-port-range', 'must be a port range such as 30000-32767');

  const clusterDomain = (str('cluster-domain') ?? DEFAULT_SERVICE_NETWORK.clusterDomain).replace(/\.$/, '');
  if (!clusterDomain.split('.').every((l) => DNS_LABEL.test(l)))
    throw invalidArg(clusterDomain, 'cluster-domain', 'must be a DNS domain such as cluster.local');

  const proxyMode = str('proxy-mode') ?? DEFAULT_SERVICE_NETWORK.proxyMode;
  if (!(PROXY_MODES as readonly string[]).includes(proxyMode))
    throw invalidArg(proxyMode, 'proxy-mode', `must be one of ${PROXY_MODES.join(', ')}`);
  return { cidr, nodePortMin, nodePortMax, clusterDomain, proxyMode: proxyMode as ServiceNetworkOptions['proxyMode'], keepRulesOnStop };
}

/** A resource.Quantity of bytes ("128Mi", "1G", "65536") as a whole number; undefined when it is not one. */
function byteQuantity(text: string): number | undefined {
  const q = parseQuantity(text);
  if (!q || q.nanos % 1_000_000_000n !== 0n) return undefined;
  const n = Number(q.nanos / 1_000_000_000n);
  return Number.isSafeInteger(n) ? n : undefined;
}

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  exit(code: number): never;
}

export const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  exit: (code) => process.exit(code),
};

/** For the entry point: the options, or prints help (exit 0) / the error and a hint (exit 2). */
export function serverOptionsOrExit(argv: string[], io: CliIo = processIo): ServerOptions {
  try {
    const parsed = parseServerFlags(argv);
    if ('help' in parsed) {
      io.stdout(parsed.help);
      return io.exit(0);
    }
    return parsed;
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.stderr(`Error: ${err.message}\nRun 'dockube server --help' for usage.\n`);
    return io.exit(err.exitCode);
  }
}
