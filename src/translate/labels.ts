// Labels on every container we create. The io.kubernetes.* names are the ones kubelet's Docker
// integration used (so tools that know them work); com.docker.compose.* make pods show up as compose
// projects (project = namespace, which the Docker runtime prefixes with its cluster; service = pod);
// dockube.io/* carry what the runtime needs to rebuild its state from Docker alone after a restart.
import { createHash } from 'node:crypto';
import type { Container, Pod } from './k8s-types.js';
import { INFRA_CONTAINER_NAME } from './names.js';

export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
export const LABEL_COMPOSE_PROJECT = 'com.docker.compose.project';
export const LABEL_COMPOSE_SERVICE = 'com.docker.compose.service';
export const LABEL_COMPOSE_NUMBER = 'com.docker.compose.container-number';
export const LABEL_COMPOSE_ONEOFF = 'com.docker.compose.oneoff';
/** Marks every container (and volume) dockube manages: the filter for lists and events. */
export const LABEL_MANAGED = 'dockube.io/managed';
export const LABEL_KIND = 'dockube.io/kind'; // infra | init | app | ephemeral
export const LABEL_RESTART_COUNT = 'dockube.io/restart-count';
export const LABEL_ATTEMPT = 'dockube.io/attempt';
export const LABEL_HASH = 'dockube.io/container-hash';
export const LABEL_GRACE_PERIOD = 'dockube.io/termination-grace-period';
export const LABEL_TERMINATION_MESSAGE_PATH = 'dockube.io/termination-message-path';
export const LABEL_TERMINATION_MESSAGE_POLICY = 'dockube.io/termination-message-policy';
export const LABEL_CONTAINER_INDEX = 'dockube.io/container-index';

export type ContainerKind = 'infra' | 'init' | 'app' | 'ephemeral';

/** JSON with sorted object keys, so equal specs hash equally whatever their key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A short hash of the container spec: a changed hash means the running container is out of date (kubelet's container hash). */
export function containerHash(container: Container): string {
  return createHash('sha256').update(canonicalJson(container)).digest('hex').slice(0, 16);
}

export function podLabels(pod: Pod): Record<string, string> {
  const { name = '', namespace = '', uid = '' } = pod.metadata;
  return {
    [LABEL_POD_NAME]: name,
    [LABEL_POD_NAMESPACE]: namespace,
    [LABEL_POD_UID]: uid,
    [LABEL_COMPOSE_PROJECT]: namespace,
    [LABEL_COMPOSE_SERVICE]: name,
    [LABEL_COMPOSE_ONEOFF]: 'False',
    [LABEL_MANAGED]: 'true',
    [LABEL_GRACE_PERIOD]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
  };
}

export interface ContainerLabelOptions {
  attempt?: number;
  restartCount?: number;
}

/** Labels of the infra container; compose sees it as container number 0 of the pod's service. */
export function infraLabels(pod: Pod, opts: ContainerLabelOptions = {}): Record<string, string> {
  return {
    ...podLabels(pod),
    [LABEL_CONTAINER_NAME]: INFRA_CONTAINER_NAME,
    [LABEL_COMPOSE_NUMBER]: '0',
    [LABEL_KIND]: 'infra',
    [LABEL_ATTEMPT]: String(opts.attempt ?? 0),
    [LABEL_RESTART_COUNT]: String(opts.restartCount ?? 0),
  };
}

/** Labels of an app or init container. index is its 0-based position in its list. */
export function containerLabels(
  pod: Pod,
  container: Container,
  kind: Exclude<ContainerKind, 'infra'>,
  index: number,
  opts: ContainerLabelOptions = {},
): Record<string, string> {
  return {
    ...podLabels(pod),
    [LABEL_CONTAINER_NAME]: container.name,
    [LABEL_COMPOSE_NUMBER]: String(index + 1),
    [LABEL_KIND]: kind,
    [LABEL_CONTAINER_INDEX]: String(index),
    [LABEL_ATTEMPT]: String(opts.attempt ?? 0),
    [LABEL_RESTART_COUNT]: String(opts.restartCount ?? 0),
    [LABEL_HASH]: containerHash(container),
    [LABEL_TERMINATION_MESSAGE_PATH]: container.terminationMessagePath ?? '/dev/termination-log',
    [LABEL_TERMINATION_MESSAGE_POLICY]: container.terminationMessagePolicy ?? 'File',
  };
}

export interface ContainerKey {
  podName: string;
  namespace: string;
  podUid: string;
  container: string;
  kind: ContainerKind;
  attempt: number;
  restartCount: number;
  hash?: string;
  index?: number;
  terminationGracePeriodSeconds?: number;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
}

const int = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** Reads back what the labels say; undefined when the container is not one of ours. */
export function containerKeyFromLabels(labels: Record<string, string> | undefined | null): ContainerKey | undefined {
  if (!labels) return undefined;
  const podName = labels[LABEL_POD_NAME];
  const namespace = labels[LABEL_POD_NAMESPACE];
  const podUid = labels[LABEL_POD_UID];
  const container = labels[LABEL_CONTAINER_NAME];
  if (!podName || !namespace || !podUid || !container) return undefined;
  const kindLabel = labels[LABEL_KIND] as ContainerKind | undefined;
  const kind: ContainerKind =
    kindLabel && ['infra', 'init', 'app', 'ephemeral'].includes(kindLabel)
      ? kindLabel
      : container === INFRA_CONTAINER_NAME
        ? 'infra'
        : 'app';
  return {
    podName,
    namespace,
    podUid,
    container,
    kind,
    attempt: int(labels[LABEL_ATTEMPT]) ?? 0,
    restartCount: int(labels[LABEL_RESTART_COUNT]) ?? 0,
    hash: labels[LABEL_HASH],
    index: int(labels[LABEL_CONTAINER_INDEX]),
    terminationGracePeriodSeconds: int(labels[LABEL_GRACE_PERIOD]),
    terminationMessagePath: labels[LABEL_TERMINATION_MESSAGE_PATH],
    terminationMessagePolicy: labels[LABEL_TERMINATION_MESSAGE_POLICY],
  };
}

/** Label filters for dockerode list/events calls (`filters: { label: [...] }`). */
export function podLabelFilter(pod: { uid?: string; namespace?: string; name?: string }): string[] {
  const f = [`${LABEL_MANAGED}=true`];
  if (pod.uid) f.push(`${LABEL_POD_UID}=${pod.uid}`);
  if (pod.namespace) f.push(`${LABEL_POD_NAMESPACE}=${pod.namespace}`);
  if (pod.name) f.push(`${LABEL_POD_NAME}=${pod.name}`);
  return f;
}
