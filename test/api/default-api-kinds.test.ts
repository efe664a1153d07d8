// The rest of kube-apiserver 1.33's default kinds over the HTTP API: one valid object of each with upstream's
// defaults and kubectl's Table columns, one refusal per group with upstream's field error, and the objects every
// cluster holds (the `kubernetes` ServiceCIDR, Local APIServices, mandatory flow-control objects, ComponentStatuses).
import { PODS, pod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const NS = '/apis/networking.k8s.io/v1/namespaces/default';
const NET = '/apis/networking.k8s.io/v1';
const STORAGE = '/apis/storage.k8s.io/v1';
const ADM = '/apis/admissionregistration.k8s.io/v1';
const FLOW = '/apis/flowcontrol.apiserver.k8s.io/v1';

async function table(path: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const t = (await h.api.get(path).set('Accept', TABLE).expect(200)).body;
  return { columns: t.columnDefinitions.map((c: { name: string }) => c.name), rows: t.rows.map((r: { cells: unknown[] }) => r.cells) };
}

async function refused(path: string, body: object): Promise<string> {
  const res = await h.api.post(path).send(body).expect(422);
  expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
  return res.body.message;
}

describe('networking.k8s.io/v1', () => {
  test('Ingress: stored, printed with CLASS HOSTS ADDRESS PORTS, its status written through /status', async () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['a.example.com'] }],
        rules: [
          {
            host: 'a.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
          },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    };
    const created = (await h.api.post(`${NS}/ingresses`).send(ing).expect(201)).body;
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);
    await h.api
      .put(`${NS}/ingresses/web/status`)
      .send({ ...created, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } })
      .expect(200);
    const t = await table(`${NS}/ingresses`);
    expect(t.columns).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    expect(t.rows[0]!.slice(0, 5)).toEqual(['web', 'nginx', 'a.example.com', '10.0.0.9', '80, 443']);
  });

  test('Ingress, IngressClass, NetworkPolicy, ServiceCIDR and IPAddress refuse what upstream refuses', async () => {
    expect(
      await refused(`${NS}/ingresses`, {
        metadata: { name: 'bad' },
        spec: { rules: [{ host: '1.2.3.4', http: { paths: [{ path: 'x', pathType: 'Prefix', backend: {} }] } }] },
      }),
    ).toBe(
      'Ingress.networking.k8s.io "bad" is invalid: [spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address, spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path, spec.rules[0].http.paths[0].backend: Invalid value: "": one backend must be specified]',
    );
    expect(await refused(`${NET}/ingressclasses`, { metadata: { name: 'c' }, spec: {} })).toBe(
      'IngressClass.networking.k8s.io "c" is invalid: spec.controller: Required value',
    );
    expect(
      await refused(`${NS}/networkpolicies`, {
        metadata: { name: 'np' },
        spec: { podSelector: {}, ingress: [{ from: [{}], ports: [{ port: 'http', endPort: 90 }] }] },
      }),
    ).toBe(
      'NetworkPolicy.networking.k8s.io "np" is invalid: [spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric, spec.ingress[0].from[0]: Required value: must specify a peer]',
    );
    expect(await refused(`${NET}/servicecidrs`, { metadata: { name: 's' }, spec: { cidrs: ['10.0.0.1/24'] } })).toBe(
      'ServiceCIDR.networking.k8s.io "s" is invalid: spec.cidrs[0]: Invalid value: "10.0.0.1/24": must be in canonical form ("10.0.0.0/24")',
    );
    expect(
      await refused(`${NET}/ipaddresses`, { metadata: { name: '10.0.0.01' }, spec: { parentRef: { resource: 'services', name: 'x' } } }),
    ).toBe('IPAddress.networking.k8s.io "10.0.0.01" is invalid: metadata.name: Invalid value: "10.0.0.01": must be a valid ip address');
  });

  test('NetworkPolicy defaults policyTypes and protocols; IngressClass its parameters scope', async () => {
    const np = (
      await h.api
        .post(`${NS}/networkpolicies`)
        .send({ metadata: { name: 'deny' }, spec: { podSelector: { matchLabels: { app: 'db' } }, egress: [{ ports: [{ port: 53 }] }] } })
        .expect(201)
    ).body;
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress[0].ports[0].protocol).toBe('TCP');
    expect((await table(`${NS}/networkpolicies`)).rows[0]!.slice(0, 2)).toEqual(['deny', 'app=db']);
    const ic = (
      await h.api
        .post(`${NET}/ingressclasses`)
        .send({
          metadata: { name: 'nginx' },
          spec: { controller: 'k8s.io/ingress-nginx', parameters: { kind: 'Cfg', name: 'p', apiGroup: 'x.io' } },
        })
        .expect(201)
    ).body;
    expect(ic.spec.parameters.scope).toBe('Cluster');
    expect((await table(`${NET}/ingressclasses`)).rows[0]!.slice(0, 3)).toEqual(['nginx', 'k8s.io/ingress-nginx', 'Cfg.x.io/p']);
  });

  test('the `kubernetes` ServiceCIDR holds the service range and is Ready', async () => {
    const sc = (await h.api.get(`${NET}/servicecidrs/kubernetes`).expect(200)).body;
    expect(sc.spec.cidrs).toEqual(['10.96.0.0/16']);
    expect(sc.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect((await table(`${NET}/servicecidrs`)).rows[0]!.slice(0, 2)).toEqual(['kubernetes', '10.96.0.0/16']);
  });
});

