// The params of a binding (generic.CollectParams): none without paramKind or paramRef, else the object paramRef names
// or every object its selector picks, in paramRef.namespace or the request's; parameterNotFoundAction Deny refuses
// when there are none.
import type { LabelSelectorObject } from '../../machinery/labels.js';
import type { KObject } from '../../registry/types.js';

/** Reads objects of a paramKind (the params informer's lister upstream). */
export interface ParamSource {
  namespaced: boolean;
  get(namespace: string | undefined, name: string): Promise<KObject | undefined>;
  list(namespace: string | undefined, selector: LabelSelectorObject): Promise<KObject[]>;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelectorObject;
  parameterNotFoundAction?: string;
}

/** A binding's configuration cannot be used for this request: refused as `failed to configure binding: <message>`. */
export class BindingConfigError extends Error {}

/** The params to evaluate with: `[null]` when the policy or binding takes none. */
export async function collectParams(
  paramKind: { apiVersion: string; kind: string } | undefined,
  source: ParamSource | undefined,
  ref: ParamRef | undefined,
  requestNamespace: string,
): Promise<(KObject | null)[]> {
  if (!paramKind || !ref) return [null];
  if (!source) throw new BindingConfigError(`paramKind kind \`${paramKindString(paramKind)}\` not known`);
  let namespace: string | undefined;
  if (source.namespaced) {
    namespace = ref.namespace || requestNamespace;
    if (!namespace) throw new BindingConfigError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  } else if (ref.namespace) {
    throw new BindingConfigError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  let params: KObject[];
  if (ref.name) {
    if (ref.selector) throw new BindingConfigError('paramRef.name and paramRef.selector are mutually exclusive');
    const p = await source.get(namespace, ref.name);
    params = p ? [p] : [];
  } else if (ref.selector) {
    params = await source.list(namespace, ref.selector);
  } else {
    throw new BindingConfigError('one of name or selector must be provided');
  }
  if (params.length === 0 && ref.parameterNotFoundAction === 'Deny')
    throw new BindingConfigError('no params found for policy binding with `Deny` parameterNotFoundAction');
  // CEL sees the param with its TypeMeta, as upstream's wrappedParam provides it.
  return params.map((p) => ({ ...p, apiVersion: paramKind.apiVersion, kind: paramKind.kind }));
}

/** Go's %v of a ParamKind. */
export const paramKindString = (k: { apiVersion: string; kind: string }) => `&ParamKind{APIVersion:${k.apiVersion},Kind:${k.kind},}`;
