// certificates.k8s.io/v1 CertificateSigningRequest: cluster-scoped, with /status (the signer's certificate and the
// Failed condition) and /approval (Approved or Denied, `kubectl certificate approve|deny`).
import type { ResourceDef } from '../types.js';
import {
  certificateSigningRequestApprovalStrategy,
  certificateSigningRequestStatusStrategy,
  certificateSigningRequestStrategy,
} from '../strategies/certificatesigningrequest.js';
import { certificateSigningRequestsTable } from '../tables/certificatesigningrequests.js';
import { admitCertificateSigningRequest } from '../../admission/certificates.js';

export const certificatesigningrequests: ResourceDef = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  statusSubresource: true,
  extraSubresources: [{ name: 'approval', kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] }],
  strategy: certificateSigningRequestStrategy,
  subresourceStrategies: { status: certificateSigningRequestStatusStrategy, approval: certificateSigningRequestApprovalStrategy },
  table: certificateSigningRequestsTable,
  admit: admitCertificateSigningRequest,
  fieldSelectors: { 'spec.signerName': (o) => (o.spec as { signerName?: string } | undefined)?.signerName ?? '' },
};
