// What `dockube server` runs with; src/cli/flags.ts reads it from the command line.

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerOptions {
  /** Absolute path of the data directory (state, PKI, kubeconfig). */
  dataDir: string;
  bindAddress: string;
  port: number;
  /** Where the kubeconfig is written (absolute). */
  kubeconfigPath: string;
  /** Docker endpoint: unix:///path, tcp://host:port or npipe://... */
  dockerHost: string;
  /** How long events are kept, in milliseconds. */
  eventTtlMs: number;
  logLevel: LogLevel;
  /** Most bytes of events (by their JSON) the watch window keeps for watches to resume from. */
  watchCacheBytes: number;
}
