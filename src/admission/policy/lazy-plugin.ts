// The plugin as the server registers it: the CEL library and the evaluation code load with the first request a policy
// could apply to, so a server without policies never loads them (start-up time and idle memory).
import type { AdmissionAttributes, ValidatingAdmission } from '../chain.js';
import { isExemptAdmissionConfiguration } from './matching.js';
import type { PolicyHost } from './plugin.js';

export function lazyValidatingAdmissionPolicy(host: PolicyHost): ValidatingAdmission {
  let plugin: Promise<ValidatingAdmission> | undefined;
  return {
    name: 'ValidatingAdmissionPolicy',
    handles: (attrs: AdmissionAttributes) => host.hasPolicies() && !isExemptAdmissionConfiguration(attrs.resource),
    async validate(attrs: AdmissionAttributes) {
      plugin ??= import('./plugin.js').then((m) => new m.ValidatingAdmissionPolicyPlugin(host));
      await (await plugin).validate(attrs);
    },
  };
}
