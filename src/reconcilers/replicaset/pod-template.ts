// GetPodFromTemplate (controller_utils): the pod a controller creates from its template: the template's labels,
// annotations and finalizers, generateName `<owner>-`, the controller reference, and the template's spec.
import type { KObject, OwnerReference } from '../../machinery/api/meta.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** getPodsPrefix: `<owner>-` (names are at most 253 characters: a longer prefix is cut, as the apiserver would refuse). */
export const podNamePrefix = (ownerName: string): string => `${ownerName}-`.slice(0, 253 - 5);

export function podFromTemplate(template: J | undefined, owner: KObject, ref: OwnerReference): KObject {
  const meta: J = template?.metadata ?? {};
  const metadata: KObject['metadata'] = { generateName: podNamePrefix(owner.metadata.name ?? ''), ownerReferences: [ref] };
  if (meta.labels && Object.keys(meta.labels).length) metadata.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length) metadata.annotations = { ...meta.annotations };
  if (Array.isArray(meta.finalizers) && meta.finalizers.length) metadata.finalizers = [...meta.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(template?.spec ?? {}) };
}
