// The e2e suite's sample admission webhook (agnhost's `webhook` command) as an in-process HTTPS server, and its
// Service: upstream deploys it in a pod behind a Service; here the Service has no selector and its Endpoints name
// the server's 127.0.0.1 port, which is all the API server's webhook client resolves (`<svc>.<ns>.svc` as TLS name).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Harness } from '../harness.js';
import { makeWebhookCerts } from '../../support/webhook-certs.js';
import type { J } from './cluster.js';

export const SERVICE_NAME = 'e2e-test-webhook';
export const SERVICE_PORT = 8443;

interface Review {
  apiVersion: string;
  request: { uid: string; operation: string; object?: J; oldObject?: J };
}
type Answer = Record<string, unknown>;

const jsonPatch = (ops: unknown[]) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });

/** agnhost webhook's handlers, by path. */
const HANDLERS: Record<string, (r: Review) => Answer> = {
  '/always-deny': () => ({ allowed: false, status: { message: 'this webhook denies all requests' } }),
  '/always-allow-delay-5s': () => ({ allowed: true }),
  '/configmaps': (r) => {
    const cm = r.request.operation === 'DELETE' ? r.request.oldObject : r.request.object;
    for (const [k, v] of Object.entries((cm?.data ?? {}) as Record<string, string>))
      if (k === 'webhook-e2e-test' && v === 'webhook-disallow')
        return { allowed: false, status: { reason: 'the configmap contains unwanted key and value' } };
    return { allowed: true };
  },
  '/add-label': (r) =>
    r.request.object?.metadata?.labels
      ? { allowed: true, ...jsonPatch([{ op: 'add', path: '/metadata/labels/added-label', value: 'yes' }]) }
      : { allowed: true, ...jsonPatch([{ op: 'add', path: '/metadata/labels', value: { 'added-label': 'yes' } }]) },
  '/pods': (r) => {
    const pod = r.request.object ?? {};
    const msgs: string[] = [];
    if (pod.metadata?.labels?.['webhook-e2e-test'] === 'webhook-disallow') msgs.push('the pod contains unwanted label; ');
    for (const ct of (pod.spec?.containers ?? []) as J[])
      if (String(ct.name).includes('webhook-disallow')) msgs.push('the pod contains unwanted container name; ');
    return msgs.length ? { allowed: false, status: { message: msgs.join('').trim() } } : { allowed: true };
  },
  '/crd': (r) =>
    r.request.object?.metadata?.labels?.['webhook-e2e-test'] === 'webhook-disallow'
      ? { allowed: false, status: { reason: 'the crd contains unwanted label' } }
      : { allowed: true },
  '/mutating-pods': () => ({
    allowed: true,
    ...jsonPatch([
      {
        op: 'add',
        path: '/spec/initContainers',
        value: [{ image: 'webhook-added-image', name: 'webhook-added-init-container', resources: {} }],
      },
    ]),
  }),
  '/custom-resource': (r) => {
    if (r.request.operation === 'DELETE') {
      for (const [k, v] of Object.entries((r.request.oldObject?.data ?? {}) as Record<string, string>))
        if (k === 'webhook-e2e-test' && v === 'webhook-nondeletable')
          return { allowed: false, status: { reason: 'the custom resource cannot be deleted because it contains unwanted key and value' } };
      return { allowed: true };
    }
    for (const [k, v] of Object.entries((r.request.object?.data ?? {}) as Record<string, string>))
      if (k === 'webhook-e2e-test' && v === 'webhook-disallow')
        return { allowed: false, status: { reason: 'the custom resource contains unwanted data' } };
    return { allowed: true };
  },
  '/mutating-custom-resource': (r) => mutateData(r),
  '/mutating-configmaps': (r) => mutateData(r),
};

const hangs = (r: Review) => r.request.object?.metadata?.labels?.['webhook-e2e-test'] === 'wait-forever';

