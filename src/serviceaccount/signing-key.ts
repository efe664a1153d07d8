// The service account signing key: an EC P-256 key in <dataDir>/sa.key (mode 0600), created on first start.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dataDirLayout } from '../data-dir.js';
import { readIfExists, writeFileAtomic } from '../pki/files.js';
import { keyIdOf } from './jwt.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

function fromPrivate(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Generates a key in memory (tests, or a server without a data dir). */
export function generateSigningKey(): SigningKey {
  return fromPrivate(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

/** Loads `<dataDir>/sa.key`, or creates it; an unreadable or non-P-256 file is replaced (old tokens then fail). */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = dataDirLayout(dataDir).serviceAccountKey;
  const pem = await readIfExists(path);
  if (pem) {
    try {
      const key = createPrivateKey(pem);
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return fromPrivate(key);
    } catch {
      /* replaced below */
    }
  }
  const key = generateSigningKey();
  await writeFileAtomic(path, key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  return key;
}
