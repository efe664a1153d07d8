import type { TableDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { buildTable, defaultTable, TABLES, tableFor } from '../../src/registry/tables/index.js';

const now = new Date('2025-03-01T12:00:00Z');
/** An RFC 3339 timestamp `ms` before now. */
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** Cells keyed by column name, so assertions read like kubectl output. */
function row(def: TableDef, obj: KObject): Record<string, unknown> {
  const cells = def.cells(obj, now);
  expect(cells).toHaveLength(def.columns.length);
  return Object.fromEntries(def.columns.map((c, i) => [c.name, cells[i]]));
}

const runningPod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c-abcde',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '42',
    creationTimestamp: ago(5 * D + 3 * H),
    labels: { app: 'web' },
  },
  spec: {
    nodeName: 'node1',
    containers: [
      { name: 'nginx', image: 'nginx:1.27' },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.244.0.5',
    podIPs: [{ ip: '10.244.0.5' }],
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [
      {
        name: 'nginx',
        ready: true,
        restartCount: 2,
        state: { running: { startedAt: ago(4 * M) } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(4 * M + 12 * S) } },
      },
      {
        name: 'sidecar',
        ready: true,
        restartCount: 1,
        state: { running: { startedAt: ago(2 * H) } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * H) } },
      },
    ],
  },
};

describe('pods', () => {
  const pods = TABLES['pods']!;

  test('columns match kube-apiserver', () => {
    expect(pods.columns.map((c) => [c.name, c.type, c.priority ?? 0])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ]);
    expect(pods.columns[0]!.format).toBe('name');
  });

  test('a running pod with restarts', () => {
    expect(pods.cells(runningPod, now)).toEqual([
      'web-7d4b9c-abcde',
      '2/2',
      'Running',
      '3 (4m12s ago)',
      '5d3h',
      '10.244.0.5',
      'node1',
      '<none>',
      '<none>',
    ]);
  });

  test('a crash-looping pod', () => {
    const pod: KObject = {
      metadata: { name: 'crashy', creationTimestamp: ago(20 * M) },
      spec: { containers: [{ name: 'app', image: 'app' }], readinessGates: [{ conditionType: 'example.com/ready' }] },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.0.0.9' }],
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'False' },
          { type: 'example.com/ready', status: 'True' },
        ],
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 6,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(90 * S) } },
          },
        ],
      },
    };
    const r = row(pods, pod);
    expect(r).toMatchObject({
      Ready: '0/1',
      Status: 'CrashLoopBackOff',
      Restarts: '6 (90s ago)',
      Age: '20m',
      'Readiness Gates': '1/1',
      Node: '<none>',
    });
  });

  test('a pod being deleted shows Terminating; a finished one keeps its phase', () => {
    const deleting: KObject = {
      ...runningPod,
      metadata: { ...runningPod.metadata, deletionTimestamp: ago(-30 * S), deletionGracePeriodSeconds: 30 },
    };
    expect(row(pods, deleting).Status).toBe('Terminating');
    const done: KObject = {
      metadata: { name: 'job-x', creationTimestamp: ago(H), deletionTimestamp: ago(0) },
      spec: { containers: [{ name: 'c', image: 'i' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    };
    expect(row(pods, done)).toMatchObject({ Ready: '0/1', Status: 'Completed', Restarts: '0' });
    const lost = { ...deleting, status: { ...(deleting.status as object), reason: 'NodeLost' } };
    expect(row(pods, lost).Status).toBe('Unknown');
    const table = buildTable(pods, [done], { includeObject: 'None', now, resourceVersion: '1' }) as { rows: { conditions?: unknown[] }[] };
    expect(table.rows[0]!.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
  });

  test('init containers, pending and exit codes', () => {
    const base = {
      metadata: { name: 'p', creationTimestamp: ago(10 * S) },
      spec: {
        initContainers: [
          { name: 'i1', image: 'x' },
          { name: 'i2', image: 'x' },
        ],
        containers: [{ name: 'c', image: 'x' }],
      },
    };
    const pending: KObject = { ...base, status: { phase: 'Pending' } };
    expect(row(pods, pending)).toMatchObject({ Ready: '0/1', Status: 'Pending', Restarts: '0', Age: '10s' });
    const init1: KObject = {
      ...base,
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'i2', restartCount: 0, state: { running: {} } },
        ],
      },
    };
    expect(row(pods, init1).Status).toBe('Init:1/2');
    const initFail: KObject = {
      ...base,
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'i1',
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 2, finishedAt: ago(3 * M) } },
          },
        ],
      },
    };
    expect(row(pods, initFail)).toMatchObject({ Status: 'Init:CrashLoopBackOff', Restarts: '3 (3m ago)' });
    const exitCode: KObject = {
      ...base,
      spec: { containers: [{ name: 'c', image: 'x' }] },
      status: { phase: 'Failed', containerStatuses: [{ name: 'c', restartCount: 0, state: { terminated: { exitCode: 3 } } }] },
    };
    expect(row(pods, exitCode).Status).toBe('ExitCode:3');
    // A native sidecar (restartable init container) counts as a container.
    const sidecar: KObject = {
      metadata: { name: 's', creationTimestamp: ago(S) },
      spec: { initContainers: [{ name: 'proxy', image: 'x', restartPolicy: 'Always' }], containers: [{ name: 'c', image: 'x' }] },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 0, state: { running: {} } }],
        containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }],
      },
    };
    expect(row(pods, sidecar)).toMatchObject({ Ready: '2/2', Status: 'Running' });
  });
});

