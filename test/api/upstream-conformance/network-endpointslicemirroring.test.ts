// Mirrors upstream's EndpointSliceMirroring conformance test (test/e2e/network/endpointslicemirroring.go): a user's
// Endpoints for a selectorless Service are mirrored into EndpointSlices by the mirroring controller (in process).
import pino from 'pino';
import { startHarness, type Harness } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import type { Controller } from '../../../src/reconcilers/controller.js';
import { startEndpointControllers } from '../../../src/reconcilers/endpoints/start.js';
import { until } from '../../support/until.js';
import { testNamespace, type J } from './support.js';

let h: Harness;
const controllers: Controller[] = [];
beforeAll(async () => {
  h = await startHarness();
  controllers.push(...(await startEndpointControllers(makeContext(h.service, pino({ level: 'silent' })))));
});
afterAll(async () => {
  for (const c of controllers) c.stop();
  await h?.close();
});

const slices = (ns: string) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;

test('[sig-network] EndpointSliceMirroring should mirror a custom Endpoints resource through create update and delete [Conformance]', async () => {
  const ns = await testNamespace(h, 'endpointslicemirroring');
  await h.api
    .post(`/api/v1/namespaces/${ns}/services`)
    .send({ metadata: { name: 'example-custom-endpoints' }, spec: { ports: [{ name: 'example', port: 80, protocol: 'TCP' }] } })
    .expect(201);
  const endpoints = {
    metadata: { name: 'example-custom-endpoints' },
    subsets: [{ ports: [{ port: 80 }], addresses: [{ ip: '10.1.2.3' }] }],
  };
  const bySvc = `${slices(ns)}?labelSelector=kubernetes.io%2Fservice-name%3Dexample-custom-endpoints`;
  const mirrored = (address: string, exactlyOne: boolean) =>
    until(async () => {
      const items: J[] = (await h.api.get(bySvc).expect(200)).body.items;
      if (items.length === 0 || (exactlyOne && items.length !== 1)) return false;
      return items.every(
        (s) => s.ports?.length === 1 && s.ports[0].port === 80 && s.endpoints?.length === 1 && s.endpoints[0].addresses.join() === address,
      );
    }, 12_000);

  await h.api.post(`/api/v1/namespaces/${ns}/endpoints`).send(endpoints).expect(201);
  await mirrored('10.1.2.3', false);

  // Upstream updates the object it created from, without a resourceVersion (Endpoints allow unconditional updates).
  endpoints.subsets[0]!.addresses = [{ ip: '10.2.3.4' }];
  await h.api.put(`/api/v1/namespaces/${ns}/endpoints/example-custom-endpoints`).send(endpoints).expect(200);
  await mirrored('10.2.3.4', true);

  await h.api.delete(`/api/v1/namespaces/${ns}/endpoints/example-custom-endpoints`).expect(200);
  await until(async () => (await h.api.get(bySvc).expect(200)).body.items.length === 0, 12_000);
});
