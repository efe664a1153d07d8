// A CRD with spec.conversion.strategy Webhook over the real app: objects stored in v2 are served in v1 through the
// webhook (get, list, watch), a v1 write is stored in v2, objects already in the wanted version are never sent, and
// a failing or misbehaving webhook fails the request with upstream's text. The webhook here is an in-process
// CallWebhook; the HTTPS call itself is tested with the client that makes it.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { openWatch, startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { serveCustomResources, type CustomResourceServing } from '../../src/apiextensions/serving.js';
import { startCrdControllers } from '../../src/apiextensions/controller.js';
import { webhookConverter, type CallWebhook, type WebhookClientConfig } from '../../src/apiextensions/conversion/webhook-converter.js';
import { conversionWebhookCall } from '../../src/apiextensions/conversion/webhook-call.js';
import { WebhookCaller } from '../../src/webhook/https-caller.js';
import { makeWebhookCerts } from '../support/webhook-certs.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { until } from '../support/until.js';

const log = pino({ level: 'silent' });
let h: Harness;
let serving: CustomResourceServing;
let controllers: Controller;

type Review = { apiVersion: string; request: { uid: string; desiredAPIVersion: string; objects: Record<string, any>[] } };
const calls: { config: WebhookClientConfig; review: Review }[] = [];
/** What the webhook does; tests swap it for a broken one. */
let behaviour: (review: Review) => unknown;

/** v1 says `spec.schedule`, v2 `spec.cron`: the webhook renames it both ways. */
function convertingWebhook(review: Review): unknown {
  const want = review.request.desiredAPIVersion;
  const convertedObjects = review.request.objects.map((o) => {
    const spec = { ...o.spec };
    if (want.endsWith('/v2') && 'schedule' in spec) {
      spec.cron = spec.schedule;
      delete spec.schedule;
    }
    if (want.endsWith('/v1') && 'cron' in spec) {
      spec.schedule = spec.cron;
      delete spec.cron;
    }
    return { ...o, apiVersion: want, spec };
  });
  return {
    apiVersion: review.apiVersion,
    kind: 'ConversionReview',
    response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects },
  };
}

const call: CallWebhook = async (config, body) => {
  calls.push({ config, review: body as Review });
  return behaviour(body as Review);
};

const specSchema = (field: string) => ({
  openAPIV3Schema: {
    type: 'object',
    properties: { spec: { type: 'object', properties: { [field]: { type: 'string' }, replicas: { type: 'integer' } } } },
  },
});

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.conv.example.com' },
  spec: {
    group: 'conv.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
    versions: [
      { name: 'v1', served: true, storage: false, schema: specSchema('schedule') },
      { name: 'v2', served: true, storage: true, schema: specSchema('cron') },
    ],
    conversion: {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v9', 'v1'],
        clientConfig: { service: { namespace: 'default', name: 'converter', path: '/convert', port: 443 }, caBundle: 'Cg==' },
      },
    },
  },
};
const V1 = '/apis/conv.example.com/v1/namespaces/default/crontabs';
const V2 = '/apis/conv.example.com/v2/namespaces/default/crontabs';

beforeAll(async () => {
  h = await startHarness();
  serving = serveCustomResources(h.service, log, call);
  await serving.synced;
  controllers = await startCrdControllers(
    makeContext(h.service, log).client({ name: 'system:apiserver', groups: ['system:masters'] }),
    log as never,
  );
  await h.api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions').send(CRD).expect(201);
  await until(async () => (await h.api.get(V1)).status === 200);
});
afterAll(async () => {
  controllers.stop();
  serving.stop();
  await h.close();
});
beforeEach(() => {
  calls.length = 0;
  behaviour = convertingWebhook;
});

