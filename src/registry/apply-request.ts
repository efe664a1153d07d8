// An `application/apply-patch+yaml` PATCH: decode the configuration, apply it to the stored object inside
// the service's retry loop, or create the object when there is none (apply is an upsert).
import { StatusError, badRequest, invalid } from '../machinery/api/errors.js';
import { parseYaml } from '../machinery/decode/text.js';
import { checkApplyDuplicates, checkFields, findUndeclaredApplyFields } from '../openapi/field-validation.js';
import { definitionName } from './registry.js';
import type { ResourceService, WriteContext } from './service.js';
import { apiVersionOf, type ResourceDef } from './types.js';
import type { FieldValidationMode, KObject } from '../machinery/api/meta.js';
import type { SchemaLookup } from '../machinery/patch/schema.js';
import { applyServerSide } from '../machinery/apply/apply.js';

export interface ApplyRequest {
  service: ResourceService;
  schema: SchemaLookup;
  def: ResourceDef;
  namespace?: string;
  name: string;
  subresource?: string;
  body: string;
  force: boolean;
  fieldValidation: FieldValidationMode;
  ctx: WriteContext;
}

/** PatchOptions validation: apply needs a field manager (ValidatePatchOptions). */
export function requireFieldManager(fieldManager: string | undefined): string {
  if (!fieldManager) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [
      { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
    ]);
  }
  return fieldManager;
}

export async function serveApply(r: ApplyRequest): Promise<{ object: KObject; created: boolean }> {
  const manager = requireFieldManager(r.ctx.fieldManager);
  const { def } = r;
  const applied = parseYaml(r.body) as KObject;
  if (!applied || typeof applied !== 'object' || Array.isArray(applied)) throw badRequest('the body of the request was not a JSON object');
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const format = /^\s*\{/.test(r.body) ? 'json' : 'yaml';
  // A value of the wrong type fails in every mode, as decoding does.
  const typed = checkFields(gvk, applied, r.body, format, 'Ignore');
  if (typed.error) throw typed.error;
  // As kube-apiserver's applyPatcher: the configuration becomes a typed object first, whatever fieldValidation says,
  // and a field its schema does not declare fails that (a plain error there, so a 500); only then is the body decoded
  // strictly for duplicate keys (Strict: 400, Warn: warnings).
  // The field manager first checks the configuration's version against the endpoint's (structuredMergeManager.Apply).
  const expected = def.group ? `${def.group}/${def.version}` : def.version;
  const specified = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  if (specified !== expected)
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${specified}, expected: ${expected}`);
  const unknown = findUndeclaredApplyFields(gvk, applied, format === 'yaml');
  if (unknown.length) throw typedPatchError(applied, unknown);
  const dups = checkApplyDuplicates(r.body, r.fieldValidation);
  if (dups.error) throw dups.error;
  r.ctx.warnings.push(...dups.warnings);
  applied.metadata = applied.metadata ?? {};

  const base = {
    applied,
    manager,
    force: r.force,
    schema: r.schema,
    definition: definitionName(def.group, def.version, def.kind),
    apiVersion: apiVersionOf(def),
    subresource: r.subresource,
  };
  const ctx: WriteContext = { ...r.ctx, managedFieldsComputed: true };
  const update = () =>
    r.service.update(def, r.namespace, r.name, (live) => applyServerSide({ ...base, live, now: new Date() }), ctx, r.subresource);
  try {
    return { object: await update(), created: false };
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404 && e.reason === 'NotFound') || r.subresource) throw e;
  }
  // Nothing stored: the configuration is the new object (upsert), named by the URL.
  if (applied.metadata.name && applied.metadata.name !== r.name) {
    throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${r.name})`);
  }
  const obj = applyServerSide({ ...base, now: new Date() });
  obj.metadata.name = r.name;
  try {
    return { object: await r.service.create(def, r.namespace, obj, ctx), created: true };
  } catch (e) {
    // Created by someone else meanwhile: apply to it.
    if (e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists') return { object: await update(), created: false };
    throw e;
  }
}

/**
 * structured-merge-diff's conversion failure as the field manager wraps it: `failed to create typed patch object
 * (<ns>/<name>; <group>/<version>, Kind=<kind>): .spec.foo: field not declared in schema`, one error as is, several
 * under `errors:`. Not a Status upstream, so answered as a 500 without a reason.
 */
function typedPatchError(applied: KObject, unknownPaths: string[]): StatusError {
  const apiVersion = String(applied.apiVersion ?? '');
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  const where = `${applied.metadata?.namespace ?? ''}/${applied.metadata?.name ?? ''}; ${gv}, Kind=${String(applied.kind ?? '')}`;
  const errs = unknownPaths.map((p) => `.${p}: field not declared in schema`);
  const detail = errs.length === 1 ? errs[0] : ['errors:', ...errs.map((e) => `  ${e}`)].join('\n');
  return new StatusError(500, '', `failed to create typed patch object (${where}): ${detail}`);
}
