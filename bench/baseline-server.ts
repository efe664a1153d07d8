// The baseline: a bare express HTTPS server with dockube's TLS and keep-alive settings and fixed answers.
// Run as a child (forked by baseline.ts) so that, like dockube, it does not share the client's event loop.
// argv: <pki dir> <GET body file> <LIST body file>; reports { port } over IPC once listening.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { pkiLayout } from '../src/data-dir.js';
import express from 'express';

const [pkiDir, getFile, listFile] = process.argv.slice(2) as [string, string, string];
const getBody = readFileSync(getFile);
const listBody = readFileSync(listFile);

const app = express();
app.disable('x-powered-by');
app.disable('etag'); // as dockube's app, so neither side hashes bodies
app.get('/api/v1/namespaces/:ns/configmaps/:name', (_req, res) => {
  res.type('application/json').send(getBody);
});
app.get('/api/v1/namespaces/:ns/configmaps', (_req, res) => {
  res.type('application/json').send(listBody);
});
app.post('/api/v1/namespaces/:ns/configmaps', express.json(), (req, res) => {
  res.status(201).json(req.body);
});

const pki = pkiLayout(pkiDir);
const read = (path: string) => readFileSync(path, 'utf8');
const server = https.createServer(
  {
    key: read(pki.key('apiserver')),
    cert: read(pki.cert('apiserver')),
    ca: read(pki.cert('ca')),
    requestCert: true,
    rejectUnauthorized: false,
  },
  app,
);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0)); // the parent went away: do not linger
