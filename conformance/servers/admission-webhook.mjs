// A small admission webhook server for conformance scenario 107, run in a pod of dockube/node-test (the host's node
// in a scratch image): /mutate labels every pod it is sent (JSONPatch) and warns, /validate refuses pods labelled
// deny=true, /exec refuses every exec and port-forward (CONNECT). One log line per review, for the scenario to read with kubectl logs.
import { readFileSync } from 'node:fs';
import https from 'node:https';

const LABEL = 'webhook.dockube.test/mutated';

function respond(review, path) {
  const req = review.request;
  const labels = req.object?.metadata?.labels ?? null;
  console.log(
    `${path} ${req.operation} ${req.resource.resource} ${req.namespace}/${req.name} user=${req.userInfo.username} dryRun=${req.dryRun}`,
  );
  const response = { uid: req.uid, allowed: true };
  if (path === '/mutate') {
    const patch = labels
      ? [{ op: 'add', path: `/metadata/labels/${LABEL.replace('/', '~1')}`, value: 'true' }]
      : [{ op: 'add', path: '/metadata/labels', value: { [LABEL]: 'true' } }];
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
    response.warnings = ['labelled by the test webhook'];
  } else if (path === '/exec') {
    response.allowed = false;
    response.status = {
      code: 403,
      reason: 'Forbidden',
      message:
        req.kind?.kind === 'PodPortForwardOptions'
          ? 'port-forward is not allowed here'
          : `exec of ${JSON.stringify(req.object?.command ?? [])} is not allowed here`,
    };
  } else if (path === '/validate' && labels?.deny === 'true') {
    response.allowed = false;
    response.status = { code: 403, reason: 'Forbidden', message: 'pods labelled deny=true are not allowed' };
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

const server = https.createServer({ cert: readFileSync('/tls/tls.crt'), key: readFileSync('/tls/tls.key') }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = respond(JSON.parse(Buffer.concat(chunks).toString('utf8')), (req.url ?? '').split('?')[0]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } catch (e) {
      res.writeHead(400);
      res.end(String(e));
    }
  });
});
server.listen(8443, () => console.log('admission webhook listening on 8443'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