/** agnhost's configmap and custom resource mutation: mutation-start adds stage 1, stage 1 adds stage 2 (which wins). */
function mutateData(r: Review): Answer {
  const data = (r.request.object?.data ?? {}) as Record<string, string>;
  if (data['mutation-stage-1'] === 'yes')
    return { allowed: true, ...jsonPatch([{ op: 'add', path: '/data/mutation-stage-2', value: 'yes' }]) };
  if (data['mutation-start'] === 'yes')
    return { allowed: true, ...jsonPatch([{ op: 'add', path: '/data/mutation-stage-1', value: 'yes' }]) };
  return { allowed: true };
}

/**
 * agnhost's crd-conversion-webhook (/crdconvert): stable.example.com v1's `hostPort` is v2's `host` and `port`.
 */
function convert(review: { apiVersion: string; request: { uid: string; desiredAPIVersion: string; objects: J[] } }): J {
  const to = review.request.desiredAPIVersion;
  const convertedObjects = review.request.objects.map((o) => {
    const out: J = { ...o, apiVersion: to };
    if (o.apiVersion === to) return out;
    if (to.endsWith('/v2') && 'hostPort' in out) {
      const parts = String(out.hostPort).split(':');
      delete out.hostPort;
      [out.host, out.port] = parts;
    } else if (to.endsWith('/v1') && ('host' in out || 'port' in out)) {
      out.hostPort = `${out.host ?? ''}:${out.port ?? ''}`;
      delete out.host;
      delete out.port;
    }
    return out;
  });
  return {
    apiVersion: review.apiVersion,
    kind: 'ConversionReview',
    response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects },
  };
}

export interface SampleWebhook {
  /** base64 CA bundle for the webhooks' clientConfig. */
  caBundle: string;
  /** A clientConfig naming the Service in the test namespace, at `path` (without the CA: calls then fail). */
  clientConfig(path: string, withCa?: boolean): J;
  close(): Promise<void>;
}

/**
 * deployWebhookAndService: the server, its certificate for `<service>.<ns>.svc`, the Service and Endpoints (the
 * conversion webhook's tests name theirs e2e-test-crd-conversion-webhook, on port 9443).
 */
export async function deploySampleWebhook(
  h: Harness,
  ns: string,
  service = SERVICE_NAME,
  servicePort = SERVICE_PORT,
): Promise<SampleWebhook> {
  const certs = makeWebhookCerts([`${service}.${ns}.svc`]);
  const delays = new Set<NodeJS.Timeout>();
  const server = https.createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path === '/crdconvert') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(convert(JSON.parse(Buffer.concat(chunks).toString('utf8')))));
        return;
      }
      const handler = HANDLERS[path];
      // agnhost's /pods never answers a pod labelled wait-forever: the caller's timeout is what ends the call.
      if (path === '/pods' && hangs(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review)) return;
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            apiVersion: review.apiVersion,
            kind: 'AdmissionReview',
            response: { uid: review.request.uid, ...handler(review) },
          }),
        );
      };
      // /always-allow-delay-5s admits after 5 s.
      if (path === '/always-allow-delay-5s') delays.add(setTimeout(answer, 5000));
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await h.api
    .post(`/api/v1/namespaces/${ns}/services`)
    .send({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, labels: { test: 'webhook' } },
      spec: { ports: [{ protocol: 'TCP', port: servicePort, targetPort: port }] },
    })
    .expect(201);
  await h.api
    .post(`/api/v1/namespaces/${ns}/endpoints`)
    .send({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: service },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port, protocol: 'TCP' }] }],
    })
    .expect(201);
  return {
    caBundle: certs.caBundle,
    clientConfig: (path, withCa = true) => ({
      service: { namespace: ns, name: service, path, port: servicePort },
      ...(withCa ? { caBundle: certs.caBundle } : {}),
    }),
    async close() {
      for (const t of delays) clearTimeout(t);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
