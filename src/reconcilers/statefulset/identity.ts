// A StatefulSet pod's identity and storage (stateful_set_utils.go): the name `<set>-<ordinal>`, the labels
// statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index, hostname = the pod's name, subdomain = the
// governing service, and one PVC `<claim>-<set>-<ordinal>` per volumeClaimTemplate mounted as the template's volume
// of that name. Pure: builds pods and claims, and says whether an existing pod still has them.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/controller-history.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: `web-2` → ['web', 2]; -1 for a name that is not `<parent>-<number>`. */
export function parentAndOrdinal(podName: string): [string, number] {
  const m = ORDINAL.exec(podName);
  if (!m) return ['', -1];
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? [m[1], n] : ['', -1];
}

export const ordinalOf = (pod: KObject): number => parentAndOrdinal(pod.metadata.name ?? '')[1];
export const podName = (set: KObject, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const claimName = (set: KObject, claim: string, ordinal: number): string => `${claim}-${set.metadata.name}-${ordinal}`;

/** isMemberOf: the pod's name says it belongs to this set. */
export const isMemberOf = (set: KObject, pod: KObject): boolean => parentAndOrdinal(pod.metadata.name ?? '')[0] === set.metadata.name;

/** spec.ordinals.start (0 by default): the first ordinal. */
export const startOrdinal = (set: KObject): number => Number((set as J).spec?.ordinals?.start ?? 0);
export const replicasOf = (set: KObject): number => Number((set as J).spec?.replicas ?? 1);
/** One past the last ordinal the set keeps. */
export const endOrdinal = (set: KObject): number => startOrdinal(set) + replicasOf(set);
export const inOrdinalRange = (set: KObject, ordinal: number): boolean => ordinal >= startOrdinal(set) && ordinal < endOrdinal(set);

export const claimTemplates = (set: KObject): J[] => ((set as J).spec?.volumeClaimTemplates ?? []) as J[];

/** getPodRevision: the revision (a ControllerRevision's name) the pod was made from. */
export const podRevision = (pod: KObject): string => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

/** The pod's claims and its volumes (updateStorage): template volumes of a claim's name give way to the claim. */
function withStorage(set: KObject, pod: J, ordinal: number): void {
  const templates = claimTemplates(set);
  if (!templates.length) return;
  const claimed = new Set(templates.map((c) => c.metadata?.name));
  const volumes: J[] = ((pod.spec.volumes ?? []) as J[]).filter((v) => !claimed.has(v.name));
  for (const c of templates)
    volumes.push({ name: c.metadata?.name, persistentVolumeClaim: { claimName: claimName(set, c.metadata?.name, ordinal) } });
  pod.spec.volumes = volumes;
}

/** updateIdentity: name, namespace, the two labels, hostname and subdomain. */
function withIdentity(set: KObject, pod: J, ordinal: number): void {
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
  pod.spec.hostname = pod.metadata.name;
  const service = (set as J).spec?.serviceName;
  if (service) pod.spec.subdomain = service;
}

/** newStatefulSetPod with setPodRevision: the pod of `ordinal` from `set`'s template, labelled with `revision`. */
export function newStatefulSetPod(set: KObject, ref: OwnerReference, ordinal: number, revision: string): KObject {
  const pod = podFromTemplate((set as J).spec?.template, set, ref) as J;
  delete pod.metadata.generateName;
  withIdentity(set, pod, ordinal);
  withStorage(set, pod, ordinal);
  pod.metadata.labels[CONTROLLER_REVISION_HASH_LABEL] = revision;
  return pod as KObject;
}

/** identityMatches: the pod still carries the identity its name gives it. */
export function identityMatches(set: KObject, pod: KObject): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod.metadata.name ?? '');
  const spec = (pod as J).spec ?? {};
  const service = (set as J).spec?.serviceName;
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name &&
    pod.metadata.labels?.[POD_INDEX_LABEL] === String(ordinal) &&
    spec.hostname === pod.metadata.name &&
    (!service || spec.subdomain === service)
  );
}

/** storageMatches: every claim template is mounted from the pod's own claim. */
export function storageMatches(set: KObject, pod: KObject): boolean {
  const ordinal = ordinalOf(pod);
  const volumes = new Map((((pod as J).spec?.volumes ?? []) as J[]).map((v) => [v.name, v]));
  return claimTemplates(set).every(
    (c) => volumes.get(c.metadata?.name)?.persistentVolumeClaim?.claimName === claimName(set, c.metadata?.name, ordinal),
  );
}

/**
 * The labels-and-hostname part of updateStatefulPod (a pod's spec volumes cannot change after creation, so only
 * metadata is patched): the merge patch that restores the identity, or undefined when nothing is missing.
 */
export function identityPatch(set: KObject, pod: KObject): J | undefined {
  const ordinal = ordinalOf(pod);
  const labels = pod.metadata.labels ?? {};
  const want = { [POD_NAME_LABEL]: pod.metadata.name!, [POD_INDEX_LABEL]: String(ordinal) };
  const missing = Object.entries(want).filter(([k, v]) => labels[k] !== v);
  return missing.length ? { metadata: { labels: Object.fromEntries(missing) } } : undefined;
}

/**
 * getPersistentVolumeClaims: the claims of the pod of `ordinal`: the template's, named `<claim>-<set>-<ordinal>`, with
 * the set's matchLabels added to the template's labels.
 */
export function claimsFor(set: KObject, ordinal: number): KObject[] {
  const matchLabels = ((set as J).spec?.selector?.matchLabels ?? {}) as Record<string, string>;
  return claimTemplates(set).map((c) => {
    const claim = structuredClone(c);
    delete claim.status;
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claim.metadata = {
      ...(claim.metadata ?? {}),
      name: claimName(set, c.metadata?.name, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(c.metadata?.labels ?? {}), ...matchLabels },
    };
    delete claim.metadata.creationTimestamp;
    return claim as KObject;
  });
}
