import { fieldErrorMessage, invalid as invalidStatus } from '../../src/machinery/api/errors.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { create, msgs, update } from '../support/strategy-steps.js';
import {
  canonicalQuantity,
  configMapStrategy,
  deploymentStrategy,
  namespaceStrategy,
  podStrategy,
  prepareStatusUpdate,
  replicaSetStrategy,
  secretStrategy,
  serviceStrategy,
  validateClusterIPInRange,
  validateObjectMeta,
  validateObjectMetaUpdate,
  specChanged,
} from '../../src/registry/strategies/index.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const pod = (spec: unknown, name = 'nginx'): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec });

describe('Pod', () => {
  test('a minimal pod gets the fields kubectl get -o yaml shows on a real cluster', () => {
    const { obj, errs } = create(podStrategy, pod({ containers: [{ name: 'nginx', image: 'nginx' }] }));
    expect(errs).toEqual([]);
    expect(obj.spec).toEqual({
      containers: [
        {
          image: 'nginx',
          imagePullPolicy: 'Always',
          name: 'nginx',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
    });
    expect(obj.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  test('container, probe, port, volume and env defaults', () => {
    const { obj, errs } = create(
      podStrategy,
      pod({
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            livenessProbe: { httpGet: { port: 80 } },
            volumeMounts: [
              { name: 'cfg', mountPath: '/cfg' },
              { name: 'scratch', mountPath: '/tmp' },
            ],
            resources: { limits: { cpu: '1000m', memory: '128Mi' } },
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'scratch' }],
      }),
    );
    expect(errs).toEqual([]);
    const c = (obj.spec as any).containers[0];
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports[0]).toEqual({ containerPort: 80, protocol: 'TCP' });
    expect(c.env[0].valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/', port: 80, scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    // Limits alone: requests copy them, quantities are canonical, and the pod is Guaranteed.
    expect(c.resources).toEqual({ limits: { cpu: '1', memory: '128Mi' }, requests: { cpu: '1', memory: '128Mi' } });
    expect((obj.spec as any).volumes).toEqual([
      { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect((obj.status as any).qosClass).toBe('Guaranteed');
  });

  test('Burstable when only some requests are set', () => {
    const { obj } = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] }));
    expect((obj.status as any).qosClass).toBe('Burstable');
  });

  test('invalid names', () => {
    const { errs } = create(podStrategy, pod({ containers: [{ name: 'Web_1', image: 'x' }] }, 'My_Pod'));
    const m = msgs(errs);
    expect(m).toContain(
      "metadata.name: Invalid value: \"My_Pod\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
    expect(m).toContain(
      "spec.containers[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  });

  test('name or generateName is required; generateName with trailing dash is fine', () => {
    const noName = create(podStrategy, { metadata: { namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'x' }] } });
    expect(msgs(noName.errs)).toEqual(['metadata.name: Required value: name or generateName is required']);
    const gen = validateObjectMeta({ generateName: 'web-', name: 'web-abcde', namespace: 'default' }, { namespaced: true });
    expect(gen).toEqual([]); // Upstream's mask drops the last two characters before appending 'a': `a-.-` is checked as `a-a`, and accepted.
    expect(validateObjectMeta({ generateName: 'a-.-', name: 'web-abcde', namespace: 'default' }, { namespaced: true })).toEqual([]);
    expect(msgs(validateObjectMeta({ generateName: '-.-', name: 'web-abcde', namespace: 'default' }, { namespaced: true }))).toEqual([
      expect.stringContaining('metadata.generateName: Invalid value: "-.-"'),
    ]);
  });

  test('duplicate container names, across init containers too, and a missing image', () => {
    const { errs } = create(
      podStrategy,
      pod({
        initContainers: [{ name: 'a', image: 'busybox' }],
        containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'x' }, { name: 'b' }],
      }),
    );
    expect(msgs(errs)).toEqual([
      'spec.containers[1].name: Duplicate value: "a"',
      'spec.containers[2].image: Required value',
      'spec.initContainers[0].name: Duplicate value: "a"',
    ]);
    const e = invalidStatus('Pod', '', 'nginx', errs.slice(1, 2));
    expect(e.message).toBe('Pod "nginx" is invalid: spec.containers[2].image: Required value');
  });

  test('containers required, bad enums, ports, mounts and requests above limits', () => {
    expect(msgs(create(podStrategy, pod({ containers: [] })).errs)).toEqual(['spec.containers: Required value']);
    const { errs } = create(
      podStrategy,
      pod({
        restartPolicy: 'Sometimes',
        containers: [
          {
            name: 'a',
            image: 'x',
            imagePullPolicy: 'Maybe',
            ports: [{ containerPort: 70000, protocol: 'ICMP' }],
            volumeMounts: [{ name: 'nope', mountPath: '/x' }],
            resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
          },
        ],
      }),
    );
    const m = msgs(errs);
    expect(m).toContain('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
    expect(m).toContain(
      'spec.containers[0].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"',
    );
    expect(m).toContain('spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive');
    expect(m).toContain('spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"');
    expect(m).toContain('spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1');
    expect(errs.find((e) => e.field === 'spec.containers[0].volumeMounts[0].name')?.type).toBe('FieldValueNotFound');
  });

  test('duplicate volume names', () => {
    const { errs } = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v' }, { name: 'v' }] }));
    expect(msgs(errs)).toEqual(['spec.volumes[1].name: Duplicate value: "v"']);
  });

  test('updates may change images but not other fields', () => {
    const stored = create(podStrategy, pod({ containers: [{ name: 'a', image: 'nginx:1.26' }] })).obj;
    stored.metadata.uid = 'u1';
    const ok = clone(stored);
    (ok.spec as any).containers[0].image = 'nginx:1.27';
    expect(update(podStrategy, ok, stored).errs).toEqual([]);
    const bad = clone(stored);
    (bad.spec as any).containers[0].ports = [{ containerPort: 80 }];
    const errs = update(podStrategy, bad, stored).errs;
    expect(errs).toHaveLength(1);
    expect(errs[0].field).toBe('spec');
    expect(errs[0].detail!.split('\n')[0]).toBe(
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
    const removedToleration = clone(stored);
    (removedToleration.spec as any).tolerations.pop();
    expect(msgs(update(podStrategy, removedToleration, stored).errs)).toEqual([
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });

  test('updates may add, reorder and re-time tolerations, and 20,000 of them are compared quickly', () => {
    const tolerations = Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, operator: 'Exists', effect: 'NoSchedule' }));
    const stored = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x:1' }], tolerations })).obj;
    stored.metadata.uid = 'u1';
    const next = clone(stored);
    const spec = next.spec as { tolerations: Record<string, unknown>[] };
    spec.tolerations.reverse();
    spec.tolerations[0].tolerationSeconds = 30;
    spec.tolerations.push({ key: 'new', operator: 'Exists' });
    const started = Date.now();
    expect(update(podStrategy, next, stored).errs).toEqual([]);
    // an old pod compared every pair: 23 s for 4,000
    expect(Date.now() - started).toBeLessThan(10_000);
    spec.tolerations[5].effect = 'NoExecute';
    expect(msgs(update(podStrategy, next, stored).errs)).toEqual([
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });

  test('status is kept on update and uid is immutable', () => {
    const stored = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x:1' }] })).obj;
    stored.metadata.uid = 'u1';
    stored.status = { phase: 'Running' };
    const next = clone(stored);
    next.status = { phase: 'Failed' };
    next.metadata.uid = 'u2';
    const r = update(podStrategy, next, stored);
    expect(r.obj.status).toEqual({ phase: 'Running' });
    expect(msgs(r.errs)).toEqual(['metadata.uid: Invalid value: "u2": field is immutable']);
  });
});

const deployment = (selector: unknown, labels: unknown, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }], ...extra } } },
});

