// The structural-schema rules (apiextensions-apiserver's schema.ValidateStructural) a CRD's openAPIV3Schema must
// follow, plus the metadata restriction at the root; errors carry upstream's paths and wording.
import type { FieldError } from '../../machinery/api/errors.js';
import type { JSONSchemaProps } from '../types.js';

type Errs = FieldError[];
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

export function validateStructural(s: JSONSchemaProps, path: string): Errs {
  const errs: Errs = [];
  if (s.type !== 'object')
    errs.push({ type: 'FieldValueInvalid', field: `${path}.type`, value: s.type ?? '', detail: 'must be object at the root' });
  const meta = s.properties?.metadata;
  if (meta) {
    const extra = Object.keys(meta).filter((k) => !['type', 'properties', 'description'].includes(k));
    const props = Object.keys(meta.properties ?? {}).filter((k) => !['name', 'generateName'].includes(k));
    if (meta.type !== 'object' || extra.length || props.length)
      errs.push({
        type: 'FieldValueForbidden',
        field: `${path}.properties[metadata]`,
        detail: 'must not specify anything other than name and generateName, but metadata is implicitly specified',
      });
  }
  walk(s, path, errs, true);
  return errs;
}

function walk(s: JSONSchemaProps, path: string, errs: Errs, root: boolean): void {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.type && !TYPES.includes(s.type))
    errs.push({ type: 'FieldValueNotSupported', field: `${path}.type`, value: s.type, supported: TYPES });
  if (intOrString && s.type)
    errs.push({ type: 'FieldValueForbidden', field: `${path}.type`, detail: 'must be empty if x-kubernetes-int-or-string is true' });
  if (s.properties && isObj(s.additionalProperties))
    errs.push({
      type: 'FieldValueForbidden',
      field: `${path}.additionalProperties`,
      detail: 'additionalProperties and properties are mutual exclusive',
    });
  if (s['x-kubernetes-embedded-resource'] && s.type !== 'object')
    errs.push({
      type: 'FieldValueInvalid',
      field: `${path}.type`,
      value: s.type ?? '',
      detail: 'must be object if x-kubernetes-embedded-resource is true',
    });
  if (s['x-kubernetes-embedded-resource'] && !preserve && !s.properties)
    errs.push({
      type: 'FieldValueRequired',
      field: `${path}.properties`,
      detail: 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
    });
  if (s.type === 'array' && !s.items) errs.push({ type: 'FieldValueRequired', field: `${path}.items`, detail: 'must be specified' });
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch {
      errs.push({ type: 'FieldValueInvalid', field: `${path}.pattern`, value: s.pattern, detail: 'must be a valid regular expression' });
    }
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType))
    errs.push({
      type: 'FieldValueNotSupported',
      field: `${path}.x-kubernetes-list-type`,
      value: listType,
      supported: ['atomic', 'set', 'map'],
    });
  if (listType === 'map' && !s['x-kubernetes-list-map-keys']?.length)
    errs.push({
      type: 'FieldValueRequired',
      field: `${path}.x-kubernetes-list-map-keys`,
      detail: 'must not be empty if x-kubernetes-list-type is map',
    });
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const pp = `${path}.properties[${k}]`;
    if (!p.type && !p['x-kubernetes-int-or-string'] && !p['x-kubernetes-preserve-unknown-fields'])
      errs.push({ type: 'FieldValueRequired', field: `${pp}.type`, detail: 'must not be empty for specified object fields' });
    walk(p, pp, errs, false);
  }
  if (s.items) {
    const ip = `${path}.items`;
    if (!s.items.type && !s.items['x-kubernetes-int-or-string'] && !s.items['x-kubernetes-preserve-unknown-fields'])
      errs.push({ type: 'FieldValueRequired', field: `${ip}.type`, detail: 'must not be empty for specified array items' });
    walk(s.items, ip, errs, false);
  }
  if (isObj(s.additionalProperties)) {
    const ap = s.additionalProperties as JSONSchemaProps;
    const app = `${path}.additionalProperties`;
    if (!ap.type && !ap['x-kubernetes-int-or-string'] && !ap['x-kubernetes-preserve-unknown-fields'])
      errs.push({ type: 'FieldValueRequired', field: `${app}.type`, detail: 'must not be empty for specified object fields' });
    walk(ap, app, errs, false);
  }
  void root;
}
