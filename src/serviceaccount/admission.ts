// The ServiceAccount admission plugin on pod CREATE: default spec.serviceAccountName, refuse a pod whose service
// account does not exist, mount the kube-api-access-xxxxx projected volume (token, ca.crt, namespace) into every
// init and app container unless automount is off, and copy the account's imagePullSecrets to a pod without any.
import { randomInt } from 'node:crypto';
import { forbidden } from '../machinery/api/errors.js';
import type { AdmitContext } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import {
  DEFAULT_SERVICE_ACCOUNT,
  ROOT_CA_CONFIGMAP,
  TOKEN_MOUNT_PATH,
  TOKEN_VOLUME_PREFIX,
  WARN_ONLY_EXPIRATION_SECONDS,
} from './constants.js';
import { lookupFrom, serviceAccountRuntime } from './runtime.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The annotation that marks a static pod's mirror: its spec is never touched. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** utilrand's alphabet: no vowels, no look-alike digits. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
/** The default service account is created by a controller just after its namespace: look again a few times. */
const DEFAULT_SA_ATTEMPTS = 10;

export const randomSuffix = (n = 5) => Array.from({ length: n }, () => ALPHANUMS[randomInt(ALPHANUMS.length)]).join('');

/** The projected volume source of an auto-mounted token, as the plugin writes it (defaults included). */
export function tokenVolumeSource(): J {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: WARN_ONLY_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** automountServiceAccountToken: the pod's setting wins, then the service account's, else true. */
export function shouldAutomount(sa: KObject, pod: J): boolean {
  if (typeof pod.spec?.automountServiceAccountToken === 'boolean') return pod.spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

/** Adds the token volume and its mounts (mutates); containers already mounting something at the path are left alone. */
export function mountServiceAccountToken(pod: J, suffix: () => string = randomSuffix): void {
  const spec = pod.spec;
  spec.volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  const existing = (spec.volumes as J[]).find((v) => typeof v?.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const volumeName: string = existing?.name ?? `${TOKEN_VOLUME_PREFIX}${suffix()}`;
  let needed = false;
  for (const list of [spec.initContainers, spec.containers]) {
    for (const c of Array.isArray(list) ? (list as J[]) : []) {
      const mounts: J[] = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      if (mounts.some((m) => m?.mountPath === TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needed = true;
    }
  }
  if (!existing && needed) spec.volumes.push({ name: volumeName, projected: tokenVolumeSource() });
  if (!spec.volumes.length) delete spec.volumes;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pods `admit` hook: runs on create of the pod itself, once the plugin is enabled (see runtime.ts). */
export async function admitServiceAccount(obj: KObject, old: KObject | undefined, ctx: AdmitContext): Promise<void> {
  const rt = serviceAccountRuntime();
  if (!rt || old || ctx.subresource) return;
  const pod = obj as J;
  if (!pod.spec || typeof pod.spec !== 'object') return;
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const refuse = (why: string) => forbidden(`pods "${name}" is forbidden: ${why}`, { name, kind: 'pods' });
  if (obj.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) {
    if (pod.spec.serviceAccountName) throw refuse('a mirror pod may not reference service accounts');
    return;
  }
  if (!pod.spec.serviceAccountName) pod.spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
  const saName: string = pod.spec.serviceAccountName;
  const lookup = lookupFrom(rt.service);
  let sa = await lookup('ServiceAccount', ns, saName);
  for (let i = 1; !sa && saName === DEFAULT_SERVICE_ACCOUNT && i < DEFAULT_SA_ATTEMPTS; i++) {
    await sleep(100 + randomInt(100));
    sa = await lookup('ServiceAccount', ns, saName);
  }
  if (!sa) throw refuse(`error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
  if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod);
  const pullSecrets = Array.isArray(sa.imagePullSecrets) ? (sa.imagePullSecrets as J[]) : [];
  if (!(Array.isArray(pod.spec.imagePullSecrets) && pod.spec.imagePullSecrets.length) && pullSecrets.length) {
    pod.spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s?.name }));
  }
}
