// kube-controller-manager's csrapproving controller (pkg/controller/certificates/approver/sarapprove.go): a pending
// kubelet client request (signer kubernetes.io/kube-apiserver-client-kubelet, a valid `system:node:<name>` in
// `system:nodes` subject) is approved when its requester may `create` certificatesigningrequests/selfnodeclient (for
// its own node name: CN equals the requester) or certificatesigningrequests/nodeclient, as a SubjectAccessReview of the
// requester recorded in the request's spec says. Nothing else is approved; a refused review leaves the request pending.
import type { KObject } from '../../machinery/api/meta.js';
import { StatusError } from '../../machinery/api/errors.js';
import { Informer } from '../../client/informer.js';
import { controllerIdentity } from '../../client/identities.js';
import type { Client, Gvr } from '../../client/types.js';
import { parseCsr } from '../../pki/csr.js';
import { Controller } from '../controller.js';
import type { ReconcilerContext } from '../context.js';
import { KUBE_APISERVER_CLIENT_KUBELET, validKubeletClient } from './signer-policy.js';
import { CSR_GVR } from './signer-controller.js';

const SAR_GVR: Gvr = { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews' };

type Condition = { type?: string; status?: string };
type Spec = {
  request?: string;
  signerName?: string;
  usages?: string[];
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
};
type Csr = KObject & { spec?: Spec; status?: { conditions?: Condition[]; certificate?: string } };

/** The subresources whose `create` permits approval, in upstream's recognizer order; empty: not a kubelet client request. */
export function approvalSubresources(csr: Csr): string[] {
  const spec = csr.spec ?? {};
  if (spec.signerName !== KUBE_APISERVER_CLIENT_KUBELET) return [];
  if ((csr.status?.conditions ?? []).some((c) => c.type === 'Approved' || c.type === 'Denied')) return [];
  if (csr.status?.certificate) return [];
  let req;
  try {
    req = parseCsr(Buffer.from(spec.request ?? '', 'base64').toString('utf8'));
  } catch {
    return [];
  }
  if (validKubeletClient(req, spec.usages ?? [])) return [];
  return req.commonName === spec.username ? ['selfnodeclient', 'nodeclient'] : ['nodeclient'];
}

async function requesterMay(client: Client, spec: Spec, subresource: string): Promise<boolean> {
  const review = await client.create(SAR_GVR, undefined, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: {
      user: spec.username,
      uid: spec.uid,
      groups: spec.groups,
      extra: spec.extra,
      resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource },
    },
  });
  return (review.status as { allowed?: boolean } | undefined)?.allowed === true;
}

export interface RunningApproverController {
  controller: Controller;
  stop(): void;
}

export async function startCsrApprovingController(ctx: ReconcilerContext): Promise<RunningApproverController> {
  const client = ctx.client(controllerIdentity('certificate-controller'));
  const onError = (err: Error) => ctx.log.warn({ controller: 'csrapproving', err: err.message }, 'informer');
  const csrs = new Informer(client, CSR_GVR, { onError });
  const controller = new Controller(
    'csrapproving',
    async (name) => {
      const cached = csrs.get(undefined, name) as Csr | undefined;
      if (!cached) return;
      for (const sub of approvalSubresources(cached)) {
        if (!(await requesterMay(client, cached.spec ?? {}, sub))) continue;
        const next = structuredClone(cached) as Csr;
        next.status = {
          ...next.status,
          conditions: [
            ...(next.status?.conditions ?? []),
            {
              type: 'Approved',
              status: 'True',
              reason: 'AutoApproved',
              message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
            } as Condition,
          ],
        };
        try {
          await client.update(CSR_GVR, undefined, next, { subresource: 'approval' });
        } catch (e) {
          if (e instanceof StatusError && e.code === 404) return;
          throw e;
        }
        return;
      }
    },
    ctx.log,
  );
  controller.source(csrs, (type, _old, obj) => (type === 'DELETED' ? [] : [obj.metadata.name!]));
  await controller.start();
  return { controller, stop: () => controller.stop() };
}