test('a v1 create is converted to v2 for storage and back to v1 for the answer', async () => {
  const created = await h.api
    .post(V1)
    .send({ apiVersion: 'conv.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { schedule: '* * * * *' } })
    .expect(201);
  expect(created.body).toMatchObject({ apiVersion: 'conv.example.com/v1', spec: { schedule: '* * * * *' } });
  expect(created.body.spec.cron).toBeUndefined();
  expect(calls.map((c) => c.review.request.desiredAPIVersion)).toEqual(['conv.example.com/v2', 'conv.example.com/v1']);
  // The first review version the server knows, in the CRD's order; the CRD's client config as given.
  expect(calls[0]!.review.apiVersion).toBe('apiextensions.k8s.io/v1');
  expect(calls[0]!.config).toEqual(CRD.spec.conversion.webhook.clientConfig);
  const stored = (await h.service.cache.list('/registry/conv.example.com/crontabs/')).items.find((o) => o.metadata.name === 'a')!;
  expect(stored).toMatchObject({ apiVersion: 'conv.example.com/v2', spec: { cron: '* * * * *' } });
});

test('objects already in the wanted version are not sent; get and list in v1 are converted', async () => {
  await h.api
    .post(V2)
    .send({ apiVersion: 'conv.example.com/v2', kind: 'CronTab', metadata: { name: 'b' }, spec: { cron: '0 * * * *' } })
    .expect(201);
  expect(calls).toHaveLength(0);
  expect((await h.api.get(`${V2}/b`).expect(200)).body.spec).toEqual({ cron: '0 * * * *' });
  expect(calls).toHaveLength(0);
  expect((await h.api.get(`${V1}/b`).expect(200)).body.spec).toEqual({ schedule: '0 * * * *' });
  const list = (await h.api.get(V1).expect(200)).body;
  expect(list.items.map((o: { spec: object }) => o.spec)).toEqual([{ schedule: '* * * * *' }, { schedule: '0 * * * *' }]);
  // The whole list in one review.
  expect(calls.map((c) => c.review.request.objects.length)).toEqual([1, 2]);
});

test('a watch in v1 sends converted events in order', async () => {
  const w = await openWatch(h, `${V1}?watch=1`);
  try {
    const initial = await w.take(2);
    expect(initial.map((e) => e.object.spec.schedule)).toEqual(['* * * * *', '0 * * * *']);
    await h.api
      .patch(`${V2}/b`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { cron: '5 * * * *' } })
      .expect(200);
    await h.api.delete(`${V2}/a`).expect(200);
    const [modified, deleted] = await w.take(2);
    expect(modified).toMatchObject({ type: 'MODIFIED', object: { apiVersion: 'conv.example.com/v1', spec: { schedule: '5 * * * *' } } });
    expect(deleted).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'a' }, spec: { schedule: '* * * * *' } } });
  } finally {
    w.close();
  }
});