describe('Deployment and ReplicaSet', () => {
  test('defaults', () => {
    const { obj, errs } = create(deploymentStrategy, deployment({ matchLabels: { app: 'web' } }, { app: 'web' }));
    expect(errs).toEqual([]);
    const spec = obj.spec as any;
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.template.spec.restartPolicy).toBe('Always');
    expect(spec.template.spec.containers[0].terminationMessagePolicy).toBe('File');
    // Pod-only defaults and admission fields are not in templates.
    expect(spec.template.spec.enableServiceLinks).toBeUndefined();
    expect(spec.template.spec.serviceAccountName).toBeUndefined();
    expect(obj.status).toEqual({});
  });

  test('selector mismatch, missing selector, restartPolicy', () => {
    const m = msgs(create(deploymentStrategy, deployment({ matchLabels: { app: 'web' } }, { app: 'other', tier: 'x' })).errs);
    expect(m).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other", "tier":"x"}: `selector` does not match template `labels`',
    ]);
    const e = invalidStatus('Deployment', 'apps', 'web', create(deploymentStrategy, deployment(undefined, { app: 'web' })).errs);
    expect(e.message).toBe(
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    );
    const never = msgs(
      create(deploymentStrategy, deployment({ matchLabels: { app: 'web' } }, { app: 'web' }, { restartPolicy: 'Never' })).errs,
    );
    expect(never).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
    const neg = create(deploymentStrategy, { ...deployment({ matchLabels: { app: 'web' } }, { app: 'web' }) });
    (neg.obj.spec as any).replicas = -1;
    expect(msgs(deploymentStrategy.validate!(neg.obj))).toEqual(['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  });

  test('ReplicaSet selector is immutable', () => {
    const rs = (app: string): KObject => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app } },
        template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'a', image: 'x' }] } },
      },
    });
    const stored = create(replicaSetStrategy, rs('a')).obj;
    expect((stored.spec as any).replicas).toBe(1);
    const { errs } = update(replicaSetStrategy, rs('b'), stored);
    expect(msgs(errs)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(update(replicaSetStrategy, rs('a'), stored).errs).toEqual([]);
    expect(specChanged({ spec: { replicas: 2 } }, { spec: { replicas: 1 } })).toBe(true);
  });
});

