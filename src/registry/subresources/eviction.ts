// pods/eviction: the apiserver's EvictionREST (a NamedCreater). An eviction deletes the pod gracefully with the
// eviction's deleteOptions (preconditions included) and answers with a Success Status, unless the one
// PodDisruptionBudget selecting the pod has no disruption left: then 429 TooManyRequests with the DisruptionBudget
// cause, which kubectl drain retries. An allowed eviction first spends one disruption on the budget's status (a
// conflict-retried /status write, with the pod in disruptedPods for the disruption controller). Pods a budget does
// not protect (finished, pending, already terminating; unready ones per unhealthyPodEvictionPolicy) are evicted
// regardless. Two budgets on one pod are a 500. A missing pod is a 404, a failed precondition a 409, and a
// terminating namespace refuses the eviction as namespace lifecycle admission refuses any create there.
import { badRequest, forbidden, internal, StatusError } from '../../machinery/api/errors.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../machinery/labels.js';
import { DISRUPTION_BUDGET_CAUSE, MAX_DISRUPTED_POD_SIZE, updateDisruptionAllowedCondition } from '../policy/disruption-budget.js';
import type { DeleteOptions, ResourceService, WriteContext } from '../service.js';
import type { KObject, SubresourceDef } from '../types.js';
import { successStatus } from './status.js';
import { admitNodeEviction } from '../../admission/node-restriction.js';

export interface Eviction {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions & { kind?: string; apiVersion?: string };
}

/**
 * propagateDryRun: the request's dryRun and the body's deleteOptions.dryRun must agree when both are given;
 * either one alone applies to the deletion.
 */
function deleteOptionsOf(requested: string[], eviction: Eviction): DeleteOptions {
  const { kind: _k, apiVersion: _a, ...opts } = eviction.deleteOptions ?? {};
  const body = opts.dryRun ?? [];
  if (requested.length && body.length && (requested.length !== body.length || requested.some((v, i) => v !== body[i]))) {
    throw internal(`Non-matching dry-run options in request and content: [${requested.join(' ')}] and [${body.join(' ')}]`);
  }
  return { ...opts, dryRun: body.length ? body : requested.length ? requested : undefined };
}

/** Namespace lifecycle admission on the create of an eviction: 404 for a missing namespace, 403 while it terminates. */
async function admitNamespace(service: ResourceService, namespace: string, name: string): Promise<void> {
  const nsDef = service.registry.find('', 'v1', 'namespaces')!;
  const ns = await service.get(nsDef, undefined, namespace);
  if (!ns.metadata.deletionTimestamp && (ns as { status?: { phase?: string } }).status?.phase !== 'Terminating') return;
  const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
  throw forbidden(`pods "${name}" is forbidden: ${why}`, {
    name,
    kind: 'pods',
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
  });
}

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

/** canIgnorePDB: a finished, pending or terminating pod is no disruption. */
function canIgnorePDB(pod: KObject): boolean {
  const phase = (pod as J).status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

const isReady = (pod: KObject) => ((pod as J).status?.conditions ?? []).some((c: J) => c?.type === 'Ready' && c.status === 'True');

function tooManyRequests(cause: string): StatusError {
  return new StatusError(429, 'TooManyRequests', REFUSED, { causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message: cause }] });
}

/** getPodDisruptionBudgets: the budgets in the pod's namespace whose selector (a null one selects nothing) matches it. */
async function budgetsOf(service: ResourceService, pod: KObject): Promise<KObject[]> {
  const def = service.registry.find('policy', 'v1', 'poddisruptionbudgets');
  if (!def) return [];
  const { items } = await service.list(def, pod.metadata.namespace);
  return items.filter((b) => {
    try {
      return labelSelectorFromObject((b as J).spec?.selector as LabelSelectorObject | undefined).matches(pod.metadata.labels ?? {});
    } catch {
      return false;
    }
  });
}

/**
 * checkAndDecrement on the one budget selecting the pod, as a /status update the service re-evaluates on a conflict:
 * refused (429) while the budget is unprocessed or has no disruption left; else one fewer, the pod noted as disrupted.
 */
