// The certificates admission plugins (plugin/pkg/admission/certificates): approving a request (the /approval
// subresource) needs `approve` on `signers` named after its signerName (or `<domain>/*`), issuing one (setting
// status.certificate) needs `sign`; and a new request records who made it (the registry strategy's user info).
import { forbidden } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import type { Authorizer } from '../authorization/types.js';
import type { AdmitContext } from '../registry/types.js';

const GROUP = 'certificates.k8s.io';

/** IsAuthorizedForSignerName: the signer by name, then its domain's wildcard. */
export function isAuthorizedForSignerName(authorizer: Authorizer, user: UserInfo, verb: string, signerName: string): boolean {
  const ask = (name: string) =>
    authorizer.authorize(user, { verb, resourceRequest: true, apiGroup: GROUP, apiVersion: '*', resource: 'signers', name }).allowed;
  return ask(signerName) || ask(`${signerName.split('/')[0]}/*`);
}

const refused = (csr: KObject, why: string) =>
  forbidden(`certificatesigningrequests.${GROUP} "${csr.metadata.name}" is forbidden: ${why}`, {
    name: csr.metadata.name,
    group: GROUP,
    kind: 'certificatesigningrequests',
  });

type Spec = { signerName?: string; username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
type Status = { certificate?: string };

export function admitCertificateSigningRequest(csr: KObject, old: KObject | undefined, ctx: AdmitContext): void {
  const spec = (csr.spec ?? {}) as Spec;
  const signerName = spec.signerName ?? '';
  if (!old) {
    // PrepareForCreate's user info: the requester as authenticated.
    const user = ctx.user as (UserInfo & { extra?: Record<string, string[]> }) | undefined;
    if (user) {
      spec.username = user.name;
      if (user.uid) spec.uid = user.uid;
      if (user.groups.length) spec.groups = [...user.groups];
      if (user.extra && Object.keys(user.extra).length) spec.extra = user.extra;
      csr.spec = spec;
    }
    return;
  }
  if (!ctx.user || !ctx.authorizer) return;
  if (ctx.subresource === 'approval' && !isAuthorizedForSignerName(ctx.authorizer, ctx.user, 'approve', signerName))
    throw refused(csr, `user not permitted to approve requests with signerName "${signerName}"`);
  if (ctx.subresource === 'status') {
    const [now, before] = [(csr.status as Status | undefined)?.certificate ?? '', (old.status as Status | undefined)?.certificate ?? ''];
    if (now !== before && !isAuthorizedForSignerName(ctx.authorizer, ctx.user, 'sign', signerName))
      throw refused(csr, `user not permitted to sign requests with signerName "${signerName}"`);
  }
}
