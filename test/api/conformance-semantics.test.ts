// What the upstream conformance suite checks on kinds served today: a Namespace's /status (namespace.go), the 406
// for a Table from a backend without one and Tables on GET/LIST (table_conversion.go), invalid sysctls refused at
// validation (common/node/sysctl.go).
import { DEPLOYS, PODS, deployment, pod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const NS = '/api/v1/namespaces';
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

async function namespace(name: string, labels: Record<string, string> = {}) {
  await h.api.post(NS).send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }).expect(201);
}

describe('Namespace status', () => {
  beforeAll(() => namespace('ns-status'));

  test('PATCH /status keeps the annotation and adds the condition; PUT /status appends another; the spec stays', async () => {
    const read = await h.api.get(`${NS}/ns-status/status`).expect(200);
    expect(read.body.status).toEqual({ phase: 'Active' });

    const cond = { type: 'StatusPatch', status: 'True', reason: 'E2E', message: 'Patched by an e2e test' };
    const patched = await h.api
      .patch(`${NS}/ns-status/status`)
      .set('Content-Type', MERGE)
      .send({
        metadata: { annotations: { 'e2e-patched-ns-status': 'ns-status' } },
        spec: { finalizers: [] },
        status: { conditions: [cond] },
      })
      .expect(200);
    expect(patched.body.metadata.annotations).toEqual({ 'e2e-patched-ns-status': 'ns-status' });
    expect(patched.body.status).toEqual({ phase: 'Active', conditions: [cond] });
    expect(patched.body.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(Number(patched.body.metadata.resourceVersion)).toBeGreaterThan(Number(read.body.metadata.resourceVersion));

    const current = (await h.api.get(`${NS}/ns-status/status`).expect(200)).body;
    const update = { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Updated by an e2e test' };
    current.status.conditions.push(update);
    const put = await h.api.put(`${NS}/ns-status/status`).send(current).expect(200);
    expect(put.body.status.conditions.map((c: { type: string }) => c.type)).toEqual(['StatusPatch', 'StatusUpdate']);
    expect((await h.api.get(`${NS}/ns-status`).expect(200)).body.status.conditions).toHaveLength(2);
  });

  test('the name label survives a status write that drops labels; an empty phase is Active', async () => {
    const res = await h.api
      .patch(`${NS}/ns-status/status`)
      .set('Content-Type', MERGE)
      .send({ metadata: { labels: null }, status: { phase: null } })
      .expect(200);
    expect(res.body.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'ns-status' });
    expect(res.body.status.phase).toBe('Active');
  });

  test('Terminating without a deletionTimestamp is refused with upstream message', async () => {
    const res = await h.api
      .patch(`${NS}/ns-status/status`)
      .set('Content-Type', MERGE)
      .send({ status: { phase: 'Terminating' } })
      .expect(422);
    expect(res.body.message).toBe(
      'Namespace "ns-status" is invalid: status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty',
    );
  });

  test('a strategic-merge patch of the Namespace adds a label (should patch a Namespace) and cannot touch status', async () => {
    const res = await h.api
      .patch(`${NS}/ns-status`)
      .set('Content-Type', STRATEGIC)
      .send({ metadata: { labels: { testLabel: 'testValue' } }, status: { phase: 'Terminating' } })
      .expect(200);
    expect(res.body.metadata.labels).toMatchObject({ testLabel: 'testValue', 'kubernetes.io/metadata.name': 'ns-status' });
    expect(res.body.status.phase).toBe('Active');
  });
});

const TABLE_V1 = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const TABLE_V1BETA1 = 'application/json;as=Table;v=v1beta1;g=meta.k8s.io';
const NOT_ACCEPTABLE =
  'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';

describe('Table negotiation', () => {
  const ssar = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { nonResourceAttributes: { path: '/', verb: 'get' } },
  };

  test('a Table asked of a backend without one (SelfSubjectAccessReview) is 406 with upstream message', async () => {
    const res = await h.api.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').set('Accept', TABLE_V1).send(ssar).expect(406);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotAcceptable', code: 406, message: NOT_ACCEPTABLE });
  });

  test('with JSON as the fallback the review is answered', async () => {
    const res = await h.api
      .post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
      .set('Accept', `${TABLE_V1}, application/json`)
      .send(ssar)
      .expect(201);
    expect(res.body).toMatchObject({ kind: 'SelfSubjectAccessReview', status: { allowed: true } });
  });

  test('a creater subresource (pods/eviction) has no Table either', async () => {
    await h.api.post(PODS).send(pod('evictee')).expect(201);
    const res = await h.api
      .post(`${PODS}/evictee/eviction`)
      .set('Accept', TABLE_V1)
      .send({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictee', namespace: 'default' } })
      .expect(406);
    expect(res.body.message).toBe(NOT_ACCEPTABLE);
    await h.api.get(`${PODS}/evictee`).expect(200); // nothing was done
  });

  test('a pod as a v1beta1 Table has Name first and one row (should return pod details)', async () => {
    await h.api.post(PODS).send(pod('pod-1')).expect(201);
    const t = (await h.api.get(`${PODS}/pod-1`).set('Accept', TABLE_V1BETA1).expect(200)).body;
    expect(t.columnDefinitions.length).toBeGreaterThan(2);
    expect(t.columnDefinitions[0].name).toBe('Name');
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0].cells).toHaveLength(t.columnDefinitions.length);
    expect(t.rows[0].cells[0]).toBe('pod-1');
  });

  test('a chunked list of pod templates as a Table continues where it stopped', async () => {
    const templates = '/api/v1/namespaces/default/podtemplates';
    for (let i = 0; i < 5; i++) {
      const name = `template-${String(i).padStart(4, '0')}`;
      await h.api
        .post(templates)
        .send({
          apiVersion: 'v1',
          kind: 'PodTemplate',
          metadata: { name },
          template: { spec: { containers: [{ name: 'test', image: 'test2' }] } },
        })
        .expect(201);
    }
    const first = (await h.api.get(`${templates}?limit=2`).set('Accept', TABLE_V1BETA1).expect(200)).body;
    expect(first.rows.map((r: { cells: unknown[] }) => r.cells[0])).toEqual(['template-0000', 'template-0001']);
    expect(first.metadata.resourceVersion).not.toBe('');
    expect(first.metadata.continue).toBeTruthy();
    const next = (
      await h.api
        .get(`${templates}?continue=${encodeURIComponent(first.metadata.continue)}`)
        .set('Accept', TABLE_V1BETA1)
        .expect(200)
    ).body;
    expect(next.rows[0].cells[0]).toBe('template-0002');
  });
});

