// @peculiar/x509, loaded on first use (issuing a certificate, reading a CSR), never at start-up: with its ASN.1
// schemas it takes ~150 ms to load. Its CommonJS build loads synchronously, so CSR validation stays synchronous;
// one copy serves every caller (the issuer and the CSR parser compare its classes with instanceof).
import { createRequire } from 'node:module';

type X509 = typeof import('@peculiar/x509');

let lib: X509 | undefined;

export function x509Lib(): X509 {
  if (!lib) {
    const require = createRequire(import.meta.url);
    require('reflect-metadata'); // its dependency injection (tsyringe) needs the Reflect metadata API first
    lib = require('@peculiar/x509') as X509;
  }
  return lib;
}