describe('services', () => {
  test('a NodePort service', () => {
    const svc: KObject = {
      metadata: { name: 'web', creationTimestamp: ago(3 * H + 4 * M) },
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.12.7',
        clusterIPs: ['10.96.12.7'],
        selector: { tier: 'fe', app: 'web' },
        ports: [
          { port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' },
          { port: 53, nodePort: 31053, protocol: 'UDP' },
        ],
      },
    };
    expect(TABLES['services']!.cells(svc, now)).toEqual([
      'web',
      'NodePort',
      '10.96.12.7',
      '<none>',
      '80:30080/TCP,53:31053/UDP',
      '3h4m',
      'app=web,tier=fe',
    ]);
    expect(TABLES['services']!.columns.map((c) => c.name)).toEqual([
      'Name',
      'Type',
      'Cluster-IP',
      'External-IP',
      'Port(s)',
      'Age',
      'Selector',
    ]);
  });

  test('headless, LoadBalancer pending and ExternalName', () => {
    const t = TABLES['services']!;
    expect(row(t, { metadata: { name: 'h' }, spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] } })).toMatchObject({
      'Cluster-IP': 'None',
      'External-IP': '<none>',
      'Port(s)': '<none>',
      Age: '<unknown>',
      Selector: '<none>',
    });
    expect(
      row(t, {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', clusterIPs: ['10.0.0.1'], ports: [{ port: 443, protocol: 'TCP', nodePort: 32000 }] },
      })['External-IP'],
    ).toBe('<pending>');
    expect(
      row(t, {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', externalIPs: ['1.2.3.4'] },
        status: { loadBalancer: { ingress: [{ ip: '5.6.7.8' }, { hostname: 'a.example.com' }] } },
      })['External-IP'],
    ).toBe('5.6.7.8,a.example.com,1.2.3.4');
    expect(row(t, { metadata: { name: 'x' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } })).toMatchObject({
      'External-IP': 'db.example.com',
      'Cluster-IP': '<none>',
    });
  });
});

describe('apps', () => {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        { name: 'nginx', image: 'nginx:1.27' },
        { name: 'log', image: 'fluent-bit' },
      ],
    },
  };

  test('a deployment', () => {
    const d: KObject = {
      metadata: { name: 'web', creationTimestamp: ago(45 * D) },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
        template,
      },
      status: { replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1 },
    };
    expect(TABLES['apps/deployments']!.cells(d, now)).toEqual([
      'web',
      '2/3',
      2,
      1,
      '45d',
      'nginx,log',
      'nginx:1.27,fluent-bit',
      'app=web,tier in (be,fe)',
    ]);
    expect(TABLES['apps/deployments']!.columns.filter((c) => !c.priority).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    // A fresh deployment has no status yet; replicas default to 1.
    expect(TABLES['apps/deployments']!.cells({ metadata: { name: 'n' }, spec: { selector: {}, template } }, now).slice(1, 4)).toEqual([
      '0/1',
      0,
      0,
    ]);
  });

  test('a replica set', () => {
    const rs: KObject = {
      metadata: { name: 'web-5d8f', creationTimestamp: ago(2 * M) },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    expect(TABLES['apps/replicasets']!.cells(rs, now)).toEqual([
      'web-5d8f',
      2,
      2,
      1,
      '2m',
      'nginx,log',
      'nginx:1.27,fluent-bit',
      'app=web,pod-template-hash=5d8f',
    ]);
    expect(TABLES['apps/replicasets']!.columns.map((c) => c.type).slice(1, 4)).toEqual(['integer', 'integer', 'integer']);
  });
});

