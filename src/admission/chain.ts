// The generic admission chain every kind's writes pass through (the apiserver's admission.Interface): mutating plugins
// (MutatingAdmissionWebhook) run after a kind's own admission and before validation is repeated; validating plugins
// (ValidatingAdmissionPolicy, ValidatingAdmissionWebhook) run last, before ResourceQuota charges the write.
import type { KObject, UserInfo } from '../registry/types.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** What admission sees of one request (admission.Attributes). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  /** '' for the main resource. */
  subresource: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** The object as it would be stored (undefined for DELETE). */
  object?: KObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: KObject;
  /** The request's options object (CreateOptions, UpdateOptions, DeleteOptions) as JSON. */
  options?: Record<string, unknown>;
  user: UserInfo;
  dryRun: boolean;
  /** Warnings for the response's `Warning` headers. */
  warnings: string[];
  /** Annotations for the request's audit event (admission.Attributes' AddAnnotation); absent when none is kept. */
  auditAnnotations?: Record<string, string>;
}

export interface MutatingAdmission {
  readonly name: string;
  /** Whether any configuration could apply to this request at all (cheap; lets the chain skip copying). */
  handles(attrs: AdmissionAttributes): boolean;
  /** The object after this plugin's mutations, or undefined when it changed nothing; throws a StatusError to refuse. */
  admit(attrs: AdmissionAttributes): Promise<KObject | undefined>;
}

export interface ValidatingAdmission {
  readonly name: string;
  handles(attrs: AdmissionAttributes): boolean;
  /** Throws a StatusError to refuse the request. */
  validate(attrs: AdmissionAttributes): Promise<void>;
}

export class AdmissionChain {
  private readonly mutating: MutatingAdmission[] = [];
  private readonly validating: ValidatingAdmission[] = [];

  addMutating(plugin: MutatingAdmission): void {
    this.mutating.push(plugin);
  }

  addValidating(plugin: ValidatingAdmission): void {
    this.validating.push(plugin);
  }

  /** Runs the mutating plugins in order; the object they leave, or undefined when none changed it. */
  async admit(attrs: AdmissionAttributes): Promise<KObject | undefined> {
    let changed: KObject | undefined;
    for (const plugin of this.mutating) {
      if (!plugin.handles(attrs)) continue;
      const next = await plugin.admit(attrs);
      if (next) {
        changed = next;
        attrs = { ...attrs, object: next };
      }
    }
    return changed;
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.validating) {
      if (plugin.handles(attrs)) await plugin.validate(attrs);
    }
  }
}