describe('sysctls at validation', () => {
  const PRIV = '/api/v1/namespaces/sysctl-free/pods';
  beforeAll(() => namespace('sysctl-free', { 'pod-security.kubernetes.io/enforce': 'privileged' }));

  const withSysctls = (name: string, sysctls: { name: string; value: string }[], extra: Record<string, unknown> = {}) => {
    const p = pod(name) as ReturnType<typeof pod> & { spec: Record<string, unknown> };
    p.spec = { ...p.spec, ...extra, securityContext: { sysctls } };
    return p;
  };

  test('the e2e set: invalid names refused, valid ones not named (should reject invalid sysctls)', async () => {
    const res = await h.api
      .post(PRIV)
      .send(
        withSysctls('bad-sysctls', [
          { name: 'foo-', value: 'bar' },
          { name: 'kernel.shmmax', value: '100000000' },
          { name: 'safe-and-unsafe', value: '100000000' },
          { name: 'bar..', value: '42' },
        ]),
      )
      .expect(422);
    expect(res.body.message).toContain('Invalid value: "foo-"');
    expect(res.body.message).toContain('Invalid value: "bar.."');
    expect(res.body.message).not.toContain('safe-and-unsafe');
    expect(res.body.message).not.toContain('kernel.shmmax');
    expect(res.body.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'spec.securityContext.sysctls[0].name',
      'spec.securityContext.sysctls[3].name',
    ]);
    expect(res.body.details.causes[0].message).toBe(
      'Invalid value: "foo-": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$',
    );
  });

  test('duplicates, empty names and names over 253 characters are refused; 253 and slashes are fine', async () => {
    const long = (n: number) => `a.${'b'.repeat(n - 2)}`;
    const res = await h.api
      .post(PRIV)
      .send(
        withSysctls('dup-sysctls', [
          { name: 'kernel.shm_rmid_forced', value: '1' },
          { name: 'kernel.shm_rmid_forced', value: '0' },
          { name: '', value: '1' },
          { name: long(254), value: '1' },
        ]),
      )
      .expect(422);
    expect(res.body.details.causes).toEqual([
      {
        reason: 'FieldValueDuplicate',
        field: 'spec.securityContext.sysctls[1].name',
        message: 'Duplicate value: "kernel.shm_rmid_forced"',
      },
      { reason: 'FieldValueRequired', field: 'spec.securityContext.sysctls[2].name', message: 'Required value' },
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'spec.securityContext.sysctls[3].name' }),
    ]);
    await h.api
      .post(PRIV)
      .send(
        withSysctls('ok-sysctls', [
          { name: long(253), value: '1' },
          { name: 'net/ipv4/ip_local_port_range', value: '1024 65535' },
        ]),
      )
      .expect(201);
  });

  test('a pod on the host network or IPC may not set that namespace’s sysctls', async () => {
    const res = await h.api
      .post(PRIV)
      .send(
        withSysctls(
          'host-sysctls',
          [
            { name: 'net/ipv4/ip_forward', value: '1' },
            { name: 'kernel.shmmax', value: '1' },
            { name: 'fs.mqueue.msg_max', value: '10' },
            { name: 'kernel.domainname', value: 'x' },
          ],
          { hostNetwork: true, hostIPC: true },
        ),
      )
      .expect(422);
    expect(res.body.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`)).toEqual([
      `spec.securityContext.sysctls[0].name: Invalid value: "net/ipv4/ip_forward": may not be specified when 'hostNetwork' is true`,
      `spec.securityContext.sysctls[1].name: Invalid value: "kernel.shmmax": may not be specified when 'hostIPC' is true`,
      `spec.securityContext.sysctls[2].name: Invalid value: "fs.mqueue.msg_max": may not be specified when 'hostIPC' is true`,
    ]);
  });

  test('a pod template is validated the same way', async () => {
    const d = deployment('sysctl-deploy') as ReturnType<typeof deployment> & { spec: { template: { spec: Record<string, unknown> } } };
    d.spec.template.spec.securityContext = { sysctls: [{ name: 'Kernel.Bad', value: '1' }] };
    const res = await h.api.post(DEPLOYS).send(d).expect(422);
    expect(res.body.details.causes[0].field).toBe('spec.template.spec.securityContext.sysctls[0].name');
  });
});

describe('ephemeral containers on create', () => {
  test('a pod created with ephemeralContainers is refused as ValidatePodCreate does', async () => {
    const p = pod('born-with-debugger') as ReturnType<typeof pod> & { spec: Record<string, unknown> };
    p.spec = { ...p.spec, ephemeralContainers: [{ name: 'debugger', image: 'dockube/busybox:test' }] };
    const res = await h.api.post(PODS).send(p).expect(422);
    expect(res.body.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec.ephemeralContainers', message: 'Forbidden: cannot be set on create' }),
    );
    await h.api.get(`${PODS}/born-with-debugger`).expect(404);
  });
});
