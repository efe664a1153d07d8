// CustomResourceDefinition defaulting and validation as apiextensions-apiserver's v1 SetDefaults and
// ValidateCustomResourceDefinition(Update): names, group, scope, versions (exactly one storage version),
// structural schemas, subresources, printer columns; errors with upstream's paths and wording.
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../machinery/api/errors.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../registry/strategies/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../registry/strategies/common/meta.js';
import { parsePath } from './jsonpath.js';
import { validateStructural } from './schema/structural.js';
import { rulesOf } from './schema/cel.js';
import { compileSchemaRules } from './schema/cel-compile.js';
import type { Crd, CrdNames, CrdSpec, JSONSchemaProps } from './types.js';

type Errs = FieldError[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;

export function defaultCrd(obj: Crd): void {
  const spec = (obj.spec ?? {}) as J;
  const names = spec.names;
  if (names && typeof names === 'object') {
    if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
    if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  const svc = spec.conversion?.webhook?.clientConfig?.service;
  if (svc && svc.port === undefined) svc.port = 443;
}

const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

function validateNames(n: CrdNames | undefined, path: string): Errs {
  const errs: Errs = [];
  const names = (n ?? {}) as J;
  const label = (v: unknown, field: string, prefix = '') => {
    if (typeof v !== 'string' || !v) return;
    const e = isDNS1035Label(prefix ? v.toLowerCase() : v);
    if (e.length) errs.push({ type: 'FieldValueInvalid', field, value: v, detail: prefix + e.join(',') });
  };
  label(names.plural, `${path}.plural`);
  label(names.singular, `${path}.singular`);
  label(names.kind, `${path}.kind`, 'may have mixed case, but should otherwise match: ');
  label(names.listKind, `${path}.listKind`, 'may have mixed case, but should otherwise match: ');
  (Array.isArray(names.shortNames) ? names.shortNames : []).forEach((s: unknown, i: number) => label(s, `${path}.shortNames[${i}]`));
  if (names.kind && names.kind === names.listKind)
    errs.push({
      type: 'FieldValueInvalid',
      field: `${path}.listKind`,
      value: names.listKind,
      detail: 'kind and listKind may not be the same or parsing become ambiguous',
    });
  (Array.isArray(names.categories) ? names.categories : []).forEach((s: unknown, i: number) => label(s, `${path}.categories[${i}]`));
  return errs;
}

function underPath(p: string, prefixes: string[]): boolean {
  return prefixes.some((x) => p === x || p.startsWith(`${x}.`)) && !/\[/.test(p);
}

/** A version's schema: structural, and the text of its x-kubernetes-validations rules. */
function validateSchema(schema: JSONSchemaProps, path: string): Errs {
  const errs: Errs = validateStructural(schema, path);
  for (const { path: rp, rule } of rulesOf(schema, path)) {
    if (typeof rule?.rule !== 'string' || !rule.rule.trim())
      errs.push({ type: 'FieldValueRequired', field: `${rp}.rule`, detail: 'rule is not specified' });
    if (typeof rule?.messageExpression === 'string' && rule.messageExpression && !rule.messageExpression.trim())
      errs.push({
        type: 'FieldValueRequired',
        field: `${rp}.messageExpression`,
        detail: 'messageExpression must be non-empty if specified',
      });
  }
  return errs;
}

/** Every rule and messageExpression of a CRD's schemas (upstream's preexisting expressions). */
function expressionsOf(crd: Crd | undefined): Set<string> {
  const out = new Set<string>();
  for (const v of crd?.spec?.versions ?? []) {
    const schema = v?.schema?.openAPIV3Schema;
    if (!schema) continue;
    for (const { rule } of rulesOf(schema, '')) {
      if (typeof rule?.rule === 'string') out.add(rule.rule);
      if (typeof rule?.messageExpression === 'string') out.add(rule.messageExpression);
    }
  }
  return out;
}

/**
 * The compile errors of a CRD's x-kubernetes-validations (creates and updates; status writes do not validate the
 * spec, as upstream's status strategy). Schemas with errors are not compiled, as upstream. On an update, a rule whose
 * expressions the stored CRD already held is let be (upstream compiles those in its more lenient stored-expressions
 * environment): a CRD stored before rules were compiled stays writable, its finalizers removable.
 */
function compileErrors(obj: Crd, old: Crd | undefined): Errs {
  const versions: J[] = Array.isArray(obj.spec?.versions) ? obj.spec.versions : [];
  const paths = schemaPaths(versions);
  const stored = expressionsOf(old);
  const errs: Errs = [];
  versions.forEach((v, i) => {
    const schema = v?.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
    const path = paths[i];
    if (!schema || !path || validateSchema(schema, path).length) return;
    const kept = rulesOf(schema, path)
      .filter(({ rule }) => stored.has(rule.rule) && (!rule.messageExpression || stored.has(rule.messageExpression)))
      .map(({ path: rp }) => `${rp}.`);
    errs.push(...compileSchemaRules(schema, path).filter((e) => !kept.some((k) => e.field.startsWith(k))));
  });
  return errs;
}

/** A create's CRD-only checks: its rules compile. */
export const validateCrdCreate = (obj: Crd): Errs => compileErrors(obj, undefined);

/**
 * Where each version's schema is reported: upstream validates the internal CRD, into which v1's per-version schemas are
 * hoisted to spec.validation when they are all the same (once, at the first version); else each at its version.
 */
function schemaPaths(versions: J[]): (string | undefined)[] {
  const schemas = versions.map((v) => v?.schema?.openAPIV3Schema);
  const same = schemas.length > 0 && schemas[0] !== undefined && schemas.every((s) => isDeepStrictEqual(s, schemas[0]));
  if (same) return schemas.map((_, i) => (i === 0 ? 'spec.validation.openAPIV3Schema' : undefined));
  return schemas.map((_, i) => `spec.versions[${i}].schema.openAPIV3Schema`);
}

function validateVersion(v: J, path: string, schemaPath: string | undefined): Errs {
  const errs: Errs = [];
  const schema = v.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
  if (!schema) errs.push({ type: 'FieldValueRequired', field: `${path}.schema.openAPIV3Schema`, detail: 'schemas are required' });
  else if (schemaPath) errs.push(...validateSchema(schema, schemaPath));
  const scale = v.subresources?.scale;
  if (scale) {
    const sp = `${path}.subresources.scale`;
    if (!scale.specReplicasPath) errs.push({ type: 'FieldValueRequired', field: `${sp}.specReplicasPath` });
    else if (!underPath(scale.specReplicasPath, ['.spec']) || scale.specReplicasPath === '.spec')
      errs.push({
        type: 'FieldValueInvalid',
        field: `${sp}.specReplicasPath`,
        value: scale.specReplicasPath,
        detail: 'should be a json path under .spec',
      });
    if (!scale.statusReplicasPath) errs.push({ type: 'FieldValueRequired', field: `${sp}.statusReplicasPath` });
    else if (!underPath(scale.statusReplicasPath, ['.status']) || scale.statusReplicasPath === '.status')
      errs.push({
        type: 'FieldValueInvalid',
        field: `${sp}.statusReplicasPath`,
        value: scale.statusReplicasPath,
        detail: 'should be a json path under .status',
      });
    if (scale.labelSelectorPath && !underPath(scale.labelSelectorPath, ['.spec', '.status']))
      errs.push({
        type: 'FieldValueInvalid',
        field: `${sp}.labelSelectorPath`,
        value: scale.labelSelectorPath,
        detail: 'should be a json path under either .spec or .status',
      });
  }
  (Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : []).forEach((c: J, i: number) => {
    const cp = `${path}.additionalPrinterColumns[${i}]`;
    if (!c.name) errs.push({ type: 'FieldValueRequired', field: `${cp}.name` });
    if (!c.type) errs.push({ type: 'FieldValueRequired', field: `${cp}.type` });
    else if (!COLUMN_TYPES.includes(c.type))
      errs.push({ type: 'FieldValueNotSupported', field: `${cp}.type`, value: c.type, supported: COLUMN_TYPES });
    if (!c.jsonPath) errs.push({ type: 'FieldValueRequired', field: `${cp}.jsonPath` });
    else {
      try {
        parsePath(c.jsonPath);
      } catch (e) {
        errs.push({ type: 'FieldValueInvalid', field: `${cp}.jsonPath`, value: c.jsonPath, detail: (e as Error).message });
      }
    }
  });
  return errs;
}

export function validateCrd(obj: Crd): Errs {
  const errs: Errs = validateObjectMeta(obj.metadata, { namespaced: false });
  const spec = (obj.spec ?? {}) as J as CrdSpec & J;
  const names = (spec.names ?? {}) as J;
  if (obj.metadata?.name && obj.metadata.name !== `${names.plural}.${spec.group}`)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: obj.metadata.name,
      detail: 'must be spec.names.plural+"."+spec.group',
    });
  if (!spec.group) errs.push({ type: 'FieldValueRequired', field: 'spec.group' });
  else {
    const e = isDNS1123Subdomain(spec.group);
    if (e.length) errs.push({ type: 'FieldValueInvalid', field: 'spec.group', value: spec.group, detail: e.join(',') });
    else if (!spec.group.includes('.'))
      errs.push({ type: 'FieldValueInvalid', field: 'spec.group', value: spec.group, detail: 'should be a domain with at least one dot' });
  }
  if (!spec.scope) errs.push({ type: 'FieldValueRequired', field: 'spec.scope' });
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced')
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.scope', value: spec.scope, supported: ['Cluster', 'Namespaced'] });
  const versions: J[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (!versions.length)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.versions',
      value: [],
      detail: 'must have exactly one version marked as storage version',
    });
  const seen = new Set<string>();
  let storage = 0;
  const paths = schemaPaths(versions);
  versions.forEach((v, i) => {
    const vp = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (!v.name) errs.push({ type: 'FieldValueRequired', field: `${vp}.name` });
    else {
      const e = isDNS1035Label(v.name);
      if (e.length) errs.push({ type: 'FieldValueInvalid', field: `${vp}.name`, value: v.name, detail: e.join(',') });
      if (seen.has(v.name)) errs.push({ type: 'FieldValueDuplicate', field: `${vp}.name`, value: v.name });
      seen.add(v.name);
    }
    errs.push(...validateVersion(v, vp, paths[i]));
  });
  if (versions.length && storage !== 1)
    errs.push({ type: 'FieldValueInvalid', field: 'spec.versions', detail: 'must have exactly one version marked as storage version' });
  if (versions.length && !versions.some((v) => v.served))
    errs.push({ type: 'FieldValueInvalid', field: 'spec.versions', detail: 'must have at least one version marked as served' });
  if (!names.plural) errs.push({ type: 'FieldValueRequired', field: 'spec.names.plural' });
  if (!names.singular) errs.push({ type: 'FieldValueRequired', field: 'spec.names.singular' });
  if (!names.kind) errs.push({ type: 'FieldValueRequired', field: 'spec.names.kind' });
  if (!names.listKind) errs.push({ type: 'FieldValueRequired', field: 'spec.names.listKind' });
  errs.push(...validateNames(names, 'spec.names'));
  const strategy = spec.conversion?.strategy;
  if (strategy !== 'None' && strategy !== 'Webhook')
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.conversion.strategy', value: strategy ?? '', supported: ['None', 'Webhook'] });
  else if (strategy === 'Webhook' && !spec.conversion?.webhook)
    errs.push({ type: 'FieldValueRequired', field: 'spec.conversion.webhook', detail: 'required when strategy is set to Webhook' });
  if (spec.preserveUnknownFields === true)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.preserveUnknownFields',
      value: true,
      detail: 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    });
  return errs;
}

export function validateCrdUpdate(obj: Crd, old: Crd): Errs {
  const errs: Errs = validateObjectMetaUpdate(obj.metadata, old.metadata, { namespaced: false });
  errs.push(...compileErrors(obj, old));
  if (old.spec?.scope && obj.spec?.scope !== old.spec.scope && (old.status?.storedVersions?.length ?? 0) > 0)
    errs.push({ type: 'FieldValueInvalid', field: 'spec.scope', value: obj.spec?.scope, detail: 'field is immutable' });
  const served = new Set((obj.spec?.versions ?? []).map((v) => v.name));
  (obj.status?.storedVersions ?? []).forEach((v, i) => {
    if (!served.has(v))
      errs.push({ type: 'FieldValueInvalid', field: `status.storedVersions[${i}]`, value: v, detail: 'must appear in spec.versions' });
  });
  return errs;
}
