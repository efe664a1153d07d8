// Mirrors upstream's API-only pod conformance test of test/e2e/node/pods.go: the QOS class is set when the pod is
// created (the apiserver computes it; no pod has to run).
import { startHarness, type Harness } from '../harness.js';
import { testNamespace } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test('[sig-node] Pods Extended Pods Set QOS Class should be set on Pods with matching resource requests and limits for memory and cpu [Conformance]', async () => {
  const ns = await testNamespace(h, 'pods');
  const pods = `/api/v1/namespaces/${ns}/pods`;
  const name = 'pod-qos-class-0b8e';
  const resources = { cpu: '100m', memory: '100Mi' };
  await h.api
    .post(pods)
    .send({
      metadata: { name, labels: { name } },
      spec: {
        containers: [
          {
            name: 'agnhost',
            image: 'registry.k8s.io/e2e-test-images/agnhost:2.43',
            args: ['pause'],
            resources: { limits: resources, requests: resources },
          },
        ],
      },
    })
    .expect(201);
  expect((await h.api.get(`${pods}/${name}`).expect(200)).body.status.qosClass).toBe('Guaranteed');
});
