// The /status subresource's strategy: take status from the request, everything else from what is stored.
import type { KObject, Strategy } from '../../types.js';
import { clone } from '../../../machinery/api/equality.js';
import { validateObjectMetaUpdate } from './meta.js';

/**
 * Mutates `obj` so that only its status differs from `old` (spec, labels, annotations... come back from `old`).
 * metadata identity fields the store manages are left as the store sets them.
 */
export function prepareStatusUpdate(obj: KObject, old: KObject): void {
  keepStoredBody(obj, old);
  // Status writers may not change labels, annotations, finalizers or owners either.
  const m: Record<string, unknown> = obj.metadata ?? {};
  for (const f of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (old.metadata?.[f] === undefined) delete m[f];
    else m[f] = clone(old.metadata[f]);
  }
  obj.metadata = m as KObject['metadata'];
}

/** Everything but metadata and status comes back from `old`. */
function keepStoredBody(obj: KObject, old: KObject): void {
  const status = obj.status;
  for (const k of Object.keys(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') delete obj[k];
  for (const [k, v] of Object.entries(old)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') obj[k] = clone(v);
  if (status !== undefined) obj.status = status;
  else delete obj.status;
}

/**
 * A status strategy for a kind: prepareStatusUpdate plus metadata update rules; never moves generation.
 * `keepsRequestLabels`: the write's labels and annotations stay (upstream status strategies that only put the spec
 * back, as Ingress's), instead of ResetObjectMetaForStatus.
 */
export function statusStrategy(extra?: Pick<Strategy, 'validateUpdate' | 'keepsRequestLabels'>): Strategy {
  return {
    prepareForUpdate: extra?.keepsRequestLabels ? keepStoredBody : prepareStatusUpdate,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...(extra?.validateUpdate?.(obj, old) ?? [])],
    generationFields: [],
    ...(extra?.keepsRequestLabels ? { keepsRequestLabels: true } : {}),
  };
}
