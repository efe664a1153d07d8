// Mirrors upstream's API-only sysctl conformance test (test/e2e/common/node/sysctl.go): invalid sysctl names are
// refused at validation, naming only the invalid ones.
import { startHarness, type Harness } from '../harness.js';
import { testNamespace } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test('[sig-node] Sysctls [LinuxOnly] [NodeConformance] should reject invalid sysctls [MinimumKubeletVersion:1.21] [Conformance]', async () => {
  const ns = await testNamespace(h, 'sysctl');
  const res = await h.api.post(`/api/v1/namespaces/${ns}/pods`).send({
    metadata: { name: 'sysctl-3f1c' },
    spec: {
      securityContext: {
        sysctls: [
          { name: 'foo-', value: 'bar' },
          { name: 'kernel.shmmax', value: '100000000' },
          { name: 'safe-and-unsafe', value: '100000000' },
          { name: 'bar..', value: '42' },
        ],
      },
      containers: [{ name: 'test-container', image: 'registry.k8s.io/e2e-test-images/busybox:1.29-4' }],
      restartPolicy: 'Never',
    },
  });
  expect(res.status).toBe(422);
  expect(res.body.message).toContain('Invalid value: "foo-"');
  expect(res.body.message).toContain('Invalid value: "bar.."');
  expect(res.body.message).not.toContain('safe-and-unsafe');
  expect(res.body.message).not.toContain('kernel.shmmax');
});
