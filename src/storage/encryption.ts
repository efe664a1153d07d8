// Encryption at rest for chosen key prefixes (secrets), as the apiserver's aesgcm provider does: reading the
// database file shows no secret value. The key lives in the data dir, mode 0600.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dataDirLayout } from '../data-dir.js';

const PREFIX = 'k8s:enc:aesgcm:v1:key1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface ValueTransformer {
  toStorage(plain: string): string;
  fromStorage(stored: string): string;
}

export class AesGcmTransformer implements ValueTransformer {
  constructor(private key: Buffer) {
    if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
  }

  toStorage(plain: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64');
  }

  fromStorage(stored: string): string {
    // Values written before encryption was on stay readable; the next write encrypts them.
    if (!stored.startsWith(PREFIX)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
    d.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([d.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), d.final()]).toString('utf8');
  }
}

/** Loads `<dataDir>/encryption-key` (base64, 32 bytes), creating it on first start. */
export async function loadOrCreateEncryptionKey(dataDir: string): Promise<Buffer> {
  const path = dataDirLayout(dataDir).encryptionKey;
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const key = randomBytes(32);
    await writeFile(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }
}

/** Key prefixes whose values are encrypted at rest. */
export const ENCRYPTED_PREFIXES = ['/registry/core/secrets/'];
