// IPAddress objects mirror the ClusterIP allocator, in process: the `kubernetes` Service's address and a new
// Service's get one each (parentRef services/<ns>/<name>, upstream's labels), printed as kubectl prints them; a
// deleted Service's address goes; an IPAddress someone else made is left alone.
import pino from 'pino';
import { startHarness, type Harness } from './harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startIPAddressAllocatorState } from '../../src/reconcilers/ipaddress-allocator-state.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { waitFor } from '../runtime/support.js';

let h: Harness;
let c: Controller;
beforeAll(async () => {
  h = await startHarness();
  c = await startIPAddressAllocatorState(makeContext(h.service, pino({ level: 'silent' })));
});
afterAll(async () => {
  c?.stop();
  await h?.close();
});

const IPS = '/apis/networking.k8s.io/v1/ipaddresses';
const SVCS = '/api/v1/namespaces/default/services';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

test('each ClusterIP has its IPAddress, gone with its Service', async () => {
  const kube = await waitFor('the kubernetes address', async () => {
    const r = await h.api.get(`${IPS}/10.96.0.1`);
    return r.status === 200 ? r.body : undefined;
  });
  expect(kube.spec.parentRef).toEqual({ group: '', resource: 'services', namespace: 'default', name: 'kubernetes' });
  expect(kube.metadata.labels).toEqual({
    'ipaddress.kubernetes.io/ip-family': 'IPv4',
    'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io',
  });
  const svc = (
    await h.api
      .post(SVCS)
      .send({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } })
      .expect(201)
  ).body;
  const ip = svc.spec.clusterIP;
  await waitFor('the new address', async () => (await h.api.get(`${IPS}/${ip}`)).status === 200);
  const t = (await h.api.get(`${IPS}/${ip}`).set('Accept', TABLE).expect(200)).body;
  expect(t.rows[0].cells).toEqual([ip, 'services/default/web']);
  await h.api.delete(`${SVCS}/web`).expect(200);
  await waitFor('the address gone', async () => (await h.api.get(`${IPS}/${ip}`)).status === 404);
});

test('an IPAddress the allocator did not make is left alone', async () => {
  await h.api
    .post(IPS)
    .send({ metadata: { name: '10.96.200.200' }, spec: { parentRef: { resource: 'gateways', group: 'example.com', name: 'g' } } })
    .expect(201);
  await new Promise((r) => setTimeout(r, 300));
  await h.api.get(`${IPS}/10.96.200.200`).expect(200);
});
