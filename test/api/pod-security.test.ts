// PodSecurity admission over HTTP: refusals as Forbidden Status, namespace opt-out/opt-in, Warning headers.
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const podsIn = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
const deploysIn = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`;
const container = (securityContext?: Record<string, unknown>) => ({
  name: 'c',
  image: 'nginx',
  ...(securityContext ? { securityContext } : {}),
});
const podManifest = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const privilegedPod = (name: string) => podManifest(name, { containers: [container({ privileged: true })] });
const PS = 'pod-security.kubernetes.io/';

async function namespace(name: string, labels?: Record<string, string>) {
  await h.api
    .post('/api/v1/namespaces')
    .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } })
    .expect(201);
}

test('a privileged pod is refused in default (baseline) with a Forbidden Status', async () => {
  const res = await h.api.post(podsIn('default')).send(privilegedPod('priv')).expect(403);
  expect(res.body).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: 'Forbidden',
    code: 403,
    message:
      'pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    details: { name: 'priv', kind: 'pods' },
  });
  await h.api.get(`${podsIn('default')}/priv`).expect(404);
  // Dry run is admitted the same way.
  await h.api
    .post(`${podsIn('default')}?dryRun=All`)
    .send(privilegedPod('priv'))
    .expect(403);
});

test('several violations are listed in one message; a plain pod is created', async () => {
  const res = await h.api
    .post(podsIn('default'))
    .send(
      podManifest('hostish', {
        hostNetwork: true,
        containers: [container()],
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
      }),
    )
    .expect(403);
  expect(res.body.message).toBe(
    'pods "hostish" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPath volumes (volume "root")',
  );
  const ok = await h.api
    .post(podsIn('default'))
    .send(podManifest('plain', { containers: [container()] }))
    .expect(201);
  expect(ok.headers.warning).toBeUndefined();
});

test('a namespace labelled enforce=privileged accepts it; relabelling to baseline does not evict it', async () => {
  await namespace('ps-free', { [`${PS}enforce`]: 'privileged', [`${PS}warn`]: 'privileged' });
  const res = await h.api.post(podsIn('ps-free')).send(privilegedPod('priv')).expect(201);
  expect(res.headers.warning).toBeUndefined();
  const relabel = await h.api
    .patch('/api/v1/namespaces/ps-free')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { labels: { [`${PS}enforce`]: 'baseline' } } })
    .expect(200);
  expect(relabel.headers.warning).toContain(
    'existing pods in namespace \\"ps-free\\" violate the new PodSecurity enforce level \\"baseline:latest\\"',
  );
  expect(relabel.headers.warning).toContain('priv: privileged');
  // A metadata-only update of the existing pod is not re-evaluated.
  await h.api
    .patch(`${podsIn('ps-free')}/priv`)
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { labels: { touched: 'yes' } } })
    .expect(200);
  // ...but a new image is.
  const img = await h.api
    .patch(`${podsIn('ps-free')}/priv`)
    .set('Content-Type', 'application/strategic-merge-patch+json')
    .send({ spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } })
    .expect(403);
  expect(img.body.message).toMatch(/^pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged/);
});

test('restricted refuses a plain pod and accepts a hardened one', async () => {
  await namespace('ps-tight', { [`${PS}enforce`]: 'restricted' });
  const res = await h.api
    .post(podsIn('ps-tight'))
    .send(podManifest('plain', { containers: [container()] }))
    .expect(403);
  expect(res.body.message).toBe(
    'pods "plain" is forbidden: violates PodSecurity "restricted:latest": ' +
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  const root = await h.api
    .post(podsIn('ps-tight'))
    .send(
      podManifest('root', {
        securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [container({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })],
      }),
    )
    .expect(403);
  expect(root.body.message).toMatch(/violates PodSecurity "restricted:latest": runAsUser=0 \(pod must not set runAsUser=0\)$/);
  await h.api
    .post(podsIn('ps-tight'))
    .send(
      podManifest('hardened', {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [container({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })],
      }),
    )
    .expect(201);
});

test('a deployment with a privileged template is created with a Warning', async () => {
  const res = await h.api
    .post(deploysIn('default'))
    .send({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'privdep' },
      spec: {
        selector: { matchLabels: { app: 'privdep' } },
        template: { metadata: { labels: { app: 'privdep' } }, spec: { containers: [container({ privileged: true })] } },
      },
    })
    .expect(201);
  expect(res.headers.warning).toBe(
    '299 - "would violate PodSecurity \\"baseline:latest\\": privileged (container \\"c\\" must not set securityContext.privileged=true)"',
  );
  await h.api.get(`${deploysIn('default')}/privdep`).expect(200);
});

test('invalid PodSecurity labels on a namespace are refused', async () => {
  const res = await h.api
    .post('/api/v1/namespaces')
    .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ps-bad', labels: { [`${PS}enforce`]: 'strict' } } })
    .expect(422);
  expect(res.body.message).toBe(
    'Namespace "ps-bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
  );
});
