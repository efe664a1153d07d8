// The API of a test harness served over real TLS, with the server's own authenticator: a component gets a client
// certificate (CN = user, O = groups) from a throwaway CA, as kubelets and controllers authenticate to kube-apiserver,
// and an HttpClient that presents it. The app is a second front on the harness's service and registry, so what the
// harness writes in process is what this endpoint serves.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { createApp } from '../../src/api/app.js';
import { createAuthenticator } from '../../src/api/auth.js';
import { ensurePki } from '../../src/pki/certs.js';
import { generateKeyPairPem } from '../../src/pki/keys.js';
import { issueCertificate } from '../../src/pki/x509.js';
import { lazySchemaLookup } from '../../src/server/schema.js';
import { HttpClient } from '../../src/client/http-client.js';
import type { UserInfo } from '../../src/machinery/api/user.js';
import type { Harness } from '../api/harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface HttpsApi {
  url: string;
  /** A client authenticated by a client certificate for `user` (system:authenticated is added by the server). */
  clientFor(user: UserInfo): Promise<HttpClient>;
  close(): Promise<void>;
}

export async function serveHttps(h: Harness): Promise<HttpsApi> {
  const dir = mkdtempSync(join(tmpdir(), 'dockube-https-api-'));
  const pki = await ensurePki(dir, { hosts: ['127.0.0.1'] });
  let port = 0;
  const app = createApp({
    service: h.service,
    registry: h.service.registry,
    schema: lazySchemaLookup(join(ROOT, 'openapi', 'definitions.json')),
    authenticate: createAuthenticator(pki),
    nodes: () => undefined,
    isReady: () => true,
    serverAddress: () => `127.0.0.1:${port}`,
  });
  const server = https.createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false },
    app,
  );
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const clients: HttpClient[] = [];
  return {
    url,
    async clientFor(user) {
      const keys = await generateKeyPairPem();
      const organizations = user.groups.filter((g) => g !== 'system:authenticated');
      const cert = await issueCertificate({ commonName: user.name, organizations, usage: 'client', validDays: 1 }, keys.publicKey, {
        keyPem: pki.caKey,
        certPem: pki.caCert,
      });
      const c = new HttpClient({ server: url, ca: pki.caCert, cert, key: keys.privateKey });
      clients.push(c);
      return c;
    },
    async close() {
      clients.forEach((c) => c.close());
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
