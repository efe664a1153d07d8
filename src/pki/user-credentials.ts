// A client certificate for a user of the cluster, signed by the cluster CA read from the data dir (what
// `dockube kubeconfig --user` mints, as `kubeadm kubeconfig user` does): CN is the user, O values the groups, the
// x509 authenticator's mapping. Needs no running server.
import { X509Certificate } from 'node:crypto';
import { dataDirLayout } from '../data-dir.js';
import { readIfExists } from './files.js';
import { generateKeyPairPem } from './keys.js';
import { issueCertificate, type Signer } from './x509.js';

/** The CA's file base name inside `<data-dir>/pki` (certs.ts's FILE.ca). */
const CA_FILE = 'ca';
/** Without --expiration-seconds a user certificate lives a year, as kube-controller-manager's --cluster-signing-duration. */
export const DEFAULT_USER_CERT_SECONDS = 365 * 24 * 3600;
/** The CSR API's floor (validation of spec.expirationSeconds), kept here too. */
export const MIN_USER_CERT_SECONDS = 600;

export class MissingCaError extends Error {}

/** The cluster CA of a data dir; MissingCaError when the data dir has none (no server ever started there). */
export async function loadClusterCa(dataDir: string): Promise<Signer> {
  const files = dataDirLayout(dataDir).pki;
  const [certPem, keyPem] = await Promise.all([readIfExists(files.cert(CA_FILE)), readIfExists(files.key(CA_FILE))]);
  if (!certPem || !keyPem)
    throw new MissingCaError(
      `no cluster CA in ${files.dir} (expected ${CA_FILE}.crt and ${CA_FILE}.key): start 'dockube server --data-dir ${dataDir}' once first`,
    );
  return { certPem, keyPem };
}

export interface UserCredentials {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/** Mints a key and a client certificate for `user` in `groups`, valid `seconds` (capped at the CA's own expiry). */
export async function mintUserCredentials(
  ca: Signer,
  user: string,
  groups: string[],
  seconds = DEFAULT_USER_CERT_SECONDS,
): Promise<UserCredentials> {
  const keys = await generateKeyPairPem();
  const now = Date.now();
  const caNotAfter = Date.parse(new X509Certificate(ca.certPem).validTo);
  const notAfter = new Date(Math.min(now + seconds * 1000, caNotAfter));
  const certPem = await issueCertificate(
    {
      commonName: user,
      organizations: groups,
      usage: 'client',
      validDays: 0,
      notBefore: new Date(now - 5 * 60 * 1000),
      notAfter,
      keyUsages: ['digital signature', 'client auth'],
    },
    keys.publicKey,
    ca,
  );
  return { certPem, keyPem: keys.privateKey, notAfter };
}
