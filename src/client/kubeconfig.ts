// Reads a kubeconfig (clientcmd v1 Config, as src/pki/kubeconfig.ts writes ours) into what the HTTPS client needs:
// the server URL, the CA and one user's credentials (client certificate or bearer token).
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

export interface ClientCredentials {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}
type Dict = Record<string, string | undefined>;

const pemOf = (data: string | undefined, file: string | undefined) =>
  data ? Buffer.from(data, 'base64').toString('utf8') : file ? readFileSync(file, 'utf8') : undefined;

/** The credentials of `context` (default: current-context) in a kubeconfig document or file. */
export function credentialsFromKubeconfig(source: string | Record<string, unknown>, context?: string): ClientCredentials {
  const doc = (typeof source === 'string' ? yaml.load(readFileSync(source, 'utf8')) : source) as Record<string, unknown>;
  const find = <T>(list: unknown, name: string, what: string): T => {
    const entry = (list as Named<T>[] | undefined)?.find((x) => x.name === name);
    if (!entry) throw new Error(`kubeconfig: no ${what} named ${JSON.stringify(name)}`);
    return (entry.cluster ?? entry.user ?? entry.context ?? {}) as T;
  };
  const ctxName = context ?? (doc['current-context'] as string | undefined);
  if (!ctxName) throw new Error('kubeconfig: no current-context');
  const ctx = find<Dict>(doc.contexts, ctxName, 'context');
  const cluster = find<Dict>(doc.clusters, ctx.cluster ?? '', 'cluster');
  const user = ctx.user ? find<Dict>(doc.users, ctx.user, 'user') : {};
  return {
    server: cluster.server!,
    ca: pemOf(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: pemOf(user['client-certificate-data'], user['client-certificate']),
    key: pemOf(user['client-key-data'], user['client-key']),
    token: user.token,
  };
}
