// The kubeconfig of one user (`dockube kubeconfig --user`): the cluster, the user's client certificate, one context.
import yaml from 'js-yaml';
import { readIfExists } from './files.js';
import { CLUSTER_NAME } from './kubeconfig.js';

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export interface UserKubeconfigInput {
  server: string;
  caCertPem: string;
  user: string;
  certPem: string;
  keyPem: string;
}

/** A clientcmd v1 Config with a single context `<user>@dockube`, as `kubeadm kubeconfig user` writes one. */
export function userKubeconfig(i: UserKubeconfigInput): string {
  const context = `${i.user}@${CLUSTER_NAME}`;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: CLUSTER_NAME, cluster: { server: i.server, 'certificate-authority-data': b64(i.caCertPem) } }],
    users: [{ name: i.user, user: { 'client-certificate-data': b64(i.certPem), 'client-key-data': b64(i.keyPem) } }],
    contexts: [{ name: context, context: { cluster: CLUSTER_NAME, user: i.user } }],
    'current-context': context,
  };
  return yaml.dump(doc, { lineWidth: -1, noRefs: true });
}

/** The server URL of the admin kubeconfig a server wrote (its `dockube` cluster), when there is one. */
export async function serverOfKubeconfig(path: string): Promise<string | undefined> {
  const text = await readIfExists(path);
  if (!text) return undefined;
  try {
    const doc = yaml.load(text) as { clusters?: { name?: string; cluster?: { server?: string } }[] };
    return doc.clusters?.find((c) => c.name === CLUSTER_NAME)?.cluster?.server ?? doc.clusters?.[0]?.cluster?.server;
  } catch {
    return undefined;
  }
}
