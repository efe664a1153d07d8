// Issues X.509 certificates: node-forge encodes the certificate, node's crypto signs it.
// forge can only encode RSA public keys and sign with RSA, so the subject public key info and the signature
// algorithm are swapped into forge's TBSCertificate for their ECDSA counterparts before signing.
import { createPublicKey, randomBytes, sign, createHash } from 'node:crypto';
import forge from 'node-forge';
import { ipToBytes } from './hosts.js';

const { asn1, pki } = forge;
type Asn1 = forge.asn1.Asn1;
/** Present in forge's JavaScript, missing from its type definitions. */
interface ForgeTbs {
  getTBSCertificate(cert: forge.pki.Certificate): Asn1;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
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

/** certificates.k8s.io KeyUsage values → forge's keyUsage flags and extKeyUsage names (Go's x509 KeyUsage/ExtKeyUsage). */
const KEY_USAGE: Record<string, string> = {
  signing: 'digitalSignature',
  'digital signature': 'digitalSignature',
  'content commitment': 'nonRepudiation',
  'key encipherment': 'keyEncipherment',
  'key agreement': 'keyAgreement',
  'data encipherment': 'dataEncipherment',
  'cert sign': 'keyCertSign',
  'crl sign': 'cRLSign',
  'encipher only': 'encipherOnly',
  'decipher only': 'decipherOnly',
};
const EXT_KEY_USAGE: Record<string, string> = {
  'server auth': 'serverAuth',
  'client auth': 'clientAuth',
  'code signing': 'codeSigning',
  'email protection': 'emailProtection',
  's/mime': 'emailProtection',
  timestamping: 'timeStamping',
};

function requestedUsageExtensions(usages: string[]): object[] {
  const ku: Record<string, unknown> = { name: 'keyUsage', critical: true };
  const eku: Record<string, unknown> = { name: 'extKeyUsage' };
  for (const u of usages) {
    if (KEY_USAGE[u]) ku[KEY_USAGE[u]] = true;
    if (EXT_KEY_USAGE[u]) eku[EXT_KEY_USAGE[u]] = true;
  }
  const out: object[] = [];
  if (Object.keys(ku).length > 2) out.push(ku);
  if (Object.keys(eku).length > 1) out.push(eku);
  return out;
}

/** Who signs: the CA's private key and certificate. Absent for the self-signed CA itself. */
export interface Signer {
  keyPem: string;
  certPem: string;
}

const derBytes = (pem: string) => forge.pem.decode(pem)[0]!.body; // forge's binary string
// Bit strings stay opaque: an EC point is not ASN.1 and must round-trip untouched.
const parseDer = (pem: string): Asn1 => asn1.fromDer(derBytes(pem), { decodeBitStrings: false } as never) as Asn1;

/** RFC 5280 key identifier: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKeyPem: string): Buffer {
  const spki = parseDer(publicKeyPem);
  const bits = (spki.value as Asn1[])[1]!.value as string; // first byte is the unused-bit count
  return createHash('sha1')
    .update(Buffer.from(bits.slice(1), 'binary'))
    .digest();
}

/** A positive serial with a non-zero first byte, so its DER integer is minimal (Go rejects anything else). */
function serialHex(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f || 0x01;
  return b.toString('hex');
}

const sigAlgorithm = (): Asn1 =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(ECDSA_WITH_SHA256).getBytes()),
  ]);

const octets = (b: Buffer): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b.toString('binary'));

function extensionsFor(spec: CertSpec, subjectKeyPem: string, signerKeyId: Buffer | undefined): object[] {
  const exts: object[] = [];
  if (spec.usage === 'ca') {
    exts.push({ name: 'basicConstraints', cA: true, critical: true });
    exts.push({ name: 'keyUsage', digitalSignature: true, keyCertSign: true, cRLSign: true, critical: true });
  } else if (spec.keyUsages) {
    exts.push({ name: 'basicConstraints', cA: false, critical: true });
    exts.push(...requestedUsageExtensions(spec.keyUsages));
  } else {
    exts.push({ name: 'basicConstraints', cA: false, critical: true });
    exts.push({ name: 'keyUsage', digitalSignature: true, critical: true });
    exts.push({ name: 'extKeyUsage', serverAuth: spec.usage === 'server', clientAuth: spec.usage === 'client' });
  }
  exts.push({ name: 'subjectKeyIdentifier', value: octets(keyIdentifier(subjectKeyPem)) });
  if (signerKeyId) exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: signerKeyId.toString('binary') });
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(spec.ips ?? []).map((ip) => ({ type: 7, value: ipToBytes(ip).toString('binary') })),
    ...(spec.emails ?? []).map((value) => ({ type: 1, value })),
    ...(spec.uris ?? []).map((value) => ({ type: 6, value })),
  ];
  if (altNames.length) exts.push({ name: 'subjectAltName', altNames });
  return exts;
}

/** Issues a certificate for `subjectPublicKeyPem`, signed by the CA in `signer`. Returns the PEM. */
export function issueCertificate(spec: CertSpec, subjectPublicKeyPem: string, signer: Signer): string {
  return build(spec, subjectPublicKeyPem, signer.keyPem, signer.certPem);
}

/** A self-signed certificate (the CA), signed with its own private key. Returns the PEM. */
export function issueSelfSigned(spec: CertSpec, keys: { privateKey: string; publicKey: string }): string {
  return build(spec, keys.publicKey, keys.privateKey, undefined);
}

function build(spec: CertSpec, subjectPublicKeyPem: string, signingKeyPem: string, issuerCertPem: string | undefined): string {
  const cert = pki.createCertificate();
  // Placeholder key: forge needs an RSA key to build its TBSCertificate; the real SPKI replaces it below.
  cert.publicKey = pki.setRsaPublicKey(new forge.jsbn.BigInteger('1', 16), new forge.jsbn.BigInteger('1', 16));
  cert.serialNumber = serialHex();
  const now = Date.now();
  cert.validity.notBefore = spec.notBefore ?? new Date(now - 3600 * 1000); // tolerate clients whose clock is a little behind
  cert.validity.notAfter = spec.notAfter ?? new Date(now + spec.validDays * DAY_MS);
  const subject: forge.pki.CertificateField[] = [
    ...(spec.organizations ?? []).map((value) => ({ shortName: 'O', value })),
    { shortName: 'CN', value: spec.commonName },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject); // a CA-signed certificate gets the CA's exact subject below
  const issuerPublicPem = createPublicKey(signingKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  cert.setExtensions(extensionsFor(spec, subjectPublicKeyPem, issuerCertPem ? keyIdentifier(issuerPublicPem) : undefined));
  cert.siginfo.algorithmOid = ECDSA_WITH_SHA256;

  const tbs = (pki as unknown as ForgeTbs).getTBSCertificate(cert);
  const fields = tbs.value as Asn1[];
  // TBSCertificate: version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, extensions.
  fields[2] = sigAlgorithm();
  if (issuerCertPem) fields[3] = subjectOf(issuerCertPem);
  if (spec.subjectDer) fields[5] = asn1.fromDer(spec.subjectDer.toString('binary'));
  fields[6] = parseDer(subjectPublicKeyPem);

  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, signingKeyPem); // ECDSA, DER-encoded (r, s) as X.509 wants
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    sigAlgorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  return forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(certificate).getBytes() }, { maxline: 64 });
}

/** The signer certificate's subject DN, copied byte for byte so chain building matches it exactly. */
function subjectOf(certPem: string): Asn1 {
  const certAsn1 = parseDer(certPem);
  const tbs = (certAsn1.value as Asn1[])[0]!;
  return (tbs.value as Asn1[])[5]!;
}
