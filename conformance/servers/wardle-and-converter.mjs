// Scenario 110's server (run by dockube/node-test: the host's node, no packages): one HTTPS listener that is
// - a CRD conversion webhook at /convert: CronTab v1 `spec.cronSpec` <-> v2 `spec.schedule` (ConversionReview v1);
// - a tiny extension API server for wardle.example.com/v1alpha1 (namespaced `flunders`): requests must come from the
//   front proxy (a client certificate signed by the requestheader CA, CN front-proxy-client), and the user it names
//   in X-Remote-User is echoed in each flunder's spec, so the scenario sees the identity arrive; its OpenAPI (v2, v3)
//   describes Flunder for `kubectl explain`.
import https from 'node:https';
import { readFileSync } from 'node:fs';

const GV = '/apis/wardle.example.com/v1alpha1';
const json = (res, code, body) => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

function convert(review) {
  const want = review.request.desiredAPIVersion;
  const convertedObjects = review.request.objects.map((o) => {
    const spec = { ...o.spec };
    if (want.endsWith('/v2') && 'cronSpec' in spec) {
      spec.schedule = spec.cronSpec;
      delete spec.cronSpec;
    }
    if (want.endsWith('/v1') && 'schedule' in spec) {
      spec.cronSpec = spec.schedule;
      delete spec.schedule;
    }
    return { ...o, apiVersion: want, spec };
  });
  return {
    apiVersion: review.apiVersion,
    kind: 'ConversionReview',
    response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects },
  };
}

const resourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'wardle.example.com/v1alpha1',
  resources: [{ name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['get', 'list'], shortNames: ['fl'] }],
};

// Its OpenAPI, which the API server merges into its own so `kubectl explain flunders` works.
const flunderSchema = {
  type: 'object',
  description: 'A Flunder is the wardle test kind.',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    spec: {
      type: 'object',
      description: 'What the flunder asks for.',
      properties: { requestedBy: { type: 'string', description: 'The user the front proxy named.' } },
    },
  },
  'x-kubernetes-group-version-kind': [{ group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' }],
};
const openapi = {
  '/openapi/v3': {
    paths: { 'apis/wardle.example.com/v1alpha1': { serverRelativeURL: '/openapi/v3/apis/wardle.example.com/v1alpha1?hash=1' } },
  },
  '/openapi/v3/apis/wardle.example.com/v1alpha1': {
    openapi: '3.0.0',
    info: { title: 'wardle', version: 'v0' },
    // kubectl explain finds the kind through an operation on the resource's path.
    paths: {
      '/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders': {
        get: {
          'x-kubernetes-group-version-kind': { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' },
          responses: {
            200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/com.example.wardle.v1alpha1.Flunder' } } } },
          },
        },
      },
    },
    components: { schemas: { 'com.example.wardle.v1alpha1.Flunder': flunderSchema } },
  },
  '/openapi/v2': {
    swagger: '2.0',
    info: { title: 'wardle', version: 'v0' },
    paths: {},
    definitions: { 'com.example.wardle.v1alpha1.Flunder': flunderSchema },
  },
};

function flunders(req, namespace) {
  const user = req.headers['x-remote-user'] ?? '';
  const groups = req.headers['x-remote-group'] ?? '';
  const item = {
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Flunder',
    metadata: { name: 'hello', namespace, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { requestedBy: user, groups },
  };
  if (/as=Table/.test(req.headers.accept ?? ''))
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {},
      columnDefinitions: [
        { name: 'Name', type: 'string', format: 'name', description: 'Name' },
        { name: 'Requested By', type: 'string', format: '', description: 'The user the front proxy named' },
      ],
      rows: [{ cells: ['hello', user], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata } }],
    };
  return { apiVersion: 'wardle.example.com/v1alpha1', kind: 'FlunderList', metadata: {}, items: [item] };
}

const server = https.createServer(
  {
    cert: readFileSync('/tls/tls.crt'),
    key: readFileSync('/tls/tls.key'),
    ca: readFileSync('/front-proxy/ca.crt'),
    requestCert: true,
    // The conversion webhook's caller presents no certificate; the API paths check it below.
    rejectUnauthorized: false,
  },
  (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url.split('?')[0];
      if (path === '/convert' && req.method === 'POST') return json(res, 200, convert(JSON.parse(body)));
      if (openapi[path]) return json(res, 200, openapi[path]);
      if (!path.startsWith(GV))
        return json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
      const peer = req.socket.getPeerCertificate();
      if (!req.socket.authorized || peer?.subject?.CN !== 'front-proxy-client')
        return json(res, 401, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 401,
          reason: 'Unauthorized',
          message: 'Unauthorized',
        });
      if (path === GV) return json(res, 200, resourceList);
      const m = /^\/apis\/wardle\.example\.com\/v1alpha1\/namespaces\/([^/]+)\/flunders$/.exec(path);
      if (m && req.method === 'GET') return json(res, 200, flunders(req, m[1]));
      json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' });
    });
  },
);
server.listen(8443);
