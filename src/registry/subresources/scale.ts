// The /scale subresource: autoscaling/v1 Scale views of objects with a replica count.
import type { ResourceDef } from '../types.js';
import type { KObject } from '../../machinery/api/meta.js';
import { valueAt } from '../field-path.js';
import { selectorToString } from '../../machinery/labels.js';
import { invalid } from '../../machinery/api/errors.js';

export function getScale(def: ResourceDef, obj: KObject): KObject {
  const s = def.scale!;
  const m = obj.metadata;
  const selector = s.labelSelectorPath ? valueAt(obj, s.labelSelectorPath) : undefined;
  const status: Record<string, unknown> = { replicas: (valueAt(obj, s.statusReplicasPath) as number | undefined) ?? 0 };
  // Custom resources keep the selector as a string already (their labelSelectorPath names a string field).
  if (typeof selector === 'string') status.selector = selector;
  else if (selector) status.selector = selectorToString((s.labelSelectorIsMap ? { matchLabels: selector } : selector) as never);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: (valueAt(obj, s.specReplicasPath) as number | undefined) ?? 0 },
    status,
  };
}

/** Writes a Scale's desired replicas back into the object (validated as Kubernetes validates Scale). */
export function applyScale(def: ResourceDef, obj: KObject, scale: KObject): KObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', 'autoscaling', obj.metadata.name ?? '', [
      { type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' },
    ]);
  }
  const path = def.scale!.specReplicasPath.split('.');
  let cur = obj as Record<string, unknown>;
  for (const p of path.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[path[path.length - 1]] = replicas;
  const rv = scale.metadata?.resourceVersion;
  if (rv) obj.metadata.resourceVersion = rv;
  return obj;
}