describe('PersistentVolumes and storage.k8s.io/v1', () => {
  test('a PersistentVolume gets Retain, Filesystem and Pending; the table has kubectl 1.33 columns', async () => {
    const pv = (
      await h.api
        .post('/api/v1/persistentvolumes')
        .send({
          metadata: { name: 'pv1' },
          spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv1' } },
        })
        .expect(201)
    ).body;
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
    expect(pv.status.phase).toBe('Pending');
    const t = await table('/api/v1/persistentvolumes');
    expect(t.columns).toEqual([
      'Name',
      'Capacity',
      'Access Modes',
      'Reclaim Policy',
      'Status',
      'Claim',
      'StorageClass',
      'VolumeAttributesClass',
      'Reason',
      'Age',
      'VolumeMode',
    ]);
    expect(t.rows[0]!.slice(0, 8)).toEqual(['pv1', '1Gi', 'RWO', 'Retain', 'Pending', '', '', '<unset>']);
    expect(
      await refused('/api/v1/persistentvolumes', {
        metadata: { name: 'pv2' },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/x' } },
      }),
    ).toBe('PersistentVolume "pv2" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity');
  });

  test('CSIDriver defaults; CSINode, VolumeAttachment and CSIStorageCapacity tables; refusals', async () => {
    const d = (
      await h.api
        .post(`${STORAGE}/csidrivers`)
        .send({ metadata: { name: 'csi.example.com' }, spec: {} })
        .expect(201)
    ).body;
    expect(d.spec).toMatchObject({
      attachRequired: true,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: 'ReadWriteOnceWithFSType',
      requiresRepublish: false,
      volumeLifecycleModes: ['Persistent'],
    });
    expect((await table(`${STORAGE}/csidrivers`)).rows[0]!.slice(0, 7)).toEqual([
      'csi.example.com',
      true,
      false,
      false,
      '<unset>',
      false,
      'Persistent',
    ]);
    await h.api
      .post(`${STORAGE}/csinodes`)
      .send({ metadata: { name: 'node1' }, spec: { drivers: [{ name: 'csi.example.com', nodeID: 'n1' }] } })
      .expect(201);
    expect((await table(`${STORAGE}/csinodes`)).rows[0]!.slice(0, 2)).toEqual(['node1', 1]);
    await h.api
      .post(`${STORAGE}/volumeattachments`)
      .send({ metadata: { name: 'va' }, spec: { attacher: 'csi.example.com', nodeName: 'node1', source: { persistentVolumeName: 'pv1' } } })
      .expect(201);
    expect((await table(`${STORAGE}/volumeattachments`)).rows[0]!.slice(0, 5)).toEqual(['va', 'csi.example.com', 'pv1', 'node1', false]);
    await h.api
      .post(`${STORAGE}/namespaces/default/csistoragecapacities`)
      .send({ metadata: { name: 'cap' }, storageClassName: 'local', capacity: '10Gi' })
      .expect(201);
    expect((await table(`${STORAGE}/namespaces/default/csistoragecapacities`)).rows[0]).toEqual(['cap', 'local', '10Gi']);
    expect(
      await refused(`${STORAGE}/volumeattachments`, { metadata: { name: 'va2' }, spec: { attacher: 'a', nodeName: 'n', source: {} } }),
    ).toBe(
      'VolumeAttachment.storage.k8s.io "va2" is invalid: spec.source: Invalid value: {}: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
    );
  });
});

