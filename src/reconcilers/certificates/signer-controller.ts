// kube-controller-manager's csrsigning controllers for kubernetes.io/kube-apiserver-client and
// kubernetes.io/kube-apiserver-client-kubelet (pkg/controller/certificates/signer): an Approved request of these
// signers, not Failed and not yet issued, gets a certificate from the cluster CA in status.certificate (the subject
// and SANs requested, the spec's usages, five minutes backdated, expirationSeconds capped at a year and at the CA's
// own expiry); a request the signer's rules refuse gets the Failed condition (SignerValidationFailure). It acts as
// the certificate-controller service account, as upstream, through the client seam; it holds the CA as upstream's
// controller holds --cluster-signing-cert-file/--cluster-signing-key-file.
import { X509Certificate } from 'node:crypto';
import type { KObject } from '../../machinery/api/meta.js';
import { StatusError } from '../../machinery/api/errors.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import type { Gvr } from '../../client/types.js';
import { parseCsr } from '../../pki/csr.js';
import { issueCertificate, type Signer } from '../../pki/x509.js';
import { nowTimestamp } from '../../registry/object-meta.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { BACKDATE_SECONDS, signerCheck, signingSeconds } from './signer-policy.js';

export const CSR_GVR: Gvr = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };

export interface SignerControllerOptions {
  /** The cluster CA, which signs. */
  ca: Signer;
  /** --cluster-signing-duration in seconds (default a year). */
  maxSeconds?: number;
}

type Condition = { type?: string; status?: string };
type Csr = KObject & {
  spec?: { request?: string; signerName?: string; usages?: string[]; expirationSeconds?: number };
  status?: { conditions?: Condition[]; certificate?: string };
};

const has = (csr: Csr, type: string) => (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');

/** What the signer does with a request: nothing, fail it, or issue. */
export function signerAction(csr: Csr): 'skip' | 'sign' {
  if (!has(csr, 'Approved') || has(csr, 'Denied') || has(csr, 'Failed') || csr.status?.certificate) return 'skip';
  return 'sign';
}

/** sign(): the certificate (PEM) for an approved request, or an Error to record as Failed; undefined: not ours. */
export async function signRequest(
  csr: Csr,
  ca: Signer,
  now = Date.now(),
  maxSeconds?: number,
): Promise<{ pem: string } | { failed: string } | undefined> {
  const pem = Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8');
  const usages = csr.spec?.usages ?? [];
  let req;
  try {
    req = parseCsr(pem);
  } catch (e) {
    return { failed: `unable to parse csr "${csr.metadata.name}": ${(e as Error).message}` };
  }
  const why = signerCheck(csr.spec?.signerName ?? '', req, usages);
  if (why === undefined) return undefined;
  if (why) return { failed: why };
  const caNotAfter = Date.parse(new X509Certificate(ca.certPem).validTo);
  const seconds = signingSeconds(csr.spec?.expirationSeconds, maxSeconds);
  const certPem = await issueCertificate(
    {
      commonName: req.commonName,
      subjectDer: req.subjectDer,
      usage: 'client',
      validDays: 0,
      notBefore: new Date(now - BACKDATE_SECONDS * 1000),
      notAfter: new Date(Math.min(now + seconds * 1000, caNotAfter)),
      keyUsages: usages,
      dnsNames: req.dnsNames,
      ips: req.ipAddresses,
      emails: req.emailAddresses,
      uris: req.uris,
    },
    req.publicKeyPem,
    ca,
  );
  return { pem: certPem };
}

export interface RunningSignerController {
  controller: Controller;
  stop(): void;
}

export async function startCsrSigningController(ctx: ReconcilerContext, opts: SignerControllerOptions): Promise<RunningSignerController> {
  const client = ctx.client(controllerIdentity('certificate-controller'));
  const onError = (err: Error) => ctx.log.warn({ controller: 'csrsigning', err: err.message }, 'informer');
  const csrs = new Informer(client, CSR_GVR, { onError });
  const controller = new Controller(
    'csrsigning',
    async (name) => {
      const cached = csrs.get(undefined, name) as Csr | undefined;
      if (!cached || signerAction(cached) === 'skip') return;
      const result = await signRequest(cached, opts.ca, Date.now(), opts.maxSeconds);
      if (!result) return;
      const next = structuredClone(cached) as Csr;
      next.status ??= {};
      if ('failed' in result) {
        const now = nowTimestamp();
        next.status.conditions = [
          ...(next.status.conditions ?? []),
          { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: result.failed, lastUpdateTime: now } as Condition,
        ];
      } else next.status.certificate = Buffer.from(result.pem).toString('base64');
      try {
        await client.updateStatus(CSR_GVR, undefined, next);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) return;
        throw e; // a conflict retries with the newer object
      }
    },
    ctx.log,
  );
  controller.source(csrs, (type, _old, obj) => (type === 'DELETED' ? [] : [obj.metadata.name!]));
  await controller.start();
  return { controller, stop: () => controller.stop() };
}
