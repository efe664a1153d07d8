// Builds the protobufjs Root from the schema texts on first use (not at import, to keep start-up fast),
// and maps apiVersion/kind to the message that carries it.
import protobuf from 'protobufjs';
import { CORE_PROTO } from './schema-core.js';
import {
  APPS_PROTO,
  AUTHENTICATION_PROTO,
  AUTHORIZATION_PROTO,
  BATCH_PROTO,
  META_FIELD_SELECTOR_PROTO,
  POLICY_PROTO,
  RBAC_PROTO,
} from './schema-groups.js';
import { INTSTR_PROTO, META_PROTO, RESOURCE_PROTO, RUNTIME_PROTO } from './schema-meta.js';
import { CERTIFICATES_PROTO } from './schema-certificates.js';
import { NETWORKING_V1_KINDS, NETWORKING_V1_PROTO } from './schema-networking.js';
import { NODE_V1_PROTO, SCHEDULING_V1_PROTO } from './schema-scheduling-node.js';
import { AUTOSCALING_V1_PROTO, AUTOSCALING_V2_PROTO } from './schema-autoscaling.js';

let root: protobuf.Root | undefined;

/** The resolved schema; parsed once. */
export function schemaRoot(): protobuf.Root {
  if (!root) {
    const r = new protobuf.Root();
    for (const text of [
      META_PROTO,
      META_FIELD_SELECTOR_PROTO,
      RUNTIME_PROTO,
      INTSTR_PROTO,
      RESOURCE_PROTO,
      CORE_PROTO,
      APPS_PROTO,
      BATCH_PROTO,
      AUTHORIZATION_PROTO,
      AUTHENTICATION_PROTO,
      POLICY_PROTO,
      RBAC_PROTO,
      CERTIFICATES_PROTO,
      NETWORKING_V1_PROTO,
      SCHEDULING_V1_PROTO,
      NODE_V1_PROTO,
      AUTOSCALING_V2_PROTO,
      AUTOSCALING_V1_PROTO,
    ]) {
      protobuf.parse(text, r, { keepCase: true });
    }
    r.resolveAll();
    root = r;
  }
  return root;
}

/** apiVersion → kind → message name (relative to k8s.io.api / k8s.io.apimachinery). */
const KINDS: Record<string, Record<string, string>> = {
  v1: {
    Namespace: 'k8s.io.api.core.v1.Namespace',
    ConfigMap: 'k8s.io.api.core.v1.ConfigMap',
    Secret: 'k8s.io.api.core.v1.Secret',
    ServiceAccount: 'k8s.io.api.core.v1.ServiceAccount',
    Service: 'k8s.io.api.core.v1.Service',
    Pod: 'k8s.io.api.core.v1.Pod',
    PodTemplate: 'k8s.io.api.core.v1.PodTemplate',
    ResourceQuota: 'k8s.io.api.core.v1.ResourceQuota',
    LimitRange: 'k8s.io.api.core.v1.LimitRange',
    Binding: 'k8s.io.api.core.v1.Binding',
  },
  'apps/v1': { Deployment: 'k8s.io.api.apps.v1.Deployment' },
  'batch/v1': { Job: 'k8s.io.api.batch.v1.Job', CronJob: 'k8s.io.api.batch.v1.CronJob' },
  'autoscaling/v2': { HorizontalPodAutoscaler: 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler' },
  'autoscaling/v1': { HorizontalPodAutoscaler: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler' },
  'authorization.k8s.io/v1': {
    SelfSubjectAccessReview: 'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
    SelfSubjectRulesReview: 'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
    SubjectAccessReview: 'k8s.io.api.authorization.v1.SubjectAccessReview',
    LocalSubjectAccessReview: 'k8s.io.api.authorization.v1.LocalSubjectAccessReview',
  },
  'authentication.k8s.io/v1': {
    TokenRequest: 'k8s.io.api.authentication.v1.TokenRequest',
    SelfSubjectReview: 'k8s.io.api.authentication.v1.SelfSubjectReview',
    TokenReview: 'k8s.io.api.authentication.v1.TokenReview',
  },
  'policy/v1': { Eviction: 'k8s.io.api.policy.v1.Eviction', PodDisruptionBudget: 'k8s.io.api.policy.v1.PodDisruptionBudget' },
  'certificates.k8s.io/v1': { CertificateSigningRequest: 'k8s.io.api.certificates.v1.CertificateSigningRequest' },
  'networking.k8s.io/v1': NETWORKING_V1_KINDS,
  'scheduling.k8s.io/v1': { PriorityClass: 'k8s.io.api.scheduling.v1.PriorityClass' },
  'node.k8s.io/v1': { RuntimeClass: 'k8s.io.api.node.v1.RuntimeClass' },
  'rbac.authorization.k8s.io/v1': {
    Role: 'k8s.io.api.rbac.v1.Role',
    RoleBinding: 'k8s.io.api.rbac.v1.RoleBinding',
    ClusterRole: 'k8s.io.api.rbac.v1.ClusterRole',
    ClusterRoleBinding: 'k8s.io.api.rbac.v1.ClusterRoleBinding',
  },
};

/** DeleteOptions is registered in every group version (kubectl sends it as v1 on core resources). */
const DELETE_OPTIONS = 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** The wire message for apiVersion+kind, or undefined when the schema does not know it. */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return DELETE_OPTIONS;
  // The envelope's names come from the request: own keys only.
  const byKind = Object.hasOwn(KINDS, apiVersion) ? KINDS[apiVersion] : undefined;
  return byKind && Object.hasOwn(byKind, kind) ? byKind[kind] : undefined;
}

/** Every apiVersion/kind the decoder accepts, e.g. for tests or discovery hints. */
export function protobufKinds(): { apiVersion: string; kind: string; message: string }[] {
  const out = Object.entries(KINDS).flatMap(([apiVersion, kinds]) =>
    Object.entries(kinds).map(([kind, message]) => ({ apiVersion, kind, message })),
  );
  out.push({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', message: DELETE_OPTIONS });
  return out;
}