describe('admissionregistration.k8s.io/v1', () => {
  const webhook = {
    name: 'label.example.com',
    clientConfig: { service: { name: 'hook', namespace: 'default' } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
  };

  test('webhook configurations get v1 defaults and count their webhooks', async () => {
    const m = (
      await h.api
        .post(`${ADM}/mutatingwebhookconfigurations`)
        .send({ metadata: { name: 'm' }, webhooks: [webhook] })
        .expect(201)
    ).body;
    expect(m.webhooks[0]).toMatchObject({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
      clientConfig: { service: { port: 443 } },
      rules: [{ scope: '*' }],
    });
    expect((await table(`${ADM}/mutatingwebhookconfigurations`)).rows[0]!.slice(0, 2)).toEqual(['m', 1]);
    expect(
      await refused(`${ADM}/validatingwebhookconfigurations`, {
        metadata: { name: 'v' },
        webhooks: [{ ...webhook, name: 'short', sideEffects: 'Some', timeoutSeconds: 31, clientConfig: { url: 'http://x/y' } }],
      }),
    ).toBe(
      'ValidatingWebhookConfiguration.admissionregistration.k8s.io "v" is invalid: [webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots, webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun", webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds, webhooks[0].clientConfig.url: Invalid value: "http://x/y": \'https\' is the only allowed URL scheme]',
    );
    const cond = { name: 'broken', expression: 'object.metadata.name ==' };
    expect(
      await refused(`${ADM}/validatingwebhookconfigurations`, {
        metadata: { name: 'c' },
        webhooks: [{ ...webhook, matchConditions: [cond] }],
      }),
    ).toMatch(
      /^ValidatingWebhookConfiguration.admissionregistration.k8s.io "c" is invalid: webhooks\[0\].matchConditions\[0\].expression: Invalid value: "object.metadata.name ==": compilation failed: /,
    );
  });

  test('ValidatingAdmissionPolicy and its binding are stored and validated', async () => {
    const policy = {
      metadata: { name: 'max-replicas' },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }],
        },
        validations: [{ expression: 'object.spec.replicas <= 5' }],
      },
    };
    const p = (await h.api.post(`${ADM}/validatingadmissionpolicies`).send(policy).expect(201)).body;
    expect(p.spec).toMatchObject({
      failurePolicy: 'Fail',
      matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} },
    });
    expect((await table(`${ADM}/validatingadmissionpolicies`)).rows[0]!.slice(0, 3)).toEqual(['max-replicas', 1, '<unset>']);
    await h.api
      .post(`${ADM}/validatingadmissionpolicybindings`)
      .send({ metadata: { name: 'b' }, spec: { policyName: 'max-replicas', validationActions: ['Deny'] } })
      .expect(201);
    expect((await table(`${ADM}/validatingadmissionpolicybindings`)).rows[0]!.slice(0, 3)).toEqual(['b', 'max-replicas', '<unset>']);
    expect(
      await refused(`${ADM}/validatingadmissionpolicybindings`, {
        metadata: { name: 'b2' },
        spec: { policyName: 'p', validationActions: ['Deny', 'Warn'] },
      }),
    ).toMatch(/spec\.validationActions: Invalid value: .*must not contain both Deny and Warn/);
    expect(await refused(`${ADM}/validatingadmissionpolicies`, { metadata: { name: 'p2' }, spec: {} })).toBe(
      'ValidatingAdmissionPolicy.admissionregistration.k8s.io "p2" is invalid: [spec.matchConstraints: Required value, spec.validations: Required value: validations or auditAnnotations must contain at least one item]',
    );
  });
});

