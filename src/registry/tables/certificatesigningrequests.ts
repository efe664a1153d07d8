// CertificateSigningRequests: NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION (printCertificateSigningRequest).
import type { TableDef } from '../types.js';
import { humanDuration } from '../../machinery/duration.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, rec, str } from './columns.js';

/** extractCSRStatus: Denied over Approved over Pending, then ",Failed" and ",Issued". */
export function csrCondition(csr: Record<string, unknown>): string {
  const types = new Set(arr(rec(csr.status).conditions).map((c) => str(c.type)));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (str(rec(csr.status).certificate)) s += ',Issued';
  return s;
}

export const certificateSigningRequestsTable: TableDef = {
  columns: [
    nameColumn(),
    ageColumn(),
    column('SignerName', 'string', 'signerName indicates the requested signer, and is a qualified name.'),
    column('Requestor', 'string', 'username contains the name of the user that created the CertificateSigningRequest.'),
    column('RequestedDuration', 'string', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
    column('Condition', 'string', 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".'),
  ],
  cells: (csr, now) => {
    const spec = rec(csr.spec);
    const seconds = spec.expirationSeconds;
    return [
      nameOf(csr),
      ageOf(csr, now),
      str(spec.signerName) || '<none>',
      str(spec.username),
      typeof seconds === 'number' ? humanDuration(seconds * 1000) : '<none>',
      csrCondition(csr),
    ];
  },
};
