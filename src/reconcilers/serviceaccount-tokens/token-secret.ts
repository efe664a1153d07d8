// What a populated service-account-token Secret holds (tokens_controller.go's needsTokenData and
// generateTokenIfNeeded): data `token`, `ca.crt`, `namespace`, and the account's uid annotation.
import type { KObject } from '../../machinery/api/meta.js';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const dataOf = (s: KObject) => (s.data ?? {}) as Record<string, string>;

/** True when the Secret lacks its token, ca.crt (or holds another CA), namespace, or the uid annotation. */
export function needsTokenData(secret: KObject, rootCA: string, sa: KObject): boolean {
  const data = dataOf(secret);
  if (!data.token) return true;
  if (rootCA && data['ca.crt'] !== b64(rootCA)) return true;
  if (data.namespace !== b64(secret.metadata.namespace ?? '')) return true;
  return secret.metadata.annotations?.[SA_UID_ANNOTATION] !== sa.metadata.uid;
}

/** The Secret with its data filled: an existing token is kept (it is what clients hold), a missing one minted. */
export async function tokenDataFor(
  secret: KObject,
  sa: KObject,
  rootCA: string,
  mint: (sa: KObject, secret: KObject) => string | Promise<string>,
): Promise<KObject> {
  const data = { ...dataOf(secret) };
  if (!data.token) data.token = b64(await mint(sa, secret));
  if (rootCA) data['ca.crt'] = b64(rootCA);
  data.namespace = b64(secret.metadata.namespace ?? '');
  return {
    ...secret,
    metadata: {
      ...secret.metadata,
      annotations: { ...secret.metadata.annotations, [SA_NAME_ANNOTATION]: sa.metadata.name!, [SA_UID_ANNOTATION]: sa.metadata.uid! },
    },
    data,
  };
}
