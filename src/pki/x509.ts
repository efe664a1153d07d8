// Issues X.509 certificates with @peculiar/x509, which builds and signs ECDSA certificates natively (the CA's key
// signs through WebCrypto). The subject key may be of any algorithm (a CSR's RSA key included): it is copied as its
// SubjectPublicKeyInfo.
import type * as X509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { x509Lib } from './x509-lib.js';

type CryptoKey = webcrypto.CryptoKey;

const DAY_MS = 24 * 3600 * 1000;

export type CertUsage = 'ca' | 'server' | 'client';

export interface CertSpec {
  commonName: string;
  organizations?: string[];
  usage: CertUsage;
  validDays: number;
  dnsNames?: string[];
  ips?: string[];
  emails?: string[];
  uris?: string[];
  /** Exact validity, instead of one hour back to validDays ahead (the CSR signer's backdate and requested duration). */
  notBefore?: Date;
  notAfter?: Date;
  /** The subject DN as DER, copied as is (a CSR's subject); commonName/organizations are then ignored. */
  subjectDer?: Buffer;
  /** certificates.k8s.io usages ("digital signature", "client auth", ...) instead of those `usage` implies. */
  keyUsages?: string[];
}

/** Who signs: the CA's private key and certificate. Absent for the self-signed CA itself. */
export interface Signer {
  keyPem: string;
  certPem: string;
}

/** keyUsage bits in @peculiar/x509's numbering (its KeyUsageFlags), and the extKeyUsage OIDs of RFC 5280. */
const KU = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
} as const;
const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

/** certificates.k8s.io KeyUsage values → X.509 keyUsage bits and extKeyUsage OIDs (Go's x509 KeyUsage/ExtKeyUsage). */
const KEY_USAGE: Record<string, number> = {
  signing: KU.digitalSignature,
  'digital signature': KU.digitalSignature,
  'content commitment': KU.nonRepudiation,
  'key encipherment': KU.keyEncipherment,
  'key agreement': KU.keyAgreement,
  'data encipherment': KU.dataEncipherment,
  'cert sign': KU.keyCertSign,
  'crl sign': KU.cRLSign,
  'encipher only': KU.encipherOnly,
  'decipher only': KU.decipherOnly,
};
const EXT_KEY_USAGE: Record<string, string> = {
  'server auth': EKU.serverAuth,
  'client auth': EKU.clientAuth,
  'code signing': EKU.codeSigning,
  'email protection': EKU.emailProtection,
  's/mime': EKU.emailProtection,
  timestamping: EKU.timeStamping,
};

/** The keyUsage and extKeyUsage extensions a spec asks for (the requested usages, or those of its kind). */
function usageExtensions(x509: ReturnType<typeof x509Lib>, spec: CertSpec): X509.Extension[] {
  let bits = 0;
  const ekus = new Set<string>();
  if (spec.usage === 'ca') bits = KU.digitalSignature | KU.keyCertSign | KU.cRLSign;
  else if (spec.keyUsages) {
    for (const u of spec.keyUsages) {
      bits |= KEY_USAGE[u] ?? 0;
      if (EXT_KEY_USAGE[u]) ekus.add(EXT_KEY_USAGE[u]);
    }
  } else {
    bits = KU.digitalSignature;
    ekus.add(spec.usage === 'server' ? EKU.serverAuth : EKU.clientAuth);
  }
  const out: X509.Extension[] = [new x509.BasicConstraintsExtension(spec.usage === 'ca', undefined, true)];
  if (bits) out.push(new x509.KeyUsagesExtension(bits, true));
  if (ekus.size) out.push(new x509.ExtendedKeyUsageExtension([...ekus]));
  return out;
}

function altNames(spec: CertSpec): X509.JsonGeneralNames {
  return [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(spec.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(spec.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
}

/** A positive serial with a non-zero first byte, so its DER integer is minimal (Go rejects anything else). */
function serialHex(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f || 0x01;
  return b.toString('hex');
}

/** The WebCrypto ECDSA algorithm (curve and hash, as Go pairs them) of an EC private key. */
const EC_CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
};

async function signingKeyOf(pem: string): Promise<{ key: CryptoKey; hash: string }> {
  const key = createPrivateKey(pem);
  const curve = EC_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (key.asymmetricKeyType !== 'ec' || !curve) throw new Error('the signing key must be an ECDSA P-256 or P-384 key');
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const imported = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve.namedCurve }, false, ['sign']);
  return { key: imported, hash: curve.hash };
}

const spkiDer = (publicKeyPem: string) => createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });

/** Issues a certificate for `subjectPublicKeyPem`, signed by the CA in `signer`. Returns the PEM. */
export function issueCertificate(spec: CertSpec, subjectPublicKeyPem: string, signer: Signer): Promise<string> {
  return build(spec, subjectPublicKeyPem, signer.keyPem, signer.certPem);
}

/** A self-signed certificate (the CA), signed with its own private key. Returns the PEM. */
export function issueSelfSigned(spec: CertSpec, keys: { privateKey: string; publicKey: string }): Promise<string> {
  return build(spec, keys.publicKey, keys.privateKey, undefined);
}

async function build(
  spec: CertSpec,
  subjectPublicKeyPem: string,
  signingKeyPem: string,
  issuerCertPem: string | undefined,
): Promise<string> {
  const x509 = x509Lib();
  const subjectKey = spkiDer(subjectPublicKeyPem);
  const subject = spec.subjectDer
    ? new x509.Name(spec.subjectDer)
    : new x509.Name([...(spec.organizations ?? []).map((o) => ({ O: [o] })), { CN: [spec.commonName] }]);
  const issuerCert = issuerCertPem ? new x509.X509Certificate(issuerCertPem) : undefined;
  const extensions = usageExtensions(x509, spec);
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(subjectKey));
  if (issuerCert) {
    // As Go's CreateCertificate: the authority key id is the issuer's subject key id.
    const ski = issuerCert.getExtension(x509.SubjectKeyIdentifierExtension);
    extensions.push(
      ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId) : await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
    );
  }
  const names = altNames(spec);
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));

  const signing = await signingKeyOf(signingKeyPem);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(),
    subject,
    // The issuer DN copied byte for byte from the signer's certificate, so chain building matches it exactly.
    issuer: issuerCert ? new x509.Name(issuerCert.subjectName.toArrayBuffer()) : subject,
    notBefore: spec.notBefore ?? new Date(now - 3600 * 1000), // tolerate clients whose clock is a little behind
    notAfter: spec.notAfter ?? new Date(now + spec.validDays * DAY_MS),
    publicKey: subjectKey,
    signingKey: signing.key,
    signingAlgorithm: { name: 'ECDSA', hash: signing.hash },
    extensions,
  });
  return cert.toString('pem') + '\n';
}
