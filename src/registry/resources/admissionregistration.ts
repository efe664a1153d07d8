// admissionregistration.k8s.io/v1: webhook configurations and ValidatingAdmissionPolicies with their bindings,
// stored and validated (calling webhooks and evaluating CEL is later work).
import type { ResourceDef } from '../types.js';
import {
  mutatingWebhookConfigurationStrategy,
  validatingWebhookConfigurationStrategy,
} from '../strategies/admissionregistration/webhooks.js';
import {
  validatingAdmissionPolicyBindingStrategy,
  validatingAdmissionPolicyStatusStrategy,
  validatingAdmissionPolicyStrategy,
} from '../strategies/admissionregistration/policies.js';
import {
  validatingAdmissionPoliciesTable,
  validatingAdmissionPolicyBindingsTable,
  webhookConfigurationsTable,
} from '../tables/admissionregistration.js';

const gv = { group: 'admissionregistration.k8s.io', version: 'v1', namespaced: false };

export const mutatingwebhookconfigurations: ResourceDef = {
  ...gv,
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  strategy: mutatingWebhookConfigurationStrategy,
  table: webhookConfigurationsTable,
};

export const validatingwebhookconfigurations: ResourceDef = {
  ...gv,
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  strategy: validatingWebhookConfigurationStrategy,
  table: webhookConfigurationsTable,
};

export const validatingadmissionpolicies: ResourceDef = {
  ...gv,
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  statusSubresource: true,
  subresourceStrategies: { status: validatingAdmissionPolicyStatusStrategy },
  strategy: validatingAdmissionPolicyStrategy,
  table: validatingAdmissionPoliciesTable,
};

export const validatingadmissionpolicybindings: ResourceDef = {
  ...gv,
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  strategy: validatingAdmissionPolicyBindingStrategy,
  table: validatingAdmissionPolicyBindingsTable,
};

export const ADMISSIONREGISTRATION_RESOURCES: ResourceDef[] = [
  mutatingwebhookconfigurations,
  validatingadmissionpolicies,
  validatingadmissionpolicybindings,
  validatingwebhookconfigurations,
];
