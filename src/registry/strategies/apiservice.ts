// apiregistration.k8s.io/v1 APIService (kube-aggregator's validation): named `<version>.<group>`, priorities in range,
// a local APIService (no service) has no caBundle; an external one names its Service (port defaults to 443).
import type { Strategy } from '../types.js';
import { invalid, isObj, required, type Errs, type J } from './common/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './common/meta.js';
import { isDNS1035Label, isDNS1123Subdomain, isPathSegmentName, isValidPortNum, type NameFn } from './common/names.js';
import { statusStrategy } from './common/status.js';

export function validateAPIService(as: J): Errs {
  const spec: J = isObj(as.spec) ? as.spec : {};
  const group = String(spec.group ?? '');
  const version = String(spec.version ?? '');
  const requiredName = `${version}.${group}`;
  const nameFn: NameFn = (name, prefix) => {
    const basic = isPathSegmentName(name, prefix);
    if (basic.length) return basic;
    return name === requiredName ? [] : [`must be \`spec.version+"."+spec.group\`: "${requiredName}"`];
  };
  const errs = validateObjectMeta(as.metadata, { namespaced: false, nameFn });
  if (!group && version !== 'v1') errs.push(required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group) errs.push(...isDNS1123Subdomain(group).map((m) => invalid('spec.group', group, m)));
  errs.push(...isDNS1035Label(version).map((m) => invalid('spec.version', version, m)));
  const gp = Number(spec.groupPriorityMinimum ?? 0);
  if (!(gp > 0 && gp <= 20000)) errs.push(invalid('spec.groupPriorityMinimum', gp, 'must be positive and less than 20000'));
  const vp = Number(spec.versionPriority ?? 0);
  if (!(vp > 0 && vp <= 1000)) errs.push(invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  const caBundle = typeof spec.caBundle === 'string' ? spec.caBundle : '';
  if (!isObj(spec.service)) {
    if (caBundle)
      errs.push(invalid('spec.caBundle', `${Buffer.from(caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify)
      errs.push(invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const svc = spec.service;
  if (!svc.namespace) errs.push(required('spec.service.namespace'));
  if (!svc.name) errs.push(required('spec.service.name'));
  const portErrs = isValidPortNum(Number(svc.port));
  if (portErrs.length) errs.push(invalid('spec.service.port', svc.port, `port is not valid: ${portErrs.join(', ')}`));
  if (spec.insecureSkipTLSVerify && caBundle)
    errs.push(invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return errs;
}

export const apiServiceStrategy: Strategy = {
  defaults(o) {
    const svc = (o as J).spec?.service;
    if (isObj(svc)) svc.port ??= 443;
  },
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validateAPIService,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
export const apiServiceStatusStrategy: Strategy = statusStrategy();
