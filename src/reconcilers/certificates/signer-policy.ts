// What the kube-controller-manager's csrsigning controllers accept and issue (pkg/controller/certificates/signer and
// pkg/apis/certificates/v1's ValidateKubeletClientCSR): kubernetes.io/kube-apiserver-client takes any subject with
// client usages; kubernetes.io/kube-apiserver-client-kubelet only `system:node:<name>` in `system:nodes`, no SANs,
// and exactly the kubelet's usages. A request of a recognised signer that breaks these rules gets Failed.
import type { ParsedCsr } from '../../pki/csr.js';

export const KUBE_APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
export const KUBE_APISERVER_CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
/** --cluster-signing-duration's default: a year. */
export const DEFAULT_SIGNING_SECONDS = 365 * 24 * 3600;
/** The signer backdates certificates by five minutes, for clocks a little behind. */
export const BACKDATE_SECONDS = 5 * 60;

const sameSet = (a: Set<string>, b: string[]) => a.size === b.length && b.every((x) => a.has(x));

/** validAPIServerClientUsages. */
export function validApiServerClientUsages(usages: string[]): string | undefined {
  let clientAuth = false;
  for (const u of usages) {
    if (u === 'digital signature' || u === 'key encipherment') continue;
    if (u === 'client auth') clientAuth = true;
    else return `invalid usage for client certificate: ${u}`;
  }
  return clientAuth ? undefined : 'missing required usage for client certificate: client auth';
}

/** ValidateKubeletClientCSR. */
export function validKubeletClient(req: ParsedCsr, usages: string[]): string | undefined {
  if (req.organizations.length !== 1 || req.organizations[0] !== 'system:nodes') return 'subject organization is not system:nodes';
  if (req.dnsNames.length) return 'DNS subjectAltNames are not allowed';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.ipAddresses.length) return 'IP subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  const set = new Set(usages);
  if (!sameSet(set, ['digital signature', 'key encipherment', 'client auth']) && !sameSet(set, ['digital signature', 'client auth']))
    return 'usages did not match [client auth digital signature key encipherment]';
  return undefined;
}

/** isRequestForSignerFn: undefined when the signer is not ours, else the validation error ('' when fine). */
export function signerCheck(signerName: string, req: ParsedCsr, usages: string[]): string | undefined {
  if (signerName === KUBE_APISERVER_CLIENT) return validApiServerClientUsages(usages) ?? '';
  if (signerName === KUBE_APISERVER_CLIENT_KUBELET) return validKubeletClient(req, usages) ?? '';
  return undefined;
}

/** The certificate's lifetime: the requested expirationSeconds, never past --cluster-signing-duration. */
export function signingSeconds(expirationSeconds: number | undefined, maxSeconds = DEFAULT_SIGNING_SECONDS): number {
  if (expirationSeconds === undefined) return maxSeconds;
  return Math.min(Math.max(expirationSeconds, 600), maxSeconds);
}
