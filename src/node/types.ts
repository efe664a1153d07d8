// The node side of the streaming subresources and of usage stats: what the kubelet serves on its port 10250
// (/containerLogs, /exec, /attach, /portForward, /stats) and the API server proxies to. In process there is one node
// over its Docker engine (docker-node.ts); a node agent will serve the same over HTTPS. The API layer finds the pod's
// node by spec.nodeName and asks that node, never an engine of its own.
import type { Duplex, Readable, Writable } from 'node:stream';
import type { KObject } from '../machinery/api/meta.js';
import type { UsageSnapshot } from '../metrics/collector.js';

export interface PodContainerSpec {
  name: string;
  stdin?: boolean;
  tty?: boolean;
}
interface ContainerStatusLike {
  name: string;
  state?: { waiting?: { reason?: string } };
}
/** The parts of a Pod the node reads to find and describe its containers. */
export interface PodLike extends KObject {
  spec?: {
    containers?: PodContainerSpec[];
    initContainers?: PodContainerSpec[];
    ephemeralContainers?: PodContainerSpec[];
    nodeName?: string;
  };
  status?: {
    podIP?: string;
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
    ephemeralContainerStatuses?: ContainerStatusLike[];
  };
}

/** PodLogOptions as the kubelet takes them (validated by the API server). */
export interface ContainerLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
}

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** How an exec or attach ended: exec's exit code, or why its process could not start; attach reports neither. */
export interface SessionResult {
  exitCode?: number;
  error?: string;
}

/** One exec or attach: the process's streams, its terminal size, and how it ended. */
export interface StreamSession {
  /** Present when stdin was asked for (and, for attach, the container keeps it open); end() is EOF. */
  stdin?: Writable;
  stdout?: Readable;
  /** Absent with a TTY: the terminal merges it into stdout. */
  stderr?: Readable;
  /** Whether the session has a terminal (attach: the container's own), so resize applies. */
  tty: boolean;
  /** Best effort: the engine refuses it once the process is gone. */
  resize(size: { width: number; height: number }): void;
  /** Settles after stdout and stderr have ended. */
  result: Promise<SessionResult>;
  /** Ends the session early (the client went away). */
  close(): void;
}

/** One node's streaming endpoints, as the kubelet's server offers them. Errors are StatusErrors with the kubelet's text. */
export interface NodeConnection {
  readonly nodeName: string;
  /** The container's log as plain bytes (stdout and stderr merged), ending when the log does (or at limitBytes). */
  containerLogs(pod: PodLike, container: string, options: ContainerLogOptions): Promise<Readable>;
  exec(pod: PodLike, container: string, command: string[], options: StreamOptions): Promise<StreamSession>;
  attach(pod: PodLike, container: string, options: StreamOptions): Promise<StreamSession>;
  /** A TCP connection to the pod's port on the pod network. */
  portForward(pod: PodLike, port: number): Promise<Duplex>;
  /** Usage of the node and of its pods' containers (what metrics-server reads from /metrics/resource). */
  stats(): Promise<UsageSnapshot>;
}

/** The API server's view of the nodes it can reach: a connection by node name, undefined when it has none. */
export type NodeLookup = (nodeName: string) => NodeConnection | undefined;

/** A lookup over fixed connections (the single local node in process). */
export function nodeLookup(...nodes: NodeConnection[]): NodeLookup {
  const byName = new Map(nodes.map((n) => [n.nodeName, n]));
  return (name) => byName.get(name);
}
