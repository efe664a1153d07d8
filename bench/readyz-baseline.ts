// The start-up baseline: a bare node:https server with dockube's serving certificate that answers /readyz "ok".
// Spawned by startup.ts like dockube is, so the difference is what dockube does before it answers.
// argv: <pki dir> <port>
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { pkiLayout } from '../src/data-dir.js';

const [pkiDir, port] = process.argv.slice(2) as [string, string];
const pki = pkiLayout(pkiDir);
const server = https.createServer(
  {
    key: readFileSync(pki.key('apiserver')),
    cert: readFileSync(pki.cert('apiserver')),
    ca: readFileSync(pki.cert('ca')),
    requestCert: true,
    rejectUnauthorized: false,
  },
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  },
);
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
