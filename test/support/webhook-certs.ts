// A CA and a serving certificate for test webhooks, made with the openssl command (EC P-256: fast), so tests do
// not depend on the server's own PKI code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebhookCerts {
  caPem: string;
  /** caPem in base64, as a caBundle. */
  caBundle: string;
  certPem: string;
  keyPem: string;
}

/** `dnsNames` and `ips` become the serving certificate's subjectAltNames. */
export function makeWebhookCerts(dnsNames: string[], ips: string[] = []): WebhookCerts {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-certs-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=webhook-test-ca',
    );
    ssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'tls.key',
      '-out',
      'tls.csr',
      '-subj',
      `/CN=${dnsNames[0] ?? ips[0] ?? 'webhook'}`,
    );
    const san = [...dnsNames.map((d) => `DNS:${d}`), ...ips.map((i) => `IP:${i}`)].join(',');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    ssl(
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'tls.crt',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    );
    const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
    return {
      caPem,
      caBundle: Buffer.from(caPem).toString('base64'),
      certPem: readFileSync(join(dir, 'tls.crt'), 'utf8'),
      keyPem: readFileSync(join(dir, 'tls.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
