// PKCS#10 certificate signing requests (client-go's ParseCSR and Go's x509.ParseCertificateRequest + CheckSignature):
// the subject, the public key, the requested subjectAltNames, and whether the request's own signature checks out.
// node-forge decodes the ASN.1 (its own CSR parser knows RSA keys only); node's crypto verifies the signature.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

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

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_SAN = '2.5.29.17';
/** Signature algorithms Go's x509 verifies, by the hash node needs (null: the key decides, Ed25519). */
const SIGNATURE_HASH: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

const bin = (a: Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const kids = (a: Asn1 | undefined): Asn1[] => (a && Array.isArray(a.value) ? (a.value as Asn1[]) : []);
const text = (a: Asn1) => (typeof a.value === 'string' ? Buffer.from(a.value, 'binary').toString('utf8') : '');

/** Decodes the PEM as client-go's ParseCSR: exactly a CERTIFICATE REQUEST block. Throws with Go's wording. */
function decodePem(pem: string): Buffer {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || m[1] !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  if (/^[\w-]+:/m.test(m[2]!)) throw new Error('PEM block type must be CERTIFICATE REQUEST'); // headers: not a CSR block
  return Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64');
}

function subjectAttributes(name: Asn1): { cn: string; o: string[] } {
  let cn = '';
  const o: string[] = [];
  for (const rdn of kids(name))
    for (const atv of kids(rdn)) {
      const [oid, value] = kids(atv);
      if (!oid || !value) continue;
      const id = asn1.derToOid(oid.value as string);
      if (id === OID_CN) cn = text(value);
      else if (id === OID_O) o.push(text(value));
    }
  return { cn, o };
}

/** The subjectAltName of the extensionRequest attribute: DNS [2], email [1], URI [6], IP [7]. */
function altNames(attributes: Asn1 | undefined, out: ParsedCsr): void {
  for (const attr of kids(attributes)) {
    const [oid, values] = kids(attr);
    if (!oid || asn1.derToOid(oid.value as string) !== OID_EXTENSION_REQUEST) continue;
    for (const exts of kids(values))
      for (const ext of kids(exts)) {
        const parts = kids(ext);
        if (!parts[0] || asn1.derToOid(parts[0].value as string) !== OID_SAN) continue;
        const octets = parts[parts.length - 1]!.value as string;
        const seq = asn1.fromDer(octets);
        for (const gn of kids(seq)) {
          const raw = Buffer.from(typeof gn.value === 'string' ? gn.value : '', 'binary');
          if (gn.type === 2) out.dnsNames.push(raw.toString('utf8'));
          else if (gn.type === 1) out.emailAddresses.push(raw.toString('utf8'));
          else if (gn.type === 6) out.uris.push(raw.toString('utf8'));
          else if (gn.type === 7) out.ipAddresses.push(ipText(raw));
        }
      }
  }
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/**
 * Parses a PEM-encoded PKCS#10 request and checks its signature (what certificates.k8s.io validation requires of
 * spec.request). Throws an Error whose message is what the API reports.
 */
export function parseCsr(pem: string): ParsedCsr {
  const der = decodePem(pem);
  let root: Asn1;
  try {
    root = asn1.fromDer(der.toString('binary'), { decodeBitStrings: false } as never);
  } catch {
    throw new Error("asn1: structure error: tags don't match");
  }
  const [info, algorithm, signature] = kids(root);
  const [, subject, spki, attributes] = kids(info);
  if (!info || !algorithm || !signature || !subject || !spki) throw new Error('x509: malformed certificate request');
  const spkiDer = bin(spki);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  } catch {
    throw new Error('x509: unsupported public key algorithm');
  }
  const algOid = asn1.derToOid(kids(algorithm)[0]?.value as string);
  if (!(algOid in SIGNATURE_HASH)) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  const sigBits = Buffer.from(signature.value as string, 'binary').subarray(1); // first byte: unused bits
  const ok = verify(SIGNATURE_HASH[algOid] ?? null, bin(info), publicKey, sigBits);
  if (!ok) throw new Error(publicKey.asymmetricKeyType === 'rsa' ? 'crypto/rsa: verification error' : 'x509: ECDSA verification failure');
  const { cn, o } = subjectAttributes(subject);
  const out: ParsedCsr = {
    commonName: cn,
    organizations: o,
    subjectDer: bin(subject),
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    dnsNames: [],
    emailAddresses: [],
    ipAddresses: [],
    uris: [],
  };
  altNames(attributes?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? attributes : undefined, out);
  return out;
}