describe('nodes', () => {
  const node: KObject = {
    metadata: {
      name: 'docker-desktop',
      creationTimestamp: ago(2 * D + 5 * H),
      labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker', 'kubernetes.io/hostname': 'docker-desktop' },
    },
    spec: { unschedulable: true },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
      addresses: [
        { type: 'Hostname', address: 'docker-desktop' },
        { type: 'InternalIP', address: '192.168.65.3' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.33.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'docker://27.3.1',
      },
    },
  };

  test('a cordoned control-plane node', () => {
    expect(TABLES['nodes']!.cells(node, now)).toEqual([
      'docker-desktop',
      'Ready,SchedulingDisabled',
      'control-plane,worker',
      '2d5h',
      'v1.33.0',
      '192.168.65.3',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0-18-amd64',
      'docker://27.3.1',
    ]);
  });

  test('not ready, no conditions, no info', () => {
    const t = TABLES['nodes']!;
    expect(row(t, { ...node, spec: {}, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toMatchObject({
      Status: 'NotReady',
      'OS-Image': '<unknown>',
      'Internal-IP': '<none>',
      Version: '',
    });
    expect(row(t, { metadata: { name: 'n' } })).toMatchObject({ Status: 'Unknown', Roles: '<none>' });
  });
});

describe('other kinds', () => {
  test('namespaces, configmaps, secrets, serviceaccounts, leases', () => {
    expect(
      TABLES['namespaces']!.cells({ metadata: { name: 'default', creationTimestamp: ago(400 * D) }, status: { phase: 'Active' } }, now),
    ).toEqual(['default', 'Active', '400d']);
    expect(
      TABLES['configmaps']!.cells(
        { metadata: { name: 'cm', creationTimestamp: ago(5 * S) }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } },
        now,
      ),
    ).toEqual(['cm', 3, '5s']);
    expect(
      TABLES['secrets']!.cells({ metadata: { name: 's', creationTimestamp: ago(M) }, type: 'Opaque', data: { k: 'dg==' } }, now),
    ).toEqual(['s', 'Opaque', 1, '60s']);
    expect(TABLES['serviceaccounts']!.cells({ metadata: { name: 'default', creationTimestamp: ago(D) } }, now)).toEqual([
      'default',
      0,
      '24h',
    ]);
    expect(TABLES['coordination.k8s.io/leases']!.cells({ metadata: { name: 'dockube' }, spec: { holderIdentity: 'host-1' } }, now)).toEqual(
      ['dockube', 'host-1', '<unknown>'],
    );
  });

  test('endpoints and endpoint slices', () => {
    const ep: KObject = {
      metadata: { name: 'web', creationTimestamp: ago(M) },
      subsets: [
        { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { name: 'metrics', port: 9090 }] },
        { addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] },
      ],
    };
    expect(TABLES['endpoints']!.cells(ep, now)).toEqual(['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:9090 + 2 more...', '60s']);
    expect(
      TABLES['endpoints']!.cells({ metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] }, now)[1],
    ).toBe('[fd00::1]:80');
    expect(TABLES['endpoints']!.cells({ metadata: { name: 'e' } }, now)[1]).toBe('<none>');
    const slice: KObject = {
      metadata: { name: 'web-abc12' },
      addressType: 'IPv4',
      ports: [{ port: 80 }, { name: 'x' }, {}],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
    };
    expect(TABLES['discovery.k8s.io/endpointslices']!.cells(slice, now)).toEqual([
      'web-abc12',
      'IPv4',
      '80,x,*',
      '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...',
      '<unknown>',
    ]);
    expect(TABLES['discovery.k8s.io/endpointslices']!.cells({ metadata: { name: 'e' }, addressType: 'IPv4' }, now).slice(2, 4)).toEqual([
      '<unset>',
      '<unset>',
    ]);
  });

  test('persistent volume claims', () => {
    const t = TABLES['persistentvolumeclaims']!;
    expect(
      t.cells(
        {
          metadata: { name: 'data', creationTimestamp: ago(H) },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '1Gi' } } },
          status: { phase: 'Pending' },
        },
        now,
      ),
    ).toEqual(['data', 'Pending', '', '', '', 'local', '<unset>', '60m', '<unset>']);
    expect(
      t.cells(
        {
          metadata: { name: 'data', creationTimestamp: ago(H) },
          spec: { volumeName: 'pv-1', volumeMode: 'Filesystem' },
          status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] },
        },
        now,
      ),
    ).toEqual(['data', 'Bound', 'pv-1', '1Gi', 'RWO,RWX', '', '<unset>', '60m', 'Filesystem']);
  });

  test('core events and events.k8s.io events', () => {
    const ev: KObject = {
      metadata: { name: 'web.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{nginx}' },
      reason: 'Pulled',
      message: 'Container image "nginx" already present on machine\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node1' },
      firstTimestamp: ago(10 * M),
      lastTimestamp: ago(2 * M),
      count: 4,
    };
    expect(TABLES['events']!.cells(ev, now)).toEqual([
      '2m',
      'Normal',
      'Pulled',
      'pod/web',
      'spec.containers{nginx}',
      'kubelet, node1',
      'Container image "nginx" already present on machine',
      '10m',
      4,
      'web.17a',
    ]);
    expect(TABLES['events']!.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Last Seen', 0],
      ['Type', 0],
      ['Reason', 0],
      ['Object', 0],
      ['Subobject', 1],
      ['Source', 1],
      ['Message', 0],
      ['First Seen', 1],
      ['Count', 1],
      ['Name', 1],
    ]);
    const v1: KObject = {
      metadata: { name: 'web.17b' },
      eventTime: ago(5 * M),
      reportingController: 'dockube-scheduler',
      reportingInstance: 'dockube-1',
      regarding: { kind: 'Pod', name: 'web' },
      reason: 'Scheduled',
      note: 'Successfully assigned default/web to node1',
      type: 'Normal',
      action: 'Binding',
    };
    expect(TABLES['events.k8s.io/events']!.cells(v1, now)).toEqual([
      '5m',
      'Normal',
      'Scheduled',
      'pod/web',
      '',
      'dockube-scheduler, dockube-1',
      'Successfully assigned default/web to node1',
      '5m',
      1,
      'web.17b',
    ]);
    const series = { ...v1, series: { count: 7, lastObservedTime: ago(30 * S) } };
    expect(TABLES['events.k8s.io/events']!.cells(series, now)).toMatchObject({ 0: '30s', 8: 7 });
  });

  test('default table: NAME, CREATED AT', () => {
    expect(defaultTable.columns.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(defaultTable.cells({ metadata: { name: 'x', creationTimestamp: '2024-05-06T07:08:09Z' } }, now)).toEqual([
      'x',
      '2024-05-06T07:08:09Z',
    ]);
    expect(tableFor('rbac.authorization.k8s.io', 'roles')).toBe(defaultTable);
    expect(tableFor('apps', 'deployments')).toBe(TABLES['apps/deployments']);
    expect(tableFor('', 'pods')).toBe(TABLES['pods']);
  });
});