describe('apiregistration, flowcontrol and ComponentStatus', () => {
  test('one Local, Available APIService per served group-version', async () => {
    const list = (await h.api.get('/apis/apiregistration.k8s.io/v1/apiservices').expect(200)).body.items;
    const names = list.map((a: { metadata: { name: string } }) => a.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining(['v1.', 'v1.apps', 'v1.networking.k8s.io', 'v1.apiregistration.k8s.io', 'v1.flowcontrol.apiserver.k8s.io']),
    );
    const t = await table('/apis/apiregistration.k8s.io/v1/apiservices/v1.apps');
    expect(t.columns).toEqual(['Name', 'Service', 'Available', 'Age']);
    expect(t.rows[0]!.slice(0, 3)).toEqual(['v1.apps', 'Local', 'True']);
    expect(
      await refused('/apis/apiregistration.k8s.io/v1/apiservices', {
        metadata: { name: 'v1.x.example.com' },
        spec: { group: 'y.example.com', version: 'v1', groupPriorityMinimum: 0, versionPriority: 1 },
      }),
    ).toBe(
      'APIService.apiregistration.k8s.io "v1.x.example.com" is invalid: [metadata.name: Invalid value: "v1.x.example.com": must be `spec.version+"."+spec.group`: "v1.y.example.com", spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000]',
    );
  });

  test('the mandatory flow-control objects print as kubectl shows them', async () => {
    const fs = await table(`${FLOW}/flowschemas`);
    expect(fs.columns).toEqual(['Name', 'PriorityLevel', 'MatchingPrecedence', 'DistinguisherMethod', 'Age', 'MissingPL']);
    expect(fs.rows.map((r) => [r[0], r[1], r[2], r[3], r[5]])).toEqual([
      ['catch-all', 'catch-all', 10000, 'ByUser', 'False'],
      ['exempt', 'exempt', 1, '<none>', 'False'],
    ]);
    const pl = await table(`${FLOW}/prioritylevelconfigurations`);
    expect(pl.rows.map((r) => r.slice(0, 6))).toEqual([
      ['catch-all', 'Limited', 5, '<none>', '<none>', '<none>'],
      ['exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>'],
    ]);
    expect(
      await refused(`${FLOW}/prioritylevelconfigurations`, {
        metadata: { name: 'pl' },
        spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 8, queueLengthLimit: 1 } } } },
      }),
    ).toBe(
      'PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io "pl" is invalid: spec.limited.limitResponse.queuing.handSize: Invalid value: 8: should not be greater than queues (4)',
    );
  });

  test('ComponentStatuses are read-only and healthy, with the deprecation warning', async () => {
    const res = await h.api.get('/api/v1/componentstatuses').expect(200);
    expect(res.headers.warning).toMatch(/v1 ComponentStatus is deprecated in v1\.19\+/);
    expect(res.body.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual([
      'scheduler',
      'controller-manager',
      'etcd-0',
    ]);
    expect((await table('/api/v1/componentstatuses')).rows[0]).toEqual(['scheduler', 'Healthy', 'ok', '']);
    await h.api.get('/api/v1/componentstatuses/nope').expect(404);
    await h.api
      .post('/api/v1/componentstatuses')
      .send({ metadata: { name: 'x' } })
      .expect(405);
  });
});

describe('core/v1 bindings', () => {
  test('POSTing a Binding named after a pod to the namespace binds it; a second one is a 409', async () => {
    await h.api.post(PODS).send(pod('to-bind')).expect(201);
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'to-bind' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-b' },
    };
    await h.api.post('/api/v1/namespaces/default/bindings').send(binding).expect(201);
    expect((await h.api.get(`${PODS}/to-bind`)).body.spec.nodeName).toBe('node-b');
    await h.api.post('/api/v1/namespaces/default/bindings').send(binding).expect(409);
    await h.api.get('/api/v1/namespaces/default/bindings').expect(405);
  });
});
