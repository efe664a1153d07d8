// The owner side of a controller's event handlers (resolveControllerRef and getPod<Owner>s in the ReplicaSet,
// StatefulSet, DaemonSet and Job controllers): which cached owner an object's controller reference names, and which
// owners might adopt an orphan because their selector matches it.
import type { KObject } from '../../machinery/api/meta.js';
import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/types.js';
import { controllerRefOf } from './claim.js';

export interface OwnerLookup {
  /** resolveControllerRef: the key of the cached owner the object's controller reference names (same kind, group, uid). */
  ownerKeyOf(o: KObject): string | undefined;
  /** The owners in the object's namespace whose selector matches its labels. */
  ownersMatching(o: KObject): string[];
}

const groupOf = (apiVersion: string | undefined) => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');

export function ownerLookup(
  owners: Pick<Informer, 'get' | 'byIndex'>,
  kind: { apiVersion: string; kind: string },
  selectorOf: (owner: KObject) => LabelSelector | undefined,
): OwnerLookup {
  return {
    ownerKeyOf(o) {
      const ref = controllerRefOf(o);
      if (!ref || ref.kind !== kind.kind || groupOf(ref.apiVersion) !== groupOf(kind.apiVersion)) return undefined;
      const owner = owners.get(o.metadata.namespace, ref.name);
      return owner && owner.metadata.uid === ref.uid ? objectKey(owner) : undefined;
    },
    ownersMatching(o) {
      return owners
        .byIndex('namespace', o.metadata.namespace ?? '')
        .filter((owner) => selectorOf(owner)?.matches(o.metadata.labels ?? {}))
        .map(objectKey);
    },
  };
}

/** spec.selector as a LabelSelector; undefined when invalid or, with `nonEmpty`, when it would select everything. */
export function specSelectorOf(owner: KObject, opts: { nonEmpty?: boolean } = {}): LabelSelector | undefined {
  const s = (owner as { spec?: { selector?: LabelSelectorObject } }).spec?.selector;
  if (opts.nonEmpty && (!s || (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length))) return undefined;
  try {
    return labelSelectorFromObject(s);
  } catch {
    return undefined;
  }
}
