// The kubeconfig handed to users: one cluster, an admin (client certificate), a read-only viewer (token) and a
// monitoring identity that may read /metrics and nothing else (token).
import { ipVersion } from '../machinery/ip-literal.js';
import { dirname } from 'node:path';
import { chmod, mkdir } from 'node:fs/promises';
import yaml from 'js-yaml';
import type { Pki } from './certs.js';
import { readIfExists, writeFileAtomic } from './files.js';
import { holdsSameAccess, mergeKubeconfig, type KubeconfigDoc } from './kubeconfig-merge.js';

export const CLUSTER_NAME = 'dockube';
export const ADMIN_CONTEXT = 'dockube';
export const VIEW_CONTEXT = 'dockube-view';
export const MONITORING_CONTEXT = 'dockube-monitoring';

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

/** The kubeconfig document (a clientcmd v1 Config) for `server`. */
export function kubeconfigFor(opts: { server: string; pki: Pki }): Record<string, unknown> {
  const { pki } = opts;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: CLUSTER_NAME, cluster: { server: opts.server, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [
      { name: 'dockube-admin', user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) } },
      // The same admin rights as a token, for clients that cannot present certificates.
      { name: 'dockube-admin-token', user: { token: pki.tokens.admin } },
      { name: 'dockube-view', user: { token: pki.tokens.viewer } },
      { name: 'dockube-monitoring', user: { token: pki.tokens.monitoring } },
    ],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster: CLUSTER_NAME, user: 'dockube-admin' } },
      { name: 'dockube-admin-token', context: { cluster: CLUSTER_NAME, user: 'dockube-admin-token' } },
      { name: VIEW_CONTEXT, context: { cluster: CLUSTER_NAME, user: 'dockube-view' } },
      { name: MONITORING_CONTEXT, context: { cluster: CLUSTER_NAME, user: 'dockube-monitoring' } },
    ],
    'current-context': ADMIN_CONTEXT,
  };
}

/**
 * Writes the kubeconfig at `path` (atomically: kubectl running meanwhile sees the old or the new file), as kind and
 * k3d do: only when the file is missing or its server URL, CA or credentials differ from ours; what a user changed
 * (a context's namespace, other contexts) is kept by merging into it. `mode` (default 0600) is applied either way.
 * Resolves to whether the file was written.
 */
export async function writeKubeconfig(path: string, opts: { server: string; pki: Pki; mode?: number }): Promise<boolean> {
  const mode = opts.mode ?? 0o600;
  const ours = kubeconfigFor(opts) as KubeconfigDoc;
  let existing: KubeconfigDoc | undefined;
  try {
    const text = await readIfExists(path);
    const doc = text === undefined ? undefined : yaml.load(text);
    existing = doc && typeof doc === 'object' ? (doc as KubeconfigDoc) : undefined;
  } catch {
    existing = undefined; // not YAML: replaced
  }
  if (existing && holdsSameAccess(existing, ours)) {
    await chmod(path, mode);
    return false;
  }
  await mkdir(dirname(path), { recursive: true });
  const doc = existing ? mergeKubeconfig(existing, ours, false) : ours;
  await writeFileAtomic(path, yaml.dump(doc, { lineWidth: -1, noRefs: true }), mode);
  return true;
}

/** The URL clients should use for a bind address: loopback when bound to every interface, IPv6 in brackets. */
export function serverUrlFor(bindAddress: string, port: number): string {
  let host = bindAddress;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (ipVersion(host) === 6 && /^[0:]+$/.test(host)) host = '::1';
  return `https://${ipVersion(host) === 6 ? `[${host}]` : host}:${port}`;
}
