// apiextensions.k8s.io/v1 CustomResourceDefinition: the kind (with /status) whose objects make other kinds served.
import type { KObject, ResourceDef, Strategy } from '../registry/types.js';
import { defaultTable } from '../registry/tables/default.js';
import { defaultCrd, validateCrd, validateCrdCreate, validateCrdUpdate } from './crd-validation.js';
import { CLEANUP_FINALIZER, GROUP, type Crd, type CrdCondition } from './types.js';

const storageVersion = (crd: Crd) => crd.spec?.versions?.find?.((v) => v.storage)?.name;

/** The storage version joins status.storedVersions (PrepareForCreate/Update), so its objects are never lost. */
function recordStoredVersion(crd: Crd): void {
  const v = storageVersion(crd);
  if (!v) return;
  crd.status ??= {};
  const stored = (crd.status.storedVersions ??= []);
  if (!stored.includes(v)) stored.push(v);
}

export const crdStrategy: Strategy = {
  prepareForCreate(obj) {
    const crd = obj as Crd;
    crd.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: [] };
    recordStoredVersion(crd);
  },
  prepareForUpdate(obj) {
    recordStoredVersion(obj as Crd);
  },
  defaults: (obj) => defaultCrd(obj as Crd),
  validate: (obj) => validateCrd(obj as Crd),
  validateCreate: (obj) => validateCrdCreate(obj as Crd),
  validateUpdate: (obj, old) => validateCrdUpdate(obj as Crd, old as Crd),
  generationFields: ['spec'],
};

/** Sets (or replaces) a condition, moving lastTransitionTime only when the status changes, as upstream's helpers. */
export function setCondition(crd: Crd, c: CrdCondition, now: string): void {
  crd.status ??= {};
  const list = (crd.status.conditions ??= []);
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next = { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
  if (i >= 0) list[i] = next;
  else list.push(next);
}

export const customresourcedefinitions: ResourceDef = {
  group: GROUP,
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  statusSubresource: true,
  statusResetsMetadata: ['labels', 'annotations'],
  strategy: crdStrategy,
  table: defaultTable,
  // A first DELETE gets the cleanup finalizer and Terminating: the CRD's objects go before it does (finalizer.go).
  beginDeletion: (obj: KObject, now: string) => {
    if (obj.metadata.deletionTimestamp) return false;
    const fins = (obj.metadata.finalizers ??= []);
    if (!fins.includes(CLEANUP_FINALIZER)) fins.push(CLEANUP_FINALIZER);
    setCondition(
      obj as Crd,
      {
        type: 'Terminating',
        status: 'True',
        reason: 'InstanceDeletionPending',
        message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
      },
      now,
    );
    return false;
  },
};
