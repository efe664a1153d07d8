// The cluster's PKI: a CA, the serving certificate and two client identities, created on first start and reused after.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dataDirLayout, pkiLayout } from '../data-dir.js';
import { ensurePrivateDir, readIfExists, writeFileAtomic } from './files.js';
import { generateKeyPairPem, type KeyPairPem } from './keys.js';
import { sanSetOf, type SanSet } from './hosts.js';
import type { CertSpec } from './x509.js';
import { loadOrCreateTokens, type Tokens } from './tokens.js';
import { ADMIN_USER, CA_COMMON_NAME, SERVER_COMMON_NAME, VIEWER_USER } from './identities.js';

export interface Pki {
  /** `<dataDir>/pki`, where the PEM files and tokens.json live. */
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  viewerCert: string;
  viewerKey: string;
  tokens: Tokens;
}

export interface EnsurePkiOptions {
  /** DNS names and IP addresses the serving certificate must cover (loopback ones are always added). */
  hosts: string[];
}

type Leaf = 'server' | 'admin' | 'viewer';
interface Pair {
  cert: string;
  key: string;
}

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaf certificates closer than this to expiry are re-issued at start-up. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
/** File base names inside the pki directory. */
const FILE: Record<'ca' | Leaf, string> = { ca: 'ca', server: 'apiserver', admin: 'admin', viewer: 'viewer' };

function leafSpec(leaf: Leaf, san: SanSet): CertSpec {
  switch (leaf) {
    case 'server':
      return { commonName: SERVER_COMMON_NAME, usage: 'server', validDays: LEAF_DAYS, dnsNames: san.dnsNames, ips: san.ips };
    case 'admin':
      return { commonName: ADMIN_USER.name, organizations: ADMIN_USER.groups, usage: 'client', validDays: LEAF_DAYS };
    case 'viewer':
      return { commonName: VIEWER_USER.name, organizations: VIEWER_USER.groups, usage: 'client', validDays: LEAF_DAYS };
  }
}

type PkiFiles = ReturnType<typeof pkiLayout>;

async function loadPair(files: PkiFiles, name: string): Promise<Pair | undefined> {
  const [cert, key] = await Promise.all([readIfExists(files.cert(name)), readIfExists(files.key(name))]);
  return cert && key ? { cert, key } : undefined;
}

async function savePair(files: PkiFiles, name: string, pair: Pair): Promise<void> {
  // Key first: a crash in between leaves a cert that fails the key check and is simply re-issued.
  await writeFileAtomic(files.key(name), pair.key);
  await writeFileAtomic(files.cert(name), pair.cert);
}

/** Parses the pair and checks that the key belongs to the certificate; undefined when unusable. */
function parse(pair: Pair | undefined): X509Certificate | undefined {
  if (!pair) return undefined;
  try {
    const x = new X509Certificate(pair.cert);
    return x.checkPrivateKey(createPrivateKey(pair.key)) ? x : undefined;
  } catch {
    return undefined;
  }
}

const fresh = (x: X509Certificate, marginMs: number) =>
  Date.parse(x.validTo) - Date.now() > marginMs && Date.parse(x.validFrom) <= Date.now();

/** Does a stored leaf still fit: signed by this CA, not about to expire, same identity, and (server) every SAN? */
function leafStillValid(x: X509Certificate, ca: X509Certificate, spec: CertSpec): boolean {
  if (!x.checkIssued(ca) || !x.verify(ca.publicKey) || !fresh(x, RENEW_BEFORE_MS)) return false;
  const subject = x.subject.split('\n');
  if (!subject.includes(`CN=${spec.commonName}`)) return false;
  if ((spec.organizations ?? []).some((o) => !subject.includes(`O=${o}`))) return false;
  if (spec.usage === 'server') {
    if ((spec.dnsNames ?? []).some((d) => x.checkHost(d, { wildcards: false }) === undefined)) return false;
    if ((spec.ips ?? []).some((ip) => x.checkIP(ip) === undefined)) return false;
  }
  return true;
}

/**
 * Loads the PKI from `<dataDir>/pki`, creating whatever is missing or no longer fits: a new CA re-issues everything;
 * a serving certificate lacking a requested host, or any leaf near expiry, is re-issued alone.
 */
export async function ensurePki(dataDir: string, opts: EnsurePkiOptions): Promise<Pki> {
  const files = dataDirLayout(dataDir).pki;
  const dir = files.dir;
  await mkdir(dataDir, { recursive: true, mode: 0o700 }); // an existing data dir keeps its mode: it may be shared
  await ensurePrivateDir(dir);
  const san = sanSetOf(opts.hosts);
  const leaves: Leaf[] = ['server', 'admin', 'viewer'];

  const [storedCa, ...storedLeaves] = await Promise.all([loadPair(files, FILE.ca), ...leaves.map((l) => loadPair(files, FILE[l]))]);
  const tokensPromise = loadOrCreateTokens(files.tokens);

  const caX = parse(storedCa);
  const caOk = caX !== undefined && caX.ca && fresh(caX, 0);
  const pairs = new Map<'ca' | Leaf, Pair>();
  if (caOk) pairs.set('ca', storedCa!);
  leaves.forEach((leaf, i) => {
    const x = caOk ? parse(storedLeaves[i]) : undefined;
    if (x && leafStillValid(x, caX!, leafSpec(leaf, san))) pairs.set(leaf, storedLeaves[i]!);
  });

  // Everything missing gets its key at once: key generation runs in OpenSSL's threads, in parallel.
  const missing = (['ca', ...leaves] as const).filter((n) => !pairs.has(n));
  const keys = new Map<string, KeyPairPem>();
  (await Promise.all(missing.map(() => generateKeyPairPem()))).forEach((k, i) => keys.set(missing[i]!, k));
  // The X.509 library is only needed to issue certificates: a restart with a valid PKI never loads it.
  const { issueCertificate, issueSelfSigned } = missing.length ? await import('./x509.js') : ({} as typeof import('./x509.js'));

  if (!pairs.has('ca')) {
    const k = keys.get('ca')!;
    const cert = await issueSelfSigned({ commonName: CA_COMMON_NAME, usage: 'ca', validDays: CA_DAYS }, k);
    pairs.set('ca', { cert, key: k.privateKey });
  }
  const ca = pairs.get('ca')!;
  for (const leaf of leaves) {
    if (pairs.has(leaf)) continue;
    const k = keys.get(leaf)!;
    pairs.set(leaf, {
      cert: await issueCertificate(leafSpec(leaf, san), k.publicKey, { keyPem: ca.key, certPem: ca.cert }),
      key: k.privateKey,
    });
  }
  await Promise.all(missing.map((n) => savePair(files, FILE[n], pairs.get(n)!)));

  const get = (n: 'ca' | Leaf) => pairs.get(n)!;
  return {
    dir,
    caCert: get('ca').cert,
    caKey: get('ca').key,
    serverCert: get('server').cert,
    serverKey: get('server').key,
    adminCert: get('admin').cert,
    adminKey: get('admin').key,
    viewerCert: get('viewer').cert,
    viewerKey: get('viewer').key,
    tokens: await tokensPromise,
  };
}
