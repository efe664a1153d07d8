// Key pairs come from OpenSSL through node's async API: it runs off the event loop and in parallel.
// ECDSA P-256 rather than RSA: a P-256 key takes about a millisecond, RSA-2048 hundreds (measured 0.5-1.6 s for four
// on two cores), and kubectl, Go, Node and Python clients all accept ECDSA certificates.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

/** A fresh P-256 key pair: PKCS#8 private key and SPKI public key, both PEM. */
export async function generateKeyPairPem(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generate('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}
