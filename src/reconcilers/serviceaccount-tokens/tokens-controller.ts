// The legacy service account tokens controller (kube-controller-manager's pkg/controller/serviceaccount
// tokens_controller.go): a Secret of type kubernetes.io/service-account-token naming a service account in its
// `kubernetes.io/service-account.name` annotation gets `token` (a legacy JWT without expiry), `ca.crt` and
// `namespace`, and the account's uid in `kubernetes.io/service-account.uid`; such a Secret whose account is missing
// (or has another uid) is deleted, and an account's token Secrets go with it.
//
// The seam: upstream's controller holds the service account signing key itself. Here the signing key stays in the
// API server's src/serviceaccount; the server hands this controller `mintToken`, a function that signs the legacy
// claims of (account, secret) and nothing else, so no reconciler imports the token issuer.
import type { KObject } from '../../machinery/api/meta.js';
import { StatusError } from '../../machinery/api/errors.js';
import { Informer } from '../../client/informer.js';
import { KUBE_CONTROLLER_MANAGER } from '../../client/identities.js';
import { GVR, splitKey } from '../../client/types.js';
import { Controller, type KeysOf } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { needsTokenData, SA_NAME_ANNOTATION, SA_UID_ANNOTATION, SERVICE_ACCOUNT_TOKEN_TYPE, tokenDataFor } from './token-secret.js';

/** Signs a legacy token for `secret` of `serviceAccount` (LegacyClaims), with the API server's signing key. */
export type LegacyTokenMinter = (serviceAccount: KObject, secret: KObject) => Promise<string>;

export interface TokensControllerOptions {
  mintToken: LegacyTokenMinter;
  /** The cluster CA (PEM) written as ca.crt (--root-ca-file). */
  rootCA: string;
}

export interface RunningTokensController {
  controller: Controller;
  stop(): void;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof StatusError && codes.includes(e.code);
const FIELD_MANAGER = 'kube-controller-manager';

export async function startTokensController(ctx: ReconcilerContext, opts: TokensControllerOptions): Promise<RunningTokensController> {
  const client = ctx.client(KUBE_CONTROLLER_MANAGER);
  const onError = (err: Error) => ctx.log.warn({ controller: 'serviceaccount-tokens', err: err.message }, 'informer');
  const accounts = new Informer(client, GVR.serviceaccounts, { onError });
  const secrets = new Informer(client, GVR.secrets, { onError, fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` });

  /** The token Secrets of an account (by namespace and annotation). */
  const secretsOf = (namespace: string, name: string) =>
    secrets.byIndex('namespace', namespace).filter((s) => s.metadata.annotations?.[SA_NAME_ANNOTATION] === name);

  const deleteSecret = async (s: KObject) => {
    try {
      await client.delete(GVR.secrets, s.metadata.namespace, s.metadata.name!, { preconditions: { uid: s.metadata.uid! } });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  };

  const syncSecret = async (namespace: string, name: string) => {
    const cached = secrets.get(namespace, name);
    if (!cached) return;
    const saName = cached.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '';
    // The live account decides (the cache may lag a new account): missing, or another uid than the annotation's, deletes.
    let sa: KObject | undefined;
    try {
      sa = await client.get(GVR.serviceaccounts, namespace, saName);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
    const wantUid = cached.metadata.annotations?.[SA_UID_ANNOTATION];
    if (!sa || (wantUid && sa.metadata.uid !== wantUid) || sa.metadata.deletionTimestamp) {
      await deleteSecret(cached);
      return;
    }
    if (!needsTokenData(cached, opts.rootCA, sa)) return;
    // generateTokenIfNeeded: re-read the live Secret, fill what is missing, update (a conflict retries the key).
    const live = await client.get(GVR.secrets, namespace, name);
    if (!needsTokenData(live, opts.rootCA, sa)) return;
    const next = await tokenDataFor(live, sa, opts.rootCA, opts.mintToken);
    try {
      await client.update(GVR.secrets, namespace, next, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      if (isStatus(e, 404)) return;
      throw e;
    }
  };

  /** An account gone (or replaced by one of another uid): its token Secrets go. */
  const syncServiceAccount = async (namespace: string, name: string) => {
    const sa = accounts.get(namespace, name);
    for (const s of secretsOf(namespace, name)) {
      const uid = s.metadata.annotations?.[SA_UID_ANNOTATION];
      if (!sa || (uid && uid !== sa.metadata.uid)) await deleteSecret(s);
    }
  };

  const controller = new Controller(
    'serviceaccount-tokens',
    async (key) => {
      const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      const [namespace, name] = splitKey(rest);
      if (kind === 'secret') await syncSecret(namespace!, name);
      else await syncServiceAccount(namespace!, name);
    },
    ctx.log,
    2,
  );
  const secretKeys: KeysOf = (type, _old, obj) => (type === 'DELETED' ? [] : [`secret:${obj.metadata.namespace}/${obj.metadata.name}`]);
  const accountKeys: KeysOf = (type, _old, obj) => {
    const keys = [`sa:${obj.metadata.namespace}/${obj.metadata.name}`];
    // A new account may be what a waiting Secret names.
    if (type !== 'DELETED')
      for (const s of secretsOf(obj.metadata.namespace!, obj.metadata.name!))
        keys.push(`secret:${s.metadata.namespace}/${s.metadata.name}`);
    return keys;
  };
  controller.source(secrets, secretKeys).source(accounts, accountKeys);
  await controller.start();
  return { controller, stop: () => controller.stop() };
}
