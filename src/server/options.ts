// What `dockube server` runs with; src/cli/flags.ts reads it from the command line.
import type { RequestHeaderNames } from '../api/request-header-auth.js';
import type { PodNetworkConfig } from '../runtime/pod-network.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerOptions {
  /** Absolute path of the data directory (state, PKI, kubeconfig). */
  dataDir: string;
  bindAddress: string;
  port: number;
  /** Where the kubeconfig is written (absolute). */
  kubeconfigPath: string;
  /** The kubeconfig's file mode (--write-kubeconfig-mode; default 0600). */
  kubeconfigMode?: number;
  /** The node's name (--node-name; the CLI resolves the default, see src/cli/cluster-identity.ts); else the host name. */
  nodeName?: string;
  /** The pod network's range asked for (--cluster-cidr); the CLI turns it into `podNetwork`. */
  clusterCidr?: string;
  /** The host's resolver configuration (kubelet's --resolv-conf; default /etc/resolv.conf): the upstream of pods' DNS,
   * and DNS servers no pod network or service range may cover. */
  resolvConf?: string;
  /** The cluster's own pod network (src/cli/cluster-identity.ts); the shared `dockube-pods` when absent. */
  podNetwork?: PodNetworkConfig;
  /** Called once /readyz answers (the CLI saves the bundle's code cache then: scripts/bundle-loader.cjs). */
  onReady?: () => void;
  /** Docker endpoint: unix:///path, tcp://host:port or npipe://... */
  dockerHost: string;
  /** How long events are kept, in milliseconds. */
  eventTtlMs: number;
  logLevel: LogLevel;
  /** Most bytes of events (by their JSON) the watch window keeps for watches to resume from. */
  watchCacheBytes: number;
  /** Services: address ranges, cluster domain, proxy mode (DEFAULT_SERVICE_NETWORK when absent). */
  services?: ServiceNetworkOptions;
  /** Static bearer tokens (--token-auth-file, kube-apiserver's CSV), read once at start. */
  tokenAuthFile?: string;
  /** How often each HorizontalPodAutoscaler syncs (--horizontal-pod-autoscaler-sync-period; default 15 s). */
  hpaSyncPeriodMs?: number;
  /** Level of the per-request line (--request-log-level; default info, silent for none). */
  requestLogLevel?: 'info' | 'debug' | 'trace' | 'silent';
  /** Audit log file, '-' for stdout (--audit-log-path); nothing is audited without a policy file. */
  auditLogPath?: string;
  /** audit.k8s.io/v1 Policy file (--audit-policy-file). */
  auditPolicyFile?: string;
  /** Megabytes before the audit log file is rotated (--audit-log-maxsize; 0: lumberjack's 100). */
  auditLogMaxSize?: number;
  /** Rotated audit log files kept (--audit-log-maxbackup; 0: all). */
  auditLogMaxBackup?: number;
  /** Days a rotated audit log file is kept (--audit-log-maxage; 0: no limit). */
  auditLogMaxAge?: number;
  /** The aggregation layer's client certificate, key and their CA (--proxy-client-*-file, --requestheader-client-ca-file). */
  frontProxy?: { clientCertFile: string; clientKeyFile: string; clientCaFile: string };
  /** --requestheader-allowed-names (default front-proxy-client). */
  requestheaderAllowedNames?: string[];
  /** --requestheader-username-headers, --requestheader-group-headers, --requestheader-extra-headers-prefix. */
  requestheaderHeaders?: RequestHeaderNames;
}

/** How Services get their addresses and how traffic reaches them (the apiserver's and kube-proxy's flags). */
export interface ServiceNetworkOptions {
  /** IPv4 CIDR ClusterIPs come from (--service-cidr); the first address is `kubernetes`, the tenth `kube-dns`. */
  cidr: string;
  /** Inclusive NodePort range (--service-node-port-range). */
  nodePortMin: number;
  nodePortMax: number;
  /** DNS domain of the cluster (--cluster-domain). */
  clusterDomain: string;
  /**
   * How service traffic is carried on this host (--proxy-mode): iptables (kube-proxy's iptables mode), userspace
   * (a proxy on the pod bridge, for hosts we cannot program), none, or auto (iptables when we can, else userspace).
   */
  proxyMode: 'auto' | 'iptables' | 'userspace' | 'none';
  /** Leave the service rules in place on a clean stop (--keep-service-rules), for upgrades without a gap. */
  keepRulesOnStop: boolean;
}

export const DEFAULT_SERVICE_NETWORK: ServiceNetworkOptions = {
  cidr: '10.96.0.0/16',
  nodePortMin: 30000,
  nodePortMax: 32767,
  clusterDomain: 'cluster.local',
  proxyMode: 'auto',
  keepRulesOnStop: false,
};

export type { RequestHeaderNames };
