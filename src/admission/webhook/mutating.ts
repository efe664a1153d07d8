// MutatingAdmissionWebhook (admission/plugin/webhook/mutating): the matching webhooks called one after another in
// configuration-name order, each seeing the object as the ones before left it; a JSONPatch answer applied to the
// object in the version the webhook saw; reinvocationPolicy IfNeeded calls a webhook once more when a later one
// changed the object after it (upstream's second round).
import { deepEqual } from '../../machinery/api/equality.js';
import { badRequest, internal } from '../../machinery/api/errors.js';
import type { KObject } from '../../machinery/api/meta.js';
import { defaultSchemaLookup } from '../../machinery/apply/default-schema.js';
import { applyPatch, JSON_PATCH } from '../../machinery/patch/index.js';
import type { AdmissionAttributes, MutatingAdmission } from '../chain.js';
import { annotateFailedOpen, annotateFromWebhook, annotateMutation } from './audit.js';
import { deniedBy } from './errors.js';
import { callWebhook, matchRules, shouldCall, withFailurePolicy, type DispatcherDeps, type Invocation } from './dispatcher.js';
import type { WebhookSource } from './source.js';

/**
 * The object keeps the namespace and name the request names: upstream refuses another namespace as its create path
 * does; a new name (which upstream would store the object under) is refused too, as the write is keyed by the name
 * the request came with.
 */
function keepsIdentity(attrs: AdmissionAttributes, patched: KObject): void {
  const m = patched.metadata ?? {};
  if (attrs.namespace && (m.namespace ?? '') !== attrs.namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (attrs.name && m.name !== attrs.name)
    throw badRequest(`the name of the object (${m.name ?? ''}) does not match the name on the URL (${attrs.name})`);
}

export class MutatingWebhookPlugin implements MutatingAdmission {
  readonly name = 'MutatingAdmissionWebhook';

  constructor(
    private readonly source: WebhookSource,
    private readonly deps: DispatcherDeps,
  ) {}

  handles(attrs: AdmissionAttributes): boolean {
    return this.source.mutating().some((h) => matchRules(h, attrs, this.deps.equivalents) !== undefined);
  }

  async admit(attrs: AdmissionAttributes): Promise<KObject | undefined> {
    let object = attrs.object;
    let changed = false;
    /** The object each called IfNeeded webhook last saw, to know whether a later one changed it. */
    const seen = new Map<Invocation['hook'], KObject | undefined>();
    const order: { inv: Invocation; index: number }[] = [];
    const call = async (inv: Invocation, round: number, index: number) => {
      const before = object;
      const result = await withFailurePolicy(
        inv.hook,
        this.deps,
        () => callWebhook(inv, { ...attrs, object }, object, this.deps),
        () => annotateFailedOpen(attrs, inv.hook, round, index),
      );
      if (!result) return;
      attrs.warnings.push(...result.warnings);
      annotateFromWebhook(attrs, inv.hook, result.auditAnnotations);
      if (!result.allowed) throw deniedBy(inv.hook.spec.name, result.status);
      let mutated = false;
      if (result.patch && object) {
        const patched = this.patch(inv, object, result.patch);
        keepsIdentity(attrs, patched);
        if (!deepEqual(patched, before)) {
          object = patched;
          changed = mutated = true;
        }
      }
      annotateMutation(attrs, inv.hook, round, index, mutated);
    };
    const hooks = this.source.mutating();
    for (const [index, hook] of hooks.entries()) {
      const inv = await withFailurePolicy(
        hook,
        this.deps,
        () => shouldCall(hook, { ...attrs, object }, this.deps),
        () => annotateFailedOpen(attrs, hook, 0, index),
      );
      if (!inv) continue;
      await call(inv, 0, index);
      if (hook.reinvocationPolicy === 'IfNeeded') {
        seen.set(hook, object);
        order.push({ inv, index });
      }
    }
    // Round two: each IfNeeded webhook once more if the object changed since it last saw it.
    for (const { inv, index } of order) {
      if (deepEqual(seen.get(inv.hook), object)) continue;
      await call(inv, 1, index);
    }
    return changed ? object : undefined;
  }

  private patch(inv: Invocation, object: KObject, patch: string): KObject {
    try {
      const versioned = inv.toWebhook(object);
      const patched = applyPatch(JSON_PATCH, versioned, patch, {
        schema: defaultSchemaLookup,
        definition: '',
        strategic: false,
      }) as KObject;
      return inv.fromWebhook(patched);
    } catch (e) {
      throw internal((e as Error).message);
    }
  }
}
