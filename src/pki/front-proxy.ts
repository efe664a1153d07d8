// The aggregation layer's front-proxy credentials, as kubeadm lays them out for kube-apiserver's
// --requestheader-client-ca-file and --proxy-client-cert-file/--proxy-client-key-file: a CA of their own (extension
// API servers trust request headers only from a client certificate it signed) and the `front-proxy-client`
// certificate the API server presents when it proxies to them. Created on first use, reused after.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { dataDirLayout } from '../data-dir.js';
import { ensurePrivateDir, readIfExists, writeFileAtomic } from './files.js';
import { generateKeyPairPem } from './keys.js';

export interface FrontProxyCredentials {
  caCert: string;
  clientCert: string;
  clientKey: string;
}

/** The client certificate's common name: what `requestheader-allowed-names` lists. */
export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';
const CA_NAME = 'front-proxy-ca';
const CA_DAYS = 3650;
const CLIENT_DAYS = 365;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

const usable = (cert: string | undefined, key: string | undefined, marginMs: number): X509Certificate | undefined => {
  if (!cert || !key) return undefined;
  try {
    const x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key)) || Date.parse(x.validTo) - Date.now() < marginMs) return undefined;
    return x;
  } catch {
    return undefined;
  }
};

export async function ensureFrontProxyCredentials(dataDir: string): Promise<FrontProxyCredentials> {
  const files = dataDirLayout(dataDir).pki;
  await ensurePrivateDir(files.dir);
  const read = (name: string) => Promise.all([readIfExists(files.cert(name)), readIfExists(files.key(name))]);
  let [caCert, caKey] = await read(CA_NAME);
  let [clientCert, clientKey] = await read(FRONT_PROXY_CLIENT_NAME);
  const caX = usable(caCert, caKey, 0);
  const clientX = caX && usable(clientCert, clientKey, RENEW_BEFORE_MS);
  if (caX && clientX && clientX.checkIssued(caX) && clientX.verify(caX.publicKey))
    return { caCert: caCert!, clientCert: clientCert!, clientKey: clientKey! };
  const { issueCertificate, issueSelfSigned } = await import('./x509.js');
  if (!caX) {
    const k = await generateKeyPairPem();
    caCert = await issueSelfSigned({ commonName: CA_NAME, usage: 'ca', validDays: CA_DAYS }, k);
    caKey = k.privateKey;
    await writeFileAtomic(files.key(CA_NAME), caKey);
    await writeFileAtomic(files.cert(CA_NAME), caCert);
  }
  const k = await generateKeyPairPem();
  clientCert = await issueCertificate({ commonName: FRONT_PROXY_CLIENT_NAME, usage: 'client', validDays: CLIENT_DAYS }, k.publicKey, {
    keyPem: caKey!,
    certPem: caCert!,
  });
  clientKey = k.privateKey;
  await writeFileAtomic(files.key(FRONT_PROXY_CLIENT_NAME), clientKey);
  await writeFileAtomic(files.cert(FRONT_PROXY_CLIENT_NAME), clientCert);
  return { caCert: caCert!, clientCert, clientKey };
}