describe('buildTable', () => {
  test('default rows carry PartialObjectMetadata', () => {
    const t = buildTable(TABLES['pods']!, [runningPod], {
      includeObject: 'Metadata',
      now,
      resourceVersion: '110',
      continue: 'tok',
      remainingItemCount: 4,
    }) as Record<string, any>;
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '110', continue: 'tok', remainingItemCount: 4 });
    expect(t.columnDefinitions[0]).toEqual({ name: 'Name', type: 'string', format: 'name', description: expect.any(String), priority: 0 });
    expect(t.columnDefinitions[5]).toMatchObject({ name: 'IP', format: '', priority: 1 });
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0].cells[0]).toBe('web-7d4b9c-abcde');
    expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: runningPod.metadata });
    expect(t.rows[0].conditions).toBeUndefined();
  });

  test('Object includes the full object (kind filled in), None omits it', () => {
    const bare = { metadata: { name: 'cm' }, data: {} } as KObject;
    const full = buildTable(TABLES['configmaps']!, [bare], {
      includeObject: 'Object',
      now,
      resourceVersion: '5',
      objectKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    }) as Record<string, any>;
    expect(full.rows[0].object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: {} });
    expect(full.metadata).toEqual({ resourceVersion: '5' });
    const none = buildTable(TABLES['configmaps']!, [bare], { includeObject: 'None', now, resourceVersion: '5' }) as Record<string, any>;
    expect(none.rows[0]).toEqual({ cells: ['cm', 0, '<unknown>'] });
    const empty = buildTable(defaultTable, [], { includeObject: 'Metadata', now, resourceVersion: '' }) as Record<string, any>;
    expect(empty.rows).toEqual([]);
    expect(empty.metadata).toEqual({});
  });
});
