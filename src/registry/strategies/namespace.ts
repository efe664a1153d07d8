// core/v1 Namespace: DNS-1123 label names, the `kubernetes` finalizer, phase Active, the name label.
import type { Strategy } from '../types.js';
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
