// The ResourceDefs an established CRD makes served: one per served version, sharing one storage (the storage
// version's apiVersion, conversion None), with the version's schema for pruning, defaulting (on writes and on every
// read, as upstream) and validation, its printer columns, status and scale subresources and selectable fields.
import type { KObject, ResourceDef, Strategy } from '../registry/types.js';
import type { FieldError } from '../machinery/api/errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../registry/strategies/common/meta.js';
import { nameIsDNSSubdomain } from '../registry/strategies/index.js';
import { clone } from '../machinery/api/equality.js';
import { applyDefaults } from './schema/defaults.js';
import { prune } from './schema/prune.js';
import { validateCustomResource } from './schema/validate.js';
import { celErrors } from './schema/cel.js';
import { printerColumnsTable } from './printer-columns.js';
import { evaluate, parsePath } from './jsonpath.js';
import { compareVersionPriority } from './versions.js';
import type { Crd, CrdVersion, JSONSchemaProps } from './types.js';
import { webhookConverter, type CallWebhook } from './conversion/webhook-converter.js';

/** The names a CRD is served under: the accepted ones (status), as upstream serves. */
export const servedNames = (crd: Crd) => {
  const a = crd.status?.acceptedNames;
  return a?.plural && a.kind ? a : crd.spec.names;
};

/** Served versions, highest priority first (the preferred version is the first). */
export const servedVersions = (crd: Crd): CrdVersion[] =>
  (crd.spec.versions ?? []).filter((v) => v.served).sort((a, b) => compareVersionPriority(a.name, b.name));

/** What the version's schema does to an object on its way in or out: prune what it does not know, then default. */
function normalize(obj: KObject, schema: JSONSchemaProps | undefined): void {
  if (!schema) return;
  prune(obj, schema);
  applyDefaults(obj, schema);
}

function crStrategy(v: CrdVersion, namespaced: boolean): Strategy {
  const schema = v.schema?.openAPIV3Schema;
  const hasStatus = !!v.subresources?.status;
  // Generation moves with every change but metadata (and status, when it has its own subresource).
  const topLevel = Object.keys(schema?.properties ?? {}).filter((k) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k));
  const generationFields = [...new Set(['spec', ...topLevel, ...(hasStatus ? [] : ['status'])])];
  const metaErrs = (obj: KObject): FieldError[] => validateObjectMeta(obj.metadata, { namespaced, nameFn: nameIsDNSSubdomain });
  return {
    prepareForCreate(obj) {
      if (hasStatus) delete obj.status;
    },
    defaults: (obj) => normalize(obj, schema),
    validate: (obj) => {
      const errs = [...metaErrs(obj), ...validateCustomResource(obj as Record<string, unknown>, schema)];
      // CEL rules run on values that passed the schema (upstream skips them when the schema already failed).
      return errs.length ? errs : celErrors(obj, undefined, schema, '', false);
    },
    // Transition rules (oldSelf) on updates, where the old value exists.
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata, { namespaced, nameFn: nameIsDNSSubdomain }),
      ...celErrors(obj, old, schema, '', true),
    ],
    generationFields,
  };
}

/** selectableFields: `.spec.color` becomes the field selector `spec.color`, valued as a string. */
function selectableFields(v: CrdVersion): Record<string, (obj: KObject) => string | undefined> | undefined {
  if (!v.selectableFields?.length) return undefined;
  const out: Record<string, (obj: KObject) => string | undefined> = {};
  for (const f of v.selectableFields) {
    const path = parsePath(f.jsonPath);
    out[f.jsonPath.replace(/^\./, '')] = (obj) => {
      const found = evaluate(path, obj)[0];
      return found === undefined || found === null ? '' : String(found);
    };
  }
  return out;
}

const stripDot = (p: string) => p.replace(/^\./, '');

/** `callWebhook` reaches conversion webhooks; without it a `Webhook` strategy is served as `None`. */
export function customResourceDefs(crd: Crd, callWebhook?: CallWebhook): ResourceDef[] {
  const names = servedNames(crd);
  const group = crd.spec.group;
  const namespaced = crd.spec.scope === 'Namespaced';
  const storageVersion = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]!.name;
  return servedVersions(crd).map((v): ResourceDef => {
    const schema = v.schema?.openAPIV3Schema;
    const apiVersion = `${group}/${v.name}`;
    const scale = v.subresources?.scale;
    return {
      group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular || names.kind.toLowerCase(),
      namespaced,
      ...(names.shortNames?.length ? { shortNames: [...names.shortNames] } : {}),
      ...(names.categories?.length ? { categories: [...names.categories] } : {}),
      statusSubresource: !!v.subresources?.status,
      statusResetsMetadata: ['labels', 'annotations'],
      ...(scale
        ? {
            scale: {
              specReplicasPath: stripDot(scale.specReplicasPath),
              statusReplicasPath: stripDot(scale.statusReplicasPath),
              ...(scale.labelSelectorPath ? { labelSelectorPath: stripDot(scale.labelSelectorPath) } : {}),
            },
          }
        : {}),
      // Every version shares the storage version's objects; conversion None changes only apiVersion, Webhook asks the
      // CRD's webhook first (fromStorage/toStorage then only set apiVersion, prune and default).
      storage: {
        ...(crd.spec.conversion?.strategy === 'Webhook' && callWebhook
          ? { converter: webhookConverter(crd, v.name, storageVersion, callWebhook) }
          : {}),
        group,
        plural: names.plural,
        toStorage: (obj) => ({ ...obj, apiVersion: `${group}/${storageVersion}` }),
        fromStorage: (obj) => {
          const out = clone(obj);
          out.apiVersion = apiVersion;
          normalize(out, schema);
          return out;
        },
      },
      strategy: crStrategy(v, namespaced),
      // A /status write takes the body's status as it is: pruned and defaulted here, as the main resource's writes are.
      admit: (obj, _old, ctx) => {
        if (ctx.subresource === 'status') normalize(obj, schema);
      },
      table: printerColumnsTable(v.additionalPrinterColumns),
      ...(selectableFields(v) ? { fieldSelectors: selectableFields(v) } : {}),
      ...(v.deprecated ? { deprecationWarning: v.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated` } : {}),
    };
  });
}