test('a failing webhook fails the read with upstream text; a bad answer is refused', async () => {
  behaviour = () => {
    throw new Error('Post "https://converter.default.svc:443/convert?timeout=30s": connection refused');
  };
  const down = await h.api.get(`${V1}/b`).expect(500);
  expect(down.body.message).toBe(
    'conversion webhook for conv.example.com/v2, Kind=CronTab failed: Post "https://converter.default.svc:443/convert?timeout=30s": connection refused',
  );
  behaviour = (r) => ({
    apiVersion: r.apiVersion,
    kind: 'ConversionReview',
    response: { uid: r.request.uid, result: { status: 'Failure', message: 'nope' } },
  });
  expect((await h.api.get(V1).expect(500)).body.message).toBe('conversion webhook for conv.example.com/v2, Kind=CronTabList failed: nope');
  behaviour = (r) => ({ apiVersion: r.apiVersion, kind: 'ConversionReview', response: { uid: 'other', result: { status: 'Success' } } });
  expect((await h.api.get(`${V1}/b`).expect(500)).body.message).toBe(
    `conversion webhook for conv.example.com/v2, Kind=CronTab failed: expected response.uid="${calls.at(-1)!.review.request.uid}", got "other"`,
  );
  behaviour = (r) => {
    const ok = convertingWebhook(r) as { response: { convertedObjects: Record<string, any>[] } };
    ok.response.convertedObjects[0]!.metadata = { ...ok.response.convertedObjects[0]!.metadata, name: 'renamed' };
    return ok;
  };
  expect((await h.api.get(`${V1}/b`).expect(500)).body.message).toBe(
    'conversion webhook for conv.example.com/v2, Kind=CronTab returned invalid object: must have the same name: b != renamed',
  );
  // A write fails before anything is stored.
  const refused = await h.api
    .post(V1)
    .send({ apiVersion: 'conv.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { schedule: '1 * * * *' } })
    .expect(500);
  expect(refused.body.message).toContain('conversion webhook for conv.example.com/v1, Kind=CronTab returned invalid object');
  behaviour = convertingWebhook;
  await h.api.get(`${V1}/c`).expect(404);
});

test('labels and annotations the webhook changes are kept, any other metadata is the stored one', async () => {
  behaviour = (r) => {
    const ok = convertingWebhook(r) as { response: { convertedObjects: Record<string, any>[] } };
    const o = ok.response.convertedObjects[0]!;
    o.metadata = { ...o.metadata, labels: { converted: 'yes' }, generation: 99 };
    return ok;
  };
  const got = (await h.api.get(`${V1}/b`).expect(200)).body;
  expect(got.metadata.labels).toEqual({ converted: 'yes' });
  expect(got.metadata.generation).toBe((await h.api.get(`${V2}/b`).expect(200)).body.metadata.generation);
  expect(got.metadata.generation).not.toBe(99);
});

describe('over HTTPS with the webhook client', () => {
  const certs = makeWebhookCerts(['localhost'], ['127.0.0.1']);
  let server: https.Server;
  let url: string;
  const caller = new WebhookCaller();
  const crdAt = (clientConfig: WebhookClientConfig) =>
    ({
      ...CRD,
      spec: { ...CRD.spec, conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } } },
    }) as never;
  const stored = { apiVersion: 'conv.example.com/v2', kind: 'CronTab', metadata: { name: 'x', uid: 'u1' }, spec: { cron: '2 * * * *' } };

  beforeAll(async () => {
    server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(convertingWebhook(JSON.parse(body) as Review)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/convert`;
  });
  afterAll(() => {
    caller.close();
    server.close();
  });

  test('a URL webhook verified with the caBundle converts', async () => {
    const converter = webhookConverter(crdAt({ url, caBundle: certs.caBundle }), 'v1', 'v2', conversionWebhookCall(caller));
    expect(await converter.toServed([stored as never], false)).toEqual([
      { apiVersion: 'conv.example.com/v1', kind: 'CronTab', metadata: { name: 'x', uid: 'u1' }, spec: { schedule: '2 * * * *' } },
    ]);
  });

  test('an unreachable or untrusted webhook fails with upstream wording, without the admission prefix', async () => {
    const closed = `https://127.0.0.1:1/convert`;
    const down = webhookConverter(crdAt({ url: closed, caBundle: certs.caBundle }), 'v1', 'v2', conversionWebhookCall(caller));
    await expect(down.toServed([stored as never], false)).rejects.toThrow(
      'conversion webhook for conv.example.com/v2, Kind=CronTab failed: Post "https://127.0.0.1:1/convert?timeout=30s": dial tcp 127.0.0.1:1: connect: connection refused',
    );
    const untrusted = webhookConverter(crdAt({ url }), 'v1', 'v2', conversionWebhookCall(caller));
    await expect(untrusted.toServed([stored as never], false)).rejects.toThrow(
      /^conversion webhook for conv.example.com\/v2, Kind=CronTab failed: Post "https:\/\/127.0.0.1:\d+\/convert\?timeout=30s": tls: /,
    );
  });
});
