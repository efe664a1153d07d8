// Issue 12's users side, composed: --token-auth-file read at start, service account tokens (bound and legacy) for the
// authenticator, and the controllers kube-controller-manager runs for them (CSR signing with the cluster CA, legacy
// token Secrets). The legacy tokens controller gets only a minting function: the signing key stays in src/serviceaccount.
import type { Logger } from '../log.js';
import type { Pki } from '../pki/certs.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { ReconcilerContext } from '../reconcilers/context.js';
import type { Controller } from '../reconcilers/controller.js';
import type { ServiceAccountRuntime } from '../serviceaccount/runtime.js';
import { loadTokenFile } from '../api/token-file.js';
import { lookupFrom } from '../serviceaccount/runtime.js';
import { LEGACY_ISSUER, LegacyServiceAccountTokens, unverifiedIssuer } from '../serviceaccount/legacy-tokens.js';
import type { SigningKey } from '../serviceaccount/signing-key.js';
import { startCsrSigningController } from '../reconcilers/certificates/signer-controller.js';
import { startCsrApprovingController } from '../reconcilers/certificates/approver-controller.js';
import { startTokensController } from '../reconcilers/serviceaccount-tokens/tokens-controller.js';

/** A configuration the server cannot start with: the command line prints its message alone, as kube-apiserver. */
export class StartupError extends Error {}

/** --token-auth-file's users (token → user), or none; a bad file stops the start with upstream's message. */
export async function staticTokenUsers(path: string | undefined, log: Logger): Promise<Map<string, UserInfo>> {
  if (!path) return new Map();
  let file;
  try {
    file = await loadTokenFile(path);
  } catch (e) {
    // Go's wording for a file that cannot be read (`open PATH: no such file or directory`); the parse errors are upstream's.
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : undefined;
    throw new StartupError(why ? `open ${path}: ${why}` : err.message);
  }
  for (const w of file.warnings) log.warn(w);
  return file.users;
}

/** The service account token authenticator: legacy Secret tokens by their issuer, the rest as bound tokens. */
export function serviceAccountAuthenticator(runtime: ServiceAccountRuntime, key: SigningKey) {
  const legacy = new LegacyServiceAccountTokens(key, lookupFrom(runtime.service));
  const authenticate = (token: string) =>
    unverifiedIssuer(token) === LEGACY_ISSUER ? legacy.authenticate(token) : runtime.tokens.authenticate(token);
  return { legacy, authenticate };
}

/** The CSR signer, the kubelet client CSR approver and the legacy tokens controller. */
export async function startIdentityControllers(
  ctx: ReconcilerContext,
  pki: Pki,
  legacy: LegacyServiceAccountTokens,
): Promise<Controller[]> {
  const [signer, approver, tokens] = await Promise.all([
    startCsrSigningController(ctx, { ca: { certPem: pki.caCert, keyPem: pki.caKey } }),
    startCsrApprovingController(ctx),
    startTokensController(ctx, { rootCA: pki.caCert, mintToken: (sa, secret) => legacy.issue(sa, secret) }),
  ]);
  return [signer.controller, approver.controller, tokens.controller];
}
