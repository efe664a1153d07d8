// The ValidatingAdmissionPolicy status controller (kube-controller-manager's validatingadmissionpolicy-status): each
// policy whose generation is past status.observedGeneration is type-checked against the kinds it matches, and its
// status gets observedGeneration and typeChecking ({} when clean, else expressionWarnings with fieldRef and warning).
// Through the client seam as kube-system/validatingadmissionpolicy-status-controller. The checker (and with it the CEL
// library) is loaded with the first policy to check, so a server without policies never loads it.
import { StatusError } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import type { TypeChecker } from '../../admission/policy/typechecking.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import type { Gvr } from '../../client/types.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';

const POLICIES: Gvr = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies' };
const NAME = 'validatingadmissionpolicy-status-controller';

interface PolicyStatus {
  observedGeneration?: number;
  typeChecking?: unknown;
  [k: string]: unknown;
}

/** The new status of a policy, or undefined when its generation was observed already. */
export async function policyStatus(policy: KObject, checker: TypeChecker): Promise<PolicyStatus | undefined> {
  const generation = policy.metadata.generation ?? 0;
  const status = (policy.status ?? {}) as PolicyStatus;
  if (generation <= (status.observedGeneration ?? 0)) return undefined;
  const warnings = await checker.check((policy.spec ?? {}) as Parameters<TypeChecker['check']>[0]);
  return { ...status, observedGeneration: generation, typeChecking: warnings.length ? { expressionWarnings: warnings } : {} };
}

export async function startValidatingAdmissionPolicyStatusController(
  ctx: ReconcilerContext,
  loadChecker: () => Promise<TypeChecker>,
): Promise<Controller> {
  let checker: Promise<TypeChecker> | undefined;
  const client = ctx.client(controllerIdentity(NAME));
  const policies = new Informer(client, POLICIES, {
    onError: (err) => ctx.log.warn({ controller: NAME, err: err.message }, 'informer'),
  });
  const c = new Controller(
    NAME,
    async (name) => {
      const policy = policies.get(undefined, name);
      if (!policy) return;
      const status = await policyStatus(policy, await (checker ??= loadChecker()));
      if (!status) return;
      try {
        await client.updateStatus(POLICIES, undefined, { ...policy, status }, { fieldManager: NAME });
      } catch (e) {
        // Deleted meanwhile: nothing to do. A conflict is retried once the cache has the newer policy.
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    },
    ctx.log,
  );
  c.source(policies, (type, _old, obj) => (type === 'DELETED' ? [] : [obj.metadata.name!]));
  await c.start();
  return c;
}
