// Downward API values (env fieldRef/resourceFieldRef and downwardAPI volume files), as kubelet computes them.
import { parseQuantity } from '../machinery/api/quantity.js';
import { ContainerConfigError } from './errors.js';
import type { Container, Pod, ResourceFieldSelector } from './k8s-types.js';

/** What only the node knows about a pod: its IPs, the host's IP, and allocatable (limits default to it). */
export interface NodeFacts {
  podIP?: string;
  podIPs?: string[];
  hostIP?: string;
  hostIPs?: string[];
  nodeName?: string;
  /** node.status.allocatable; a container without a limit reports this for limits.* */
  allocatable?: Record<string, string | number>;
}

/** Go's %q for the strings Kubernetes puts into labels/annotations files (printable text: JSON's quoting agrees). */
const goQuote = (s: string) => JSON.stringify(s);

/** fieldpath.FormatMap: sorted `key="value"` lines. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote((m as Record<string, string>)[k])}`)
    .join('\n');
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

export function podFieldValue(pod: Pod, fieldPath: string, node: NodeFacts = {}): string {
  const md = pod.metadata;
  switch (fieldPath) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'metadata.labels':
      return formatMap(md.labels);
    case 'metadata.annotations':
      return formatMap(md.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? node.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return node.hostIP ?? pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (node.hostIPs ?? pod.status?.hostIPs?.map((i) => i.ip) ?? (node.hostIP ? [node.hostIP] : [])).join(',');
    case 'status.podIP':
      return node.podIP ?? pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (node.podIPs ?? pod.status?.podIPs?.map((i) => i.ip) ?? (node.podIP ? [node.podIP] : [])).join(',');
  }
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    // Own keys only: metadata.labels['constructor'] is a label or nothing.
    const map = (sub[1] === 'labels' ? md.labels : md.annotations) ?? {};
    return Object.hasOwn(map, sub[2]) ? map[sub[2]] : '';
  }
  throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
}

const ceilDiv = (a: bigint, b: bigint) => (a % b === 0n ? a / b : a / b + (a > 0n ? 1n : 0n));

/** resourceFieldRef value: ceil(quantity / divisor); cpu in millicores against the divisor's millicores. */
export function resourceFieldValue(sel: ResourceFieldSelector, pod: Pod, container: Container | undefined, node: NodeFacts = {}): string {
  const target = sel.containerName
    ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === sel.containerName)
    : container;
  if (!target) throw new ContainerConfigError(`container ${sel.containerName} not found`);
  const [kind, ...rest] = sel.resource.split('.');
  const resource = rest.join('.');
  if (kind !== 'limits' && kind !== 'requests') throw new ContainerConfigError(`unsupported container resource : ${sel.resource}`);
  const own = (list: Record<string, string | number> | undefined) => (list && Object.hasOwn(list, resource) ? list[resource] : undefined);
  let raw = own(target.resources?.[kind]);
  if (raw === undefined && kind === 'limits') raw = own(node.allocatable); // MergeContainerResourceLimits
  const q = parseQuantity(raw ?? 0)?.nanos ?? 0n;
  const div = parseQuantity(sel.divisor ?? 1)?.nanos || 10n ** 9n;
  if (resource === 'cpu') {
    // MilliValue rounds up to whole millicores on both sides before dividing.
    const milli = (n: bigint) => ceilDiv(n, 10n ** 6n);
    return String(ceilDiv(milli(q), milli(div) || 1n));
  }
  return String(ceilDiv(ceilDiv(q, 10n ** 9n), ceilDiv(div, 10n ** 9n) || 1n));
}
