// admissionregistration.k8s.io printers (pkg/printers/internalversion): webhook configurations count their webhooks,
// policies their validations and param kind, bindings name their policy and param.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, rec, str } from './columns.js';
import { formatLabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';

export const webhookConfigurationsTable: TableDef = {
  columns: [
    nameColumn(),
    column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'),
    ageColumn(),
  ],
  cells: (c, now) => [nameOf(c), arr(c.webhooks).length, ageOf(c, now)],
};

export const validatingAdmissionPoliciesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn(),
  ],
  cells: (p, now) => {
    const pk = get(p, 'spec', 'paramKind');
    const paramKind = pk && typeof pk === 'object' ? `${str(rec(pk).apiVersion)}/${str(rec(pk).kind)}` : '<unset>';
    return [nameOf(p), arr(get(p, 'spec', 'validations')).length, paramKind, ageOf(p, now)];
  },
};

export const validatingAdmissionPolicyBindingsTable: TableDef = {
  columns: [
    nameColumn(),
    column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    ageColumn(),
  ],
  cells: (b, now) => {
    const ref = get(b, 'spec', 'paramRef');
    let param = '<unset>';
    if (ref && typeof ref === 'object') {
      const r = rec(ref);
      if (str(r.name)) param = str(r.namespace) ? `${str(r.namespace)}/${str(r.name)}` : `*/${str(r.name)}`;
      else if (r.selector) param = formatLabelSelector(r.selector as LabelSelectorObject);
    }
    return [nameOf(b), str(get(b, 'spec', 'policyName')), param, ageOf(b, now)];
  },
};
