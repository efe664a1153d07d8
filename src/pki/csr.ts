// PKCS#10 certificate signing requests (client-go's ParseCSR and Go's x509.ParseCertificateRequest + CheckSignature):
// the subject, the public key, the requested subjectAltNames, and whether the request's own signature checks out.
// @peculiar/x509 decodes the request; node's crypto checks the signature, synchronously, because API validation of
// spec.request is synchronous.
import type * as X509 from '@peculiar/x509';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { types } from 'node:util';
import { x509Lib } from './x509-lib.js';

export interface ParsedCsr {
  /** Subject attributes as Go's pkix.Name reads them: the CN, the O values. */
  commonName: string;
  organizations: string[];
  /** The subject DN exactly as requested (DER), copied into the certificate the signer issues. */
  subjectDer: Buffer;
  publicKey: KeyObject;
  /** The public key as SPKI PEM. */
  publicKeyPem: string;
  dnsNames: string[];
  emailAddresses: string[];
  ipAddresses: string[];
  uris: string[];
}

const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/** The hash node needs for each signature algorithm Go's x509 verifies (null: the key decides, Ed25519). */
type NamedAlgorithm = { name: string; hash?: string | { name: string } };

function signatureHash(alg: NamedAlgorithm): string | null | undefined {
  const hash = typeof alg.hash === 'string' ? alg.hash : (alg.hash?.name ?? '');
  const byName: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
  if (alg.name === 'RSASSA-PKCS1-v1_5') return byName[hash];
  if (alg.name === 'ECDSA') return hash === 'SHA-1' ? undefined : byName[hash];
  if (alg.name === 'Ed25519') return null;
  return undefined;
}

/** Decodes the PEM as client-go's ParseCSR: exactly a CERTIFICATE REQUEST block. Throws with Go's wording. */
function decodePem(pem: string): Buffer {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || m[1] !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  if (/^[\w-]+:/m.test(m[2]!)) throw new Error('PEM block type must be CERTIFICATE REQUEST'); // headers: not a CSR block
  return Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64');
}

/**
 * The DER of certificationRequestInfo, the part the signature covers, as received. @peculiar/x509 keeps it (its
 * own verify() uses it) but only behind an internal getter and an asynchronous WebCrypto verify.
 */
function signedBytes(req: X509.Pkcs10CertificateRequest): Buffer {
  const tbs = (req as unknown as { tbs?: unknown }).tbs;
  if (types.isArrayBuffer(tbs)) return Buffer.from(tbs);
  if (ArrayBuffer.isView(tbs)) return Buffer.from(tbs.buffer, tbs.byteOffset, tbs.byteLength);
  throw new Error('x509: malformed certificate request');
}

/**
 * Parses a PEM-encoded PKCS#10 request and checks its signature (what certificates.k8s.io validation requires of
 * spec.request). Throws an Error whose message is what the API reports.
 */
export function parseCsr(pem: string): ParsedCsr {
  const der = decodePem(pem);
  const x509 = x509Lib();
  let req: X509.Pkcs10CertificateRequest;
  let subject: X509.Name;
  try {
    req = new x509.Pkcs10CertificateRequest(der);
    subject = req.subjectName;
  } catch {
    throw new Error("asn1: structure error: tags don't match");
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(req.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    throw new Error('x509: unsupported public key algorithm');
  }
  let hash: string | null | undefined;
  try {
    hash = signatureHash(req.signatureAlgorithm as NamedAlgorithm);
  } catch {
    hash = undefined; // an algorithm the library does not know either
  }
  if (hash === undefined) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  if (!verify(hash, signedBytes(req), publicKey, Buffer.from(req.signature)))
    throw new Error(publicKey.asymmetricKeyType === 'rsa' ? 'crypto/rsa: verification error' : 'x509: ECDSA verification failure');

  const out: ParsedCsr = {
    commonName: subject.getField('CN').at(-1) ?? '', // Go's pkix.Name keeps the last CN
    organizations: subject.getField('O'),
    subjectDer: Buffer.from(subject.toArrayBuffer()),
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    dnsNames: [],
    emailAddresses: [],
    ipAddresses: [],
    uris: [],
  };
  const san = req.getExtension(OID_SUBJECT_ALT_NAME);
  for (const name of san instanceof x509.SubjectAlternativeNameExtension ? san.names.items : []) {
    if (name.type === 'dns') out.dnsNames.push(name.value);
    else if (name.type === 'email') out.emailAddresses.push(name.value);
    else if (name.type === 'url') out.uris.push(name.value);
    else if (name.type === 'ip') out.ipAddresses.push(name.value);
  }
  return out;
}
