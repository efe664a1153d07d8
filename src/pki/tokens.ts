// Static bearer tokens for the generated users, kept beside the certificates.
import { randomBytes } from 'node:crypto';
import { readIfExists, writeFileAtomic } from './files.js';

export interface Tokens {
  admin: string;
  viewer: string;
  monitoring: string;
}

/** 256 random bits, URL-safe so they travel unescaped in headers and WebSocket subprotocols. */
export const newToken = () => randomBytes(32).toString('base64url');

const valid = (t: unknown): t is string => typeof t === 'string' && /^[A-Za-z0-9_-]{20,}$/.test(t);

/** Loads `<path>`, creating it (or the missing entries) on first use. */
export async function loadOrCreateTokens(path: string): Promise<Tokens> {
  const text = await readIfExists(path);
  let stored: Partial<Record<keyof Tokens, unknown>> = {};
  if (text !== undefined) {
    try {
      stored = JSON.parse(text) as typeof stored;
    } catch {
      stored = {};
    } // a corrupt file is replaced
  }
  const tokens: Tokens = {
    admin: valid(stored.admin) ? stored.admin : newToken(),
    viewer: valid(stored.viewer) ? stored.viewer : newToken(),
    monitoring: valid(stored.monitoring) ? stored.monitoring : newToken(),
  };
  if (tokens.admin !== stored.admin || tokens.viewer !== stored.viewer || tokens.monitoring !== stored.monitoring) {
    await writeFileAtomic(path, JSON.stringify(tokens, null, 2) + '\n');
  }
  return tokens;
}
