// pods/binding: the one write that may set spec.nodeName (the apiserver's BindingREST). The scheduler and the HTTP
// handler both go through assignPod, so a pod is bound the same way whoever binds it.
import { conflict, invalid, type FieldError } from '../../../machinery/api/errors.js';
import type { ResourceService, WriteContext } from '../../service.js';
import type { KObject, ResourceDef, Strategy } from '../../types.js';
import { nowTimestamp } from '../../object-meta.js';
import { clone } from '../../../machinery/api/equality.js';
import { notSupported, required, type J } from '../common/field.js';

export interface Binding {
  metadata?: { name?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string };
}

/** validation.ValidatePodBinding. */
export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = b.target?.kind ?? '';
  if (kind && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  if (!b.target?.name) errs.push(required('target.name'));
  return errs;
}

/**
 * The subresource strategy: everything comes from the stored pod except spec.nodeName and status.conditions
 * (PodScheduled), which is what setPodHostAndAnnotations changes. No validation: Kubernetes writes the binding
 * straight to storage. (The generic subresource path keeps the stored metadata, so binding annotations are not merged.)
 */
export const podBindingStrategy: Strategy = {
  prepareForUpdate(obj, old) {
    const proposed = obj as J;
    const nodeName = proposed.spec?.nodeName;
    const conditions = proposed.status?.conditions;
    for (const k of Object.keys(obj)) if (k !== 'metadata') delete obj[k];
    const base = clone(old) as J;
    for (const k of Object.keys(base)) if (k !== 'metadata') obj[k] = base[k];
    const next = obj as J;
    next.spec = { ...(next.spec ?? {}), nodeName };
    next.status = { ...(next.status ?? {}), conditions };
  },
};

/** podutil.UpdatePodCondition: replace the condition of that type; the transition time moves only with the status. */
export function setPodCondition(pod: KObject, cond: Record<string, unknown>, now = nowTimestamp()): void {
  const status = ((pod as J).status ??= {});
  const list: J[] = Array.isArray(status.conditions) ? status.conditions : (status.conditions = []);
  const i = list.findIndex((c) => c?.type === cond.type);
  const old = i >= 0 ? list[i] : undefined;
  const next = {
    type: cond.type,
    status: cond.status,
    lastProbeTime: null,
    lastTransitionTime: old?.status === cond.status ? (old.lastTransitionTime ?? now) : now,
  } as J;
  if (cond.reason) next.reason = cond.reason;
  if (cond.message) next.message = cond.message;
  if (i >= 0) list[i] = next;
  else list.push(next);
}

const bindingConflict = (pod: string, why: string) => conflict({ group: '', resource: 'pods/binding' }, pod, why);

/**
 * Binds the pod named by the binding to its target node: 409 when the pod already has a node or is being deleted,
 * 404 when it does not exist. Field errors in the binding are 422 Invalid on the Binding. (The apiserver returns
 * them as a bare aggregate error, which it answers with 500; a malformed request is the client's error, so dockube
 * answers what NewInvalid would.)
 */
export async function assignPod(
  service: ResourceService,
  pods: ResourceDef,
  namespace: string,
  binding: Binding,
  ctx: WriteContext,
): Promise<KObject> {
  const podName = binding.metadata?.name ?? '';
  const errs = validateBinding(binding);
  if (errs.length) throw invalid('Binding', '', podName, errs);
  const node = binding.target!.name!;
  // The binding writes straight to storage in Kubernetes: no managedFields entry for it.
  const writeCtx: WriteContext = { ...ctx, managedFieldsComputed: true };
  return service.update(
    pods,
    namespace,
    podName,
    (cur) => {
      const spec = ((cur as J).spec ??= {});
      if (cur.metadata.deletionTimestamp) throw bindingConflict(podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
      if (spec.nodeName) throw bindingConflict(podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = node;
      setPodCondition(cur, { type: 'PodScheduled', status: 'True' });
      return cur;
    },
    writeCtx,
    'binding',
  );
}
