// ObjectMeta validation as pkg/api/validation/objectmeta.go (create and update).
import { child, duplicate, forbidden, invalid, isObj, required, tooLong, type Errs, type J } from './field.js';
import { deepEqual } from '../../../machinery/api/equality.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain, type NameFn } from './names.js';

/** Total size of all annotation keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabelName(k: string, field: string): Errs {
  return isQualifiedName(k).map((m) => invalid(field, k, m));
}
export function validateLabels(labels: unknown, field: string): Errs {
  if (!isObj(labels)) return [];
  const errs: Errs = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, field));
    errs.push(...isValidLabelValue(String(v ?? '')).map((m) => invalid(field, v, m)));
  }
  return errs;
}
export function validateAnnotations(annotations: unknown, field: string): Errs {
  if (!isObj(annotations)) return [];
  const errs: Errs = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => invalid(field, k, m)));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}
function validateOwnerReferences(refs: unknown, field: string): Errs {
  if (!Array.isArray(refs)) return [];
  const errs: Errs = [];
  let controllers = 0;
  refs.forEach((r: J, i) => {
    const p = `${field}[${i}]`;
    if (!r?.apiVersion) errs.push(invalid(child(p, 'apiVersion'), r?.apiVersion ?? '', 'version must not be empty'));
    if (!r?.kind) errs.push(invalid(child(p, 'kind'), r?.kind ?? '', 'kind must not be empty'));
    if (!r?.name) errs.push(invalid(child(p, 'name'), r?.name ?? '', 'name must not be empty'));
    if (!r?.uid) errs.push(invalid(child(p, 'uid'), r?.uid ?? '', 'uid must not be empty'));
    if (r?.controller === true) controllers++;
  });
  if (controllers > 1) errs.push(invalid(field, refs, 'Only one reference can have Controller set to true'));
  return errs;
}
function validateFinalizers(finalizers: unknown, field: string): Errs {
  if (!Array.isArray(finalizers)) return [];
  const errs: Errs = [];
  const seen = new Set<string>();
  finalizers.forEach((f: J, i) => {
    const s = String(f);
    errs.push(...isQualifiedName(s).map((m) => invalid(`${field}[${i}]`, s, m)));
    if (seen.has(s)) errs.push(duplicate(`${field}[${i}]`, s));
    seen.add(s);
  });
  return errs;
}

export interface MetaOptions {
  namespaced: boolean;
  /** Name rule of the kind (default: DNS-1123 subdomain). */
  nameFn?: NameFn;
  /** Path of the metadata (default `metadata`; pod templates use `spec.template.metadata`). */
  path?: string;
}

/** ValidateObjectMeta: name/generateName, namespace, labels, annotations, ownerReferences, finalizers. */
export function validateObjectMeta(meta: J, opts: MetaOptions): Errs {
  const p = opts.path ?? 'metadata';
  const nameFn = opts.nameFn ?? nameIsDNSSubdomain;
  const m = isObj(meta) ? meta : {};
  const errs: Errs = [];
  if (m.generateName)
    errs.push(...nameFn(String(m.generateName), true).map((msg) => invalid(child(p, 'generateName'), m.generateName, msg)));
  if (!m.name) errs.push(required(child(p, 'name'), 'name or generateName is required'));
  else errs.push(...nameFn(String(m.name), false).map((msg) => invalid(child(p, 'name'), m.name, msg)));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(child(p, 'namespace')));
    else errs.push(...isDNS1123Label(String(m.namespace)).map((msg) => invalid(child(p, 'namespace'), m.namespace, msg)));
  } else if (m.namespace) {
    errs.push(forbidden(child(p, 'namespace'), 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0)
    errs.push(invalid(child(p, 'generation'), m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, child(p, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(p, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(p, 'ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, child(p, 'finalizers')));
  return errs;
}

/** ValidateImmutableField: `field is immutable` with the new value. */
export function immutable(newV: unknown, oldV: unknown, field: string): Errs {
  return deepEqual(newV, oldV) ? [] : [invalid(field, newV ?? '', 'field is immutable')];
}

/** ValidateObjectMetaUpdate: identity fields never change; the rest is validated as on create. */
export function validateObjectMetaUpdate(meta: J, old: J, opts?: MetaOptions): Errs {
  const p = opts?.path ?? 'metadata';
  const n = isObj(meta) ? meta : {};
  const o = isObj(old) ? old : {};
  const errs: Errs = [];
  // A deletion in progress cannot be undone or postponed (deletionTimestamp only moves through DELETE).
  if (o.deletionTimestamp && !deepEqual(n.deletionTimestamp, o.deletionTimestamp))
    errs.push(...immutable(n.deletionTimestamp, o.deletionTimestamp, child(p, 'deletionTimestamp')));
  errs.push(...immutable(n.name, o.name, child(p, 'name')));
  errs.push(...immutable(n.namespace, o.namespace, child(p, 'namespace')));
  if (o.uid) errs.push(...immutable(n.uid, o.uid, child(p, 'uid')));
  if (o.creationTimestamp) errs.push(...immutable(n.creationTimestamp, o.creationTimestamp, child(p, 'creationTimestamp')));
  errs.push(...validateLabels(n.labels, child(p, 'labels')));
  errs.push(...validateAnnotations(n.annotations, child(p, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(p, 'ownerReferences')));
  errs.push(...validateFinalizers(n.finalizers, child(p, 'finalizers')));
  return errs;
}