describe('Secret and ConfigMap', () => {
  test('stringData is merged into data as base64 and removed; type defaults to Opaque', () => {
    const { obj, errs } = create(secretStrategy, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      data: { a: Buffer.from('old').toString('base64'), b: 'Yg==' },
      stringData: { a: 'new', c: 'héllo' },
    });
    expect(errs).toEqual([]);
    expect(obj.stringData).toBeUndefined();
    expect(obj.type).toBe('Opaque');
    expect(obj.data).toEqual({ a: Buffer.from('new').toString('base64'), b: 'Yg==', c: Buffer.from('héllo').toString('base64') });
  });

  test('tls secrets need tls.crt and tls.key; type is immutable', () => {
    const tls: KObject = { metadata: { name: 't', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } };
    expect(msgs(create(secretStrategy, tls).errs)).toEqual(['data[tls.key]: Required value']);
    const stored = create(secretStrategy, { metadata: { name: 's', namespace: 'default' }, data: {} }).obj;
    const changed = { ...clone(stored), type: 'kubernetes.io/basic-auth', data: { username: 'dQ==' } };
    expect(msgs(update(secretStrategy, changed, stored).errs)).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
  });

  test('configmap bad key, overlap with binaryData, immutable', () => {
    const { errs } = create(configMapStrategy, {
      metadata: { name: 'c', namespace: 'default' },
      data: { 'a b': '1', x: '1' },
      binaryData: { x: 'eA==' },
    });
    expect(msgs(errs)).toEqual([
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[x]: Invalid value: "x": duplicate of key present in binaryData',
    ]);
    const stored: KObject = { metadata: { name: 'c', namespace: 'default' }, data: { a: '1' }, immutable: true };
    expect(msgs(update(configMapStrategy, { ...clone(stored), data: { a: '2' } }, stored).errs)).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('quantities', () => {
  test.each([
    ['1000m', '1'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['2', '2'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['12e6', '12e6'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['0', '0'],
    ['-1', '-1'],
    ['1.0000000001', '1000000001n'],
    ['0.0000000001', '1n'],
    ['1M', '1M'],
    ['1000k', '1M'],
    [1, '1'],
    [0.25, '250m'],
  ])('%s → %s', (input, want) => {
    expect(canonicalQuantity(input as string | number)).toBe(want);
  });
  test('malformed quantities are rejected', () => {
    for (const bad of ['', 'abc', '1.2.3', '1Gb', 'Gi', '1 Gi']) expect(() => canonicalQuantity(bad)).toThrow(/quantities must match/);
  });
});

describe('Service', () => {
  const svc = (spec: unknown): KObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec });

  test('defaults', () => {
    const { obj, errs } = create(serviceStrategy, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    expect(errs).toEqual([]);
    expect(obj.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    const np = create(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] })).obj.spec as any;
    expect(np.externalTrafficPolicy).toBe('Cluster');
    expect(np.ports[0].targetPort).toBe('http');
    expect(obj.status).toEqual({ loadBalancer: {} });
  });

  test('port validation', () => {
    expect(msgs(create(serviceStrategy, svc({})).errs)).toEqual(['spec.ports: Required value']);
    expect(create(serviceStrategy, svc({ clusterIP: 'None' })).errs).toEqual([]);
    const m = msgs(
      create(serviceStrategy, svc({ type: 'Magic', ports: [{ port: 80 }, { name: 'a', port: 0 }, { name: 'a', port: 81, nodePort: 80 }] }))
        .errs,
    );
    expect(m).toEqual([
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      'spec.ports[0].name: Required value',
      'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      // targetPort defaulted from the bad port is reported too, as Kubernetes does.
      'spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[2].name: Duplicate value: "a"',
      // nodePort 80 is no error here: the node-port range is the allocator's check (--service-node-port-range).
    ]);
    expect(msgs(create(serviceStrategy, svc({ ports: [{ port: 80, nodePort: 30080 }] })).errs)).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });

  test('clusterIP is immutable but kept when omitted', () => {
    const stored = create(serviceStrategy, svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' })).obj;
    expect((stored.spec as any).clusterIPs).toEqual(['10.96.0.10']);
    const omitted = update(serviceStrategy, svc({ ports: [{ port: 81 }] }), stored);
    expect(omitted.errs).toEqual([]);
    expect((omitted.obj.spec as any).clusterIP).toBe('10.96.0.10');
    const changed = update(serviceStrategy, svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] }), stored);
    expect(msgs(changed.errs)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
    // Going to ExternalName drops the ClusterIP the client left as it was, and the way back allocates a new one.
    const external = update(
      serviceStrategy,
      { ...stored, spec: { ...(stored.spec as any), type: 'ExternalName', externalName: 'x.example' } },
      stored,
    );
    expect(external.errs).toEqual([]);
    expect((external.obj.spec as any).clusterIP).toBeUndefined();
    expect((external.obj.spec as any).clusterIPs).toBeUndefined();
    const back = update(serviceStrategy, svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.12' }), external.obj);
    expect(back.errs).toEqual([]);
  });

  test('type changes drop node ports the client left; updates keep them by port name; per-type fields', () => {
    const np = create(serviceStrategy, svc({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })).obj;
    Object.assign(np.spec as any, { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] });
    const keep = update(serviceStrategy, svc({ type: 'NodePort', ports: [{ name: 'http', port: 8080 }] }), np);
    expect((keep.obj.spec as any).ports[0].nodePort).toBe(30080);
    const toClusterIP = update(serviceStrategy, { ...np, spec: { ...(np.spec as any), type: 'ClusterIP' } }, np);
    expect(toClusterIP.errs).toEqual([]);
    expect((toClusterIP.obj.spec as any).ports[0].nodePort).toBeUndefined();
    expect((toClusterIP.obj.spec as any).externalTrafficPolicy).toBeUndefined();
    expect(msgs(create(serviceStrategy, svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] })).errs)).toEqual([
      'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services',
    ]);
    expect(msgs(create(serviceStrategy, svc({ allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] })).errs)).toEqual([
      "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
    expect(
      msgs(
        create(
          serviceStrategy,
          svc({
            type: 'NodePort',
            ports: [
              { name: 'a', port: 80, nodePort: 30001 },
              { name: 'b', port: 81, nodePort: 30001 },
            ],
          }),
        ).errs,
      ),
    ).toEqual(['spec.ports[1].nodePort: Duplicate value: 30001']);
    expect(msgs(create(serviceStrategy, svc({ type: 'NodePort', healthCheckNodePort: 30002, ports: [{ port: 80 }] })).errs)).toEqual([
      "spec.healthCheckNodePort: Invalid value: 30002: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    ]);
  });

  test('single-stack IPv4: other families and RequireDualStack are refused; source ranges are CIDRs', () => {
    expect(msgs(create(serviceStrategy, svc({ ipFamilies: ['IPv6'], ports: [{ port: 80 }] })).errs)).toEqual([
      'spec.ipFamilies[0]: Invalid value: "IPv6": IPv6 is not configured on this cluster',
    ]);
    expect(msgs(create(serviceStrategy, svc({ ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }] })).errs)).toEqual([
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    ]);
    expect(create(serviceStrategy, svc({ ipFamilyPolicy: 'PreferDualStack', ports: [{ port: 80 }] })).errs).toEqual([]);
    expect(
      msgs(create(serviceStrategy, svc({ type: 'ExternalName', externalName: 'a.example', ipFamilyPolicy: 'SingleStack' })).errs),
    ).toEqual(['spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services']);
    expect(
      msgs(
        create(serviceStrategy, svc({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', 'nope'], ports: [{ port: 80 }] }))
          .errs,
      ),
    ).toEqual(['spec.LoadBalancerSourceRanges[1]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
  });

  test('clusterIP and clusterIPs agree; headless stays headless; health-check node port immutable; affinity config', () => {
    expect(msgs(create(serviceStrategy, svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.6'], ports: [{ port: 80 }] })).errs)).toEqual([
      'spec.clusterIPs: Invalid value: []string{"10.96.0.6"}: first value must match `clusterIP`',
    ]);
    expect(
      msgs(create(serviceStrategy, svc({ clusterIP: 'None', clusterIPs: ['None', '10.96.0.6'], ports: [{ port: 80 }] })).errs),
    ).toEqual(['spec.clusterIPs: Invalid value: []string{"None", "10.96.0.6"}: \'None\' must be the first and only value']);
    expect(
      msgs(create(serviceStrategy, svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', '10.96.0.6'], ports: [{ port: 80 }] })).errs),
    ).toEqual(['spec.clusterIPs: Invalid value: []string{"10.96.0.5", "10.96.0.6"}: may specify no more than one IP for each IP family']);
    const headless = create(serviceStrategy, svc({ clusterIP: 'None', ports: [{ port: 80 }] })).obj;
    expect(msgs(update(serviceStrategy, svc({ ports: [{ port: 80 }], clusterIP: '', clusterIPs: [] }), headless).errs)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{}: primary clusterIP can not be unset',
    ]);
    const local = create(
      serviceStrategy,
      svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30100, ports: [{ port: 80 }] }),
    ).obj;
    expect(msgs(update(serviceStrategy, { ...local, spec: { ...(local.spec as any), healthCheckNodePort: 30101 } }, local).errs)).toEqual([
      'spec.healthCheckNodePort: Forbidden: field is immutable',
    ]);
    expect(
      msgs(create(serviceStrategy, svc({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } }, ports: [{ port: 80 }] })).errs),
    ).toEqual(['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None']);
    // status.loadBalancer: ingress on LoadBalancers only, ipMode with an ip.
    const withIngress = (type: string, ingress: unknown[]) => ({
      ...svc({ type, ports: [{ port: 80 }] }),
      status: { loadBalancer: { ingress } },
    });
    expect(msgs(serviceStrategy.validate!(withIngress('ClusterIP', [{ ip: '192.0.2.1', ipMode: 'VIP' }])))).toContain(
      "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    );
    expect(msgs(serviceStrategy.validate!(withIngress('LoadBalancer', [{ hostname: 'lb.example', ipMode: 'VIP' }])))).toContain(
      'status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set',
    );
    // externalIPs make a ClusterIP service externally accessible: it gets an externalTrafficPolicy.
    expect(
      (create(serviceStrategy, svc({ externalIPs: ['192.0.2.1'], ports: [{ port: 80 }] })).obj.spec as any).externalTrafficPolicy,
    ).toBe('Cluster');
    expect(msgs(create(serviceStrategy, svc({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] })).errs)).toEqual([
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
  });

  test('validateClusterIPInRange', () => {
    expect(validateClusterIPInRange('10.96.0.10', '10.96.0.0/12')).toEqual([]);
    expect(validateClusterIPInRange('10.112.0.1', '10.96.0.0/12')).toHaveLength(1);
    expect(msgs(validateClusterIPInRange('192.168.1.1', '10.96.0.0/12'))[0]).toBe(
      'spec.clusterIPs: Invalid value: []string{"192.168.1.1"}: failed to allocate IP 192.168.1.1: provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });
});

describe('Namespace and metadata', () => {
  test('namespace create: finalizer, phase, name label; DNS label names', () => {
    const { obj, errs } = create(namespaceStrategy, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    expect(errs).toEqual([]);
    expect(obj.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(obj.status).toEqual({ phase: 'Active' });
    expect(obj.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(msgs(create(namespaceStrategy, { metadata: { name: 'a.b' } }).errs)).toEqual([
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ]);
    const upd = update(namespaceStrategy, { metadata: { name: 'team-a', labels: {} }, status: { phase: 'Terminating' } }, obj);
    expect(upd.obj.status).toEqual({ phase: 'Active' });
    expect(upd.obj.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
  });

  test('labels and annotations', () => {
    const errs = validateObjectMeta(
      { name: 'x', namespace: 'd', labels: { 'bad key!': 'v', ok: 'bad value!' }, annotations: { big: 'x'.repeat(256 * 1024) } },
      { namespaced: true },
    );
    expect(errs.map((e) => e.field)).toEqual(['metadata.labels', 'metadata.labels', 'metadata.annotations']);
    expect(fieldErrorMessage(errs[2])).toBe('Too long: may not be more than 262144 bytes');
    expect(msgs(validateObjectMeta({ name: 'x' }, { namespaced: true }))).toEqual(['metadata.namespace: Required value']);
    expect(msgs(validateObjectMetaUpdate({ name: 'y', namespace: 'd' }, { name: 'x', namespace: 'd' }))).toEqual([
      'metadata.name: Invalid value: "y": field is immutable',
    ]);
  });

  test('prepareStatusUpdate takes only status', () => {
    const old: KObject = { metadata: { name: 'd', labels: { a: '1' } }, spec: { replicas: 1 }, status: { replicas: 0 } };
    const req: KObject = { metadata: { name: 'd', labels: { a: '2' } }, spec: { replicas: 5 }, status: { replicas: 3 } };
    prepareStatusUpdate(req, old);
    expect(req).toEqual({ metadata: { name: 'd', labels: { a: '1' } }, spec: { replicas: 1 }, status: { replicas: 3 } });
  });
});
