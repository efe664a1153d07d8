// @kubernetes/client-node 1.4.0 reading pod logs over WebSocket (issue 9), as the apiserver serves any streaming GET:
// its WebSocketHandler (credentials and TLS from the kubeconfig) with base64.binary.k8s.io, and `ws` with the
// kubeconfig's HTTPS options for binary.k8s.io and no subprotocol. Usage: KUBECONFIG NAMESPACE POD FOLLOW_POD
// EXPECTED_LOG followed by x. Prints "ok NAME" / "FAIL NAME: why" per check; exits non-zero when one failed.
import * as k8s from '@kubernetes/client-node';
import WebSocket from 'ws';
// Not re-exported by the package index in 1.4.0; Exec and Attach use it from here.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';

const [kubeconfig, ns, pod, followPod, expectedX] = process.argv.slice(2);
const expected = expectedX.slice(0, -1); // the shell keeps the log's last newline by appending an x
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const server = kc.getCurrentCluster().server.replace(/^https:/, 'wss:');
let failed = 0;
const check = (name, cond, why = '') => {
  if (cond) console.log(`ok ${name}`);
  else {
    failed++;
    console.log(`FAIL ${name}: ${why}`);
  }
};
const logPath = (name, query = '') => `/api/v1/namespaces/${ns}/pods/${name}/log${query ? `?${query}` : ''}`;

/** Reads one log over `ws` with these subprotocols; `until` may end it early (follow). */
async function readWs(path, protocols, until = () => false) {
  const opts = {};
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server + path, protocols, opts);
    const r = { protocol: undefined, messages: 0, binary: true, text: '' };
    ws.on('open', () => (r.protocol = ws.protocol));
    ws.on('message', (data, isBinary) => {
      r.messages++;
      r.binary &&= isBinary;
      r.text += isBinary ? data.toString() : Buffer.from(data.toString(), 'base64').toString();
      if (until(r.text)) ws.close();
    });
    ws.on('close', (code) => resolve({ ...r, code }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

async function main() {
  // client-node's own WebSocketHandler, offering the reader protocol instead of its channel protocols.
  let text = '';
  const handler = new WebSocketHandler(kc, (uri, _channelProtocols, opts) => new WebSocket(uri, ['base64.binary.k8s.io'], opts));
  const ws = await handler.connect(
    logPath(pod),
    (t) => {
      text += Buffer.from(t, 'base64').toString();
      return true;
    },
    null,
  );
  await new Promise((r) => ws.on('close', r));
  check(
    'WebSocketHandler reads the log (base64.binary.k8s.io)',
    ws.protocol === 'base64.binary.k8s.io' && text === expected,
    JSON.stringify([ws.protocol, text]),
  );

  const bin = await readWs(logPath(pod, 'tailLines=2'), ['binary.k8s.io']);
  const tail = expected.split('\n').slice(-3).join('\n');
  check(
    'binary.k8s.io with tailLines=2: binary messages, no channel byte',
    bin.protocol === 'binary.k8s.io' && bin.binary && bin.text === tail && bin.code === 1000,
    JSON.stringify(bin),
  );

  const plain = await readWs(logPath(pod, 'timestamps=true'), []);
  check(
    'no subprotocol: binary, timestamps=true',
    plain.protocol === '' && plain.binary && /^\d{4}-\d\d-\d\dT[\d:.]+Z line1\n/.test(plain.text),
    JSON.stringify(plain),
  );

  const followed = await readWs(logPath(followPod, 'follow=true'), ['binary.k8s.io'], (t) => (t.match(/tick/g) ?? []).length >= 3);
  check('follow=true streams new lines as they are written', (followed.text.match(/tick/g) ?? []).length >= 3, JSON.stringify(followed));

  let refused = '';
  await new WebSocketHandler(kc).connect(logPath(pod), null, null).then(
    (s) => s.close(),
    (e) => (refused = String(e?.message ?? e)),
  );
  check('channel.k8s.io subprotocols are refused for logs, as wsstream refuses them', /403/.test(refused), refused || 'accepted');
}

main()
  .catch((e) => check('run', false, e?.stack ?? String(e)))
  .finally(() => process.exit(failed ? 1 : 0));
