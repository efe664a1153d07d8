// The NamespaceLifecycle admission plugin's delete rule: the namespaces the cluster itself lives in are immortal.
// (Its other rule, no creates in a missing or terminating namespace, is in the generic registry's create path.)
import { forbidden } from '../machinery/api/errors.js';

/** kube-apiserver's immortal namespaces (metav1.NamespaceDefault, NamespaceSystem, NamespacePublic). */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** 403 `namespaces "default" is forbidden: this namespace may not be deleted`, as errors.NewForbidden words it. */
export function admitNamespaceDelete(name: string): void {
  if (!IMMORTAL_NAMESPACES.has(name)) return;
  throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
}
