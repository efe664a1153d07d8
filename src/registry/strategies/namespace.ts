// core/v1 Namespace: DNS-1123 label names, the `kubernetes` finalizer, phase Active, the name label.
import type { KObject, Strategy } from '../types.js';
import { arr, index, invalid, isObj, type Errs } from './common/field.js';
import { clone } from '../../machinery/api/equality.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isQualifiedName, nameIsDNSLabel } from './common/names.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function validateSpecFinalizers(finalizers: unknown): Errs {
  return arr(finalizers).flatMap((f, i) => {
    const s = String(f);
    // Standard finalizer names have no prefix; others must be qualified names with a domain.
    if (s === 'kubernetes') return [];
    const msgs = isQualifiedName(s);
    if (msgs.length) return msgs.map((m) => invalid(index('spec.finalizers', i), s, m));
    return s.includes('/')
      ? []
      : [invalid(index('spec.finalizers', i), s, 'name is neither a standard finalizer name nor is it fully qualified')];
  });
}

export const namespaceStrategy: Strategy = {
  defaults(obj) {
    // The name label lets selectors pick namespaces by name; always equal to the name.
    if (obj.metadata?.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: obj.metadata.name };
  },
  prepareForCreate(obj) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    const finalizers = arr(spec.finalizers).map(String);
    if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
    obj.spec = { ...spec, finalizers };
    obj.status = { phase: 'Active' };
  },
  prepareForUpdate(obj, old) {
    // Finalizers change through /finalize, status through /status.
    obj.spec = old.spec;
    obj.status = old.status;
  },
  validate: (obj) => [
    ...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSLabel }),
    ...validateSpecFinalizers((obj.spec as { finalizers?: unknown })?.finalizers),
  ],
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: [],
};

/** /finalize subresource: only spec.finalizers changes. */
export const namespaceFinalizeStrategy: Strategy = {
  prepareForUpdate(obj, old) {
    const finalizers = (obj.spec as { finalizers?: unknown })?.finalizers;
    for (const k of Object.keys(obj)) if (!['apiVersion', 'kind', 'metadata'].includes(k)) delete obj[k];
    for (const [k, v] of Object.entries(old)) if (!['apiVersion', 'kind', 'metadata'].includes(k)) obj[k] = clone(v);
    obj.spec = { ...(isObj(old.spec) ? old.spec : {}), finalizers };
  },
  validate: (obj) => validateSpecFinalizers((obj.spec as { finalizers?: unknown })?.finalizers),
  validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  generationFields: [],
};

/**
 * /status (upstream's namespaceStatusStrategy): the spec stays, the request's labels and annotations are kept, and
 * the phase must agree with the deletion (ValidateNamespaceStatusUpdate).
 */
export const namespaceStatusStrategy: Strategy = {
  keepsRequestLabels: true,
  prepareForUpdate(obj, old) {
    obj.spec = clone(old.spec);
    // Defaulting of NamespaceStatus: an empty phase is Active.
    const status = isObj(obj.status) ? obj.status : {};
    obj.status = { ...status, phase: status.phase || 'Active' };
    namespaceStrategy.defaults?.(obj);
  },
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateStatusPhase(obj)],
  generationFields: [],
};

function validateStatusPhase(obj: KObject): Errs {
  const phase = (obj.status as { phase?: unknown } | undefined)?.phase;
  if (!obj.metadata.deletionTimestamp)
    return phase === 'Active' ? [] : [invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  return phase === 'Terminating' ? [] : [invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}