async function spendDisruption(service: ResourceService, pod: KObject, write: WriteContext): Promise<'spent' | 'unhealthy' | 'none'> {
  const budgets = await budgetsOf(service, pod);
  if (budgets.length > 1)
    throw internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const budget = budgets[0];
  if (!budget) return 'none';
  const spec: J = (budget as J).spec ?? {};
  const status: J = (budget as J).status ?? {};
  if (!isReady(pod)) {
    // An unready pod is no loss: always under AlwaysAllow; under IfHealthyBudget while the budget is met.
    if (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return 'unhealthy';
    const desired = Number(status.desiredHealthy ?? 0);
    if (desired > 0 && Number(status.currentHealthy ?? 0) >= desired) return 'unhealthy';
  }
  const def = service.registry.find('policy', 'v1', 'poddisruptionbudgets')!;
  const name = budget.metadata.name!;
  await service.update(
    def,
    budget.metadata.namespace,
    name,
    (current) => {
      const s: J = ((current as J).status ??= {});
      if (Number(s.observedGeneration ?? 0) < Number(current.metadata.generation ?? 0)) {
        throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
      }
      const allowed = Number(s.disruptionsAllowed ?? 0);
      if (allowed < 0) throw forbidden(`poddisruptionbudgets.policy "${name}" is forbidden: pdb disruptions allowed is negative`);
      if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
        throw forbidden(
          `poddisruptionbudgets.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
        );
      }
      if (allowed === 0) {
        throw tooManyRequests(
          `The disruption budget ${name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`,
        );
      }
      const now = new Date().toISOString();
      s.disruptionsAllowed = allowed - 1;
      if (s.disruptionsAllowed === 0) updateDisruptionAllowedCondition(s, now);
      s.disruptedPods = { ...(s.disruptedPods ?? {}), [pod.metadata.name!]: now.replace(/\.\d+Z$/, 'Z') };
      return current;
    },
    { ...write, fieldManager: undefined },
    'status',
  );
  return 'spent';
}

export const podEviction: SubresourceDef = {
  // kubectl drain finds it by this group/version; EvictionREST also accepts policy/v1beta1 bodies (the same fields).
  name: 'eviction',
  kind: 'Eviction',
  group: 'policy',
  version: 'v1',
  verbs: ['create'],
  bodyVersions: ['policy/v1', 'policy/v1beta1'],
  async create(ctx, namespace, name, body: KObject) {
    const eviction = body as Eviction;
    await admitNamespace(ctx.service, namespace!, name);
    if (eviction.metadata?.name !== name) throw badRequest('name in URL does not match name in Eviction object');
    const opts = deleteOptionsOf(ctx.dryRun, eviction);
    const write = { ...ctx.write, dryRun: (opts.dryRun ?? []).length > 0, fieldManager: undefined };
    // The generic delete answers 404 for a missing pod, retries storage conflicts itself and honours preconditions
    // (409 when they fail); a pod already terminating is left alone unless the eviction shortens its grace period.
    for (let attempt = 0; ; attempt++) {
      const pod = await ctx.service.get(ctx.def, namespace, name);
      // NodeRestriction: a node evicts only pods bound to it.
      admitNodeEviction(pod, ctx.write.user);
      const ignored = canIgnorePDB(pod);
      const outcome = ignored ? 'none' : await spendDisruption(ctx.service, pod, write);
      // A pod let go without spending the budget goes only as it was judged (shouldEnforceResourceVersion): one
      // that turned ready meanwhile fails the precondition and is judged again. Finished pods need no such care.
      const phase = (pod as J).status?.phase;
      const guarded =
        !opts.preconditions?.resourceVersion && ((ignored && phase !== 'Succeeded' && phase !== 'Failed') || outcome === 'unhealthy');
      const del = guarded ? { ...opts, preconditions: { ...opts.preconditions, resourceVersion: pod.metadata.resourceVersion } } : opts;
      try {
        await ctx.service.delete(ctx.def, namespace, name, del, write);
        return successStatus(201);
      } catch (e) {
        if (!guarded || !(e instanceof StatusError && e.code === 409) || attempt >= 4) throw e;
      }
    }
  },
};
