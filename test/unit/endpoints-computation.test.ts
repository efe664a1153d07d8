// The pure computation of the endpoints and EndpointSlice controllers: Endpoints subsets (readiness, terminating pods,
// publishNotReadyAddresses, named ports per pod, hostname, repacking, truncation) and EndpointSlice changes (conditions,
// port sets, 100 per slice, placeholder, no change when equal, creates turned into updates of slices to delete) and the
// mirroring of hand-written Endpoints into slices.
import type { KObject } from '../../src/machinery/api/meta.js';
import { podSubsets, repackSubsets, truncateSubsets, type EndpointSubset } from '../../src/reconcilers/endpoints/subsets.js';
import { reconcileSlices } from '../../src/reconcilers/endpointslice/reconcile.js';
import { podToEndpoint, type EndpointSlice } from '../../src/reconcilers/endpointslice/desired.js';
import { desiredEndpoints } from '../../src/reconcilers/endpoints/desired-endpoints.js';
import { reconcileMirror } from '../../src/reconcilers/endpointslicemirroring/mirror.js';
import { formatRfc3339Nano, TriggerTimeTracker } from '../../src/reconcilers/endpoints/trigger-time.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NODE: KObject = { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
const nodeOf = (n: string) => (n === 'n1' ? NODE : undefined);

function svc(spec: J, name = 'web', labels: Record<string, string> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels },
    spec: { clusterIP: '10.96.0.5', ...spec },
  };
}
function pod(
  name: string,
  ip: string,
  o: { ready?: boolean; deleting?: boolean; ports?: J[]; spec?: J; phase?: string; node?: string } = {},
): KObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', ports: o.ports }], ...o.spec },
    status: { phase: o.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as KObject;
}
const ips = (addrs: J[] | undefined) => (addrs ?? []).map((a) => a.ip);

describe('Endpoints subsets', () => {
  test('ready pods are addresses, unready notReadyAddresses, terminating and finished pods and pods without an IP left out', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    const pods = [
      pod('a', '10.244.0.3'),
      pod('b', '10.244.0.2', { ready: false }),
      pod('c', '10.244.0.4', { deleting: true }),
      pod('d', '10.244.0.5', { phase: 'Succeeded' }),
      pod('e', ''),
    ];
    const subsets = repackSubsets(podSubsets(s, pods).subsets);
    expect(subsets).toEqual([
      {
        addresses: [{ ip: '10.244.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '10.244.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  test('publishNotReadyAddresses: unready and terminating pods are addresses', () => {
    const s = svc({ ports: [{ port: 80 }], publishNotReadyAddresses: true });
    const subsets = repackSubsets(
      podSubsets(s, [pod('a', '10.244.0.1', { ready: false }), pod('b', '10.244.0.2', { deleting: true })]).subsets,
    );
    expect(subsets.map((x) => [ips(x.addresses), ips(x.notReadyAddresses), x.ports])).toEqual([
      [['10.244.0.1', '10.244.0.2'], [], [{ port: 80, protocol: 'TCP' }]],
    ]);
  });

  test('a named targetPort resolves per pod: pods with different numbers get their own subsets, pods without it none', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const subsets = repackSubsets(
      podSubsets(s, [
        pod('a', '10.244.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }),
        pod('b', '10.244.0.2', { ports: [{ name: 'web', containerPort: 8081 }] }),
        pod('c', '10.244.0.3', { ports: [{ name: 'web', containerPort: 8080 }] }),
        pod('d', '10.244.0.4', { ports: [{ name: 'web', containerPort: 53, protocol: 'UDP' }] }),
        pod('e', '10.244.0.5'),
      ]).subsets,
    );
    expect(subsets.map((x) => [ips(x.addresses), x.ports?.map((p) => p.port)]).sort()).toEqual([
      [['10.244.0.1', '10.244.0.3'], [8080]],
      [['10.244.0.2'], [8081]],
    ]);
  });

  test('repacking: addresses serving the same ports share a subset; not ready on one port stays not ready there', () => {
    const a = { ip: '10.0.0.1' };
    const b = { ip: '10.0.0.2' };
    const p80 = { name: 'a', port: 80, protocol: 'TCP' };
    const p81 = { name: 'b', port: 81, protocol: 'TCP' };
    const input: EndpointSubset[] = [
      { addresses: [b], ports: [p80] },
      { addresses: [a], ports: [p80] },
      { addresses: [a], ports: [p81] },
      { notReadyAddresses: [a], ports: [p81] },
    ];
    const out = repackSubsets(input);
    expect(out).toHaveLength(2);
    expect(out).toContainEqual({ addresses: [a, b], ports: [p80] });
    expect(out).toContainEqual({ notReadyAddresses: [a], ports: [p81] });
    // The same input in another order packs to the same value.
    expect(repackSubsets([...input].reverse())).toEqual(out);
    // IPs sort numerically.
    expect(ips(repackSubsets([{ addresses: [{ ip: '10.0.0.10' }, { ip: '10.0.0.9' }], ports: [p80] }])[0]!.addresses)).toEqual([
      '10.0.0.9',
      '10.0.0.10',
    ]);
  });

  test('hostname only when the pod subdomain is the service; a headless service without ports lists addresses alone', () => {
    const s = svc({ clusterIP: 'None' }, 'db');
    const pods = [
      pod('a', '10.244.0.1', { spec: { hostname: 'a', subdomain: 'db' } }),
      pod('b', '10.244.0.2', { spec: { hostname: 'b', subdomain: 'other' } }),
    ];
    const [only] = repackSubsets(podSubsets(s, pods).subsets);
    expect(only!.ports).toBeUndefined();
    expect(only!.addresses!.map((x) => [x.ip, x.hostname])).toEqual([
      ['10.244.0.1', 'a'],
      ['10.244.0.2', undefined],
    ]);
    // Not headless and no ports: no endpoints.
    expect(podSubsets(svc({}), pods).subsets).toEqual([]);
  });

  test('past 1000 addresses the subsets are truncated proportionally', () => {
    const many = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.${base}.${Math.floor(i / 256)}.${i % 256}` }));
    const { subsets, truncated } = truncateSubsets([
      { addresses: many(600, 1), ports: [{ port: 80, protocol: 'TCP' }] },
      { addresses: many(300, 2), notReadyAddresses: many(300, 3), ports: [{ port: 81, protocol: 'TCP' }] },
    ]);
    expect(truncated).toBe(true);
    expect(subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0])).toEqual([
      [600, 0],
      [300, 100],
    ]);
    expect(truncateSubsets([{ addresses: many(1000, 1) }]).truncated).toBe(false);
    const ready = truncateSubsets([{ addresses: many(1200, 1), notReadyAddresses: many(5, 2) }]);
    expect(ready.subsets.map((s) => [s.addresses?.length, s.notReadyAddresses])).toEqual([[1000, undefined]]);
  });
});

describe('the Endpoints object', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }, 'web', { tier: 'a' });
  const T = Date.parse('2026-01-01T00:00:07Z');

  test('a new object: the service labels, the trigger time; nothing to write once it is current', () => {
    const ep = desiredEndpoints(s, [pod('a', '10.0.0.1')], undefined, T)!;
    expect(ep.metadata).toEqual({
      name: 'web',
      namespace: 'ns',
      labels: { tier: 'a' },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:07Z' },
    });
    expect(ips(ep.subsets![0]!.addresses)).toEqual(['10.0.0.1']);
    const stored = { ...ep, metadata: { ...ep.metadata, resourceVersion: '5' } };
    expect(desiredEndpoints(s, [pod('a', '10.0.0.1')], stored, 0)).toBeUndefined();
    // A targetRef's resourceVersion alone is no change.
    const withRv = JSON.parse(JSON.stringify(stored));
    withRv.subsets[0].addresses[0].targetRef.resourceVersion = '42';
    expect(desiredEndpoints(s, [pod('a', '10.0.0.1')], withRv, 0)).toBeUndefined();
    // A changed pod: an update of the stored object, the trigger annotation cleared when there is no trigger time.
    const upd = desiredEndpoints(s, [pod('a', '10.0.0.1', { ready: false })], stored, 0)!;
    expect(upd.metadata.resourceVersion).toBe('5');
    expect(upd.metadata.annotations).toBeUndefined();
    expect(ips(upd.subsets![0]!.notReadyAddresses)).toEqual(['10.0.0.1']);
    // The service's labels changed: an update.
    expect(
      desiredEndpoints({ ...s, metadata: { ...s.metadata, labels: { tier: 'b' } } }, [pod('a', '10.0.0.1')], stored, 0)!.metadata.labels,
    ).toEqual({
      tier: 'b',
    });
  });

  test('headless: the label is added and not counted as a difference; past 1000 addresses: truncated and annotated', () => {
    const headless = svc({ selector: { app: 'web' }, clusterIP: 'None', ports: [{ port: 80 }] });
    const ep = desiredEndpoints(headless, [pod('a', '10.0.0.1')], undefined, 0)!;
    expect(ep.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(
      desiredEndpoints(headless, [pod('a', '10.0.0.1')], { ...ep, metadata: { ...ep.metadata, resourceVersion: '1' } }, 0),
    ).toBeUndefined();

    const many = Array.from({ length: 1001 }, (_, i) => pod(`p${i}`, `10.1.${Math.floor(i / 250)}.${i % 250}`));
    const big = desiredEndpoints(s, many, undefined, 0)!;
    expect(big.metadata.annotations).toEqual({ 'endpoints.kubernetes.io/over-capacity': 'truncated' });
    expect(big.subsets!.reduce((n, x) => n + (x.addresses?.length ?? 0), 0)).toBe(1000);
    // Back under capacity: the annotation goes.
    const stored = { ...big, metadata: { ...big.metadata, resourceVersion: '9' } };
    expect(desiredEndpoints(s, many.slice(0, 10), stored, 0)!.metadata.annotations).toBeUndefined();
  });
});

describe('EndpointSlice reconcile', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] }, 'web', { tier: 'a' });
  const webPod = (name: string, ip: string, o: Parameters<typeof pod>[2] = {}) =>
    pod(name, ip, { ports: [{ name: 'web', containerPort: 8080 }], ...o });
  let n = 0;
  /** The created slices as the server would return them (named). */
  const named = (slices: EndpointSlice[]) =>
    slices.map(
      (x) => ({ ...x, metadata: { ...x.metadata, name: x.metadata.name ?? `web-${++n}`, generateName: undefined } }) as EndpointSlice,
    );

  test('conditions: ready, unready, terminating (serving as readiness) and publishNotReadyAddresses', () => {
    const cond = (p: KObject, sv = s) => podToEndpoint(p, NODE, sv).conditions;
    expect(cond(webPod('a', '1.1.1.1'))).toEqual({ ready: true, serving: true, terminating: false });
    expect(cond(webPod('a', '1.1.1.1', { ready: false }))).toEqual({ ready: false, serving: false, terminating: false });
    expect(cond(webPod('a', '1.1.1.1', { deleting: true }))).toEqual({ ready: false, serving: true, terminating: true });
    expect(cond(webPod('a', '1.1.1.1', { deleting: true, ready: false }))).toEqual({ ready: false, serving: false, terminating: true });
    const pub = svc({ selector: { app: 'web' }, publishNotReadyAddresses: true });
    expect(cond(webPod('a', '1.1.1.1', { deleting: true, ready: false }), pub)).toEqual({ ready: true, serving: false, terminating: true });
    expect(podToEndpoint(webPod('a', '1.1.1.1', { spec: { hostname: 'h', subdomain: 'web' } }), NODE, s)).toEqual({
      addresses: ['1.1.1.1'],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'h',
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
      nodeName: 'n1',
      zone: 'z1',
    });
  });

  test("a sidecar's named port counts; the pod's IPv4 addresses come from status.podIPs", () => {
    const p = pod('a', '1.1.1.1', {
      spec: { initContainers: [{ name: 'side', restartPolicy: 'Always', ports: [{ name: 'web', containerPort: 9000 }] }] },
    });
    (p as J).status.podIPs = [{ ip: '1.1.1.1' }, { ip: 'fd00::1' }];
    const [slice] = reconcileSlices({ service: s, pods: [p], existing: [], nodeOf }).create;
    expect(slice!.ports).toEqual([{ name: 'http', port: 9000, protocol: 'TCP' }]);
    expect(slice!.endpoints[0]!.addresses).toEqual(['1.1.1.1']);
  });

  test('a new service: one slice with its labels, owner and the resolved ports; pods without the port in their own slice', () => {
    const r = reconcileSlices({ service: s, pods: [webPod('a', '1.1.1.1'), pod('b', '1.1.1.2')], existing: [], nodeOf });
    expect(r.update).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.create).toHaveLength(2);
    const withPort = r.create.find((x) => x.ports?.length)!;
    expect(withPort.metadata).toEqual({
      generateName: 'web-',
      namespace: 'ns',
      labels: {
        tier: 'a',
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
    });
    expect(withPort.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(withPort.endpoints.map((e) => e.addresses[0])).toEqual(['1.1.1.1']);
    expect(r.create.find((x) => !x.ports?.length)!.endpoints.map((e) => e.addresses[0])).toEqual(['1.1.1.2']);
  });

  test('nothing changed: nothing to write; a changed condition updates the slice in place', () => {
    const pods = [webPod('a', '1.1.1.1'), webPod('b', '1.1.1.2')];
    const existing = named(reconcileSlices({ service: s, pods, existing: [], nodeOf }).create);
    expect(reconcileSlices({ service: s, pods, existing, nodeOf })).toEqual({ create: [], update: [], delete: [], missingNodes: [] });
    const r = reconcileSlices({ service: s, pods: [webPod('a', '1.1.1.1'), webPod('b', '1.1.1.2', { ready: false })], existing, nodeOf });
    expect(r.create).toEqual([]);
    expect(r.update.map((x) => x.metadata.name)).toEqual([existing[0]!.metadata.name]);
    expect(r.update[0]!.endpoints.find((e) => e.addresses[0] === '1.1.1.2')!.conditions.ready).toBe(false);
    // The service's labels changed (one changed, one added): the slice is updated with them.
    const relabelled = { ...s, metadata: { ...s.metadata, labels: { tier: 'b' } } };
    expect(reconcileSlices({ service: relabelled, pods, existing, nodeOf }).update[0]!.metadata.labels!.tier).toBe('b');
    const more = { ...s, metadata: { ...s.metadata, labels: { tier: 'a', extra: 'x' } } };
    expect(reconcileSlices({ service: more, pods, existing, nodeOf }).update[0]!.metadata.labels!.extra).toBe('x');
  });

  test('at most 100 endpoints per slice; scale down empties a slice, which is deleted; new endpoints fill an existing slice', () => {
    const pods = Array.from({ length: 250 }, (_, i) => webPod(`p${i}`, `10.1.${Math.floor(i / 250)}.${i % 250}`));
    const first = reconcileSlices({ service: s, pods, existing: [], nodeOf });
    expect(first.create.map((x) => x.endpoints.length)).toEqual([100, 100, 50]);
    const existing = named(first.create);
    const down = reconcileSlices({ service: s, pods: pods.slice(0, 100), existing, nodeOf });
    expect(down.update).toEqual([]);
    expect(down.delete.map((x) => x.metadata.name).sort()).toEqual([existing[1]!.metadata.name, existing[2]!.metadata.name].sort());
    // 10 more pods fit into the 50-endpoint slice rather than a new one.
    const more = [...pods, ...Array.from({ length: 10 }, (_, i) => webPod(`q${i}`, `10.2.0.${i}`))];
    const up = reconcileSlices({ service: s, pods: more, existing, nodeOf });
    expect(up.create).toEqual([]);
    expect(up.update.map((x) => [x.metadata.name, x.endpoints.length])).toEqual([[existing[2]!.metadata.name, 60]]);
  });

  test('no endpoints: a placeholder, kept once it exists; a port change turns the create into an update of the old slice', () => {
    const empty = reconcileSlices({ service: s, pods: [], existing: [], nodeOf });
    expect(empty.create).toHaveLength(1);
    expect(empty.create[0]!.endpoints).toEqual([]);
    expect(empty.create[0]!.ports).toEqual([]);
    const placeholder = named(empty.create);
    expect(reconcileSlices({ service: s, pods: [], existing: placeholder, nodeOf })).toEqual({
      create: [],
      update: [],
      delete: [],
      missingNodes: [],
    });
    // Pods appear: the placeholder is replaced, by an update of it.
    const r = reconcileSlices({ service: s, pods: [webPod('a', '1.1.1.1')], existing: placeholder, nodeOf });
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.update.map((x) => [x.metadata.name, x.ports, x.endpoints.length])).toEqual([
      [placeholder[0]!.metadata.name, [{ name: 'http', port: 8080, protocol: 'TCP' }], 1],
    ]);
  });

  test('slices of another service of the same name are deleted; pods on an unknown node are left out and reported', () => {
    const other = named(
      reconcileSlices({ service: { ...s, metadata: { ...s.metadata, uid: 'old' } }, pods: [webPod('a', '1.1.1.1')], existing: [], nodeOf })
        .create,
    );
    const r = reconcileSlices({
      service: s,
      pods: [webPod('a', '1.1.1.1'), webPod('b', '1.1.1.2', { node: 'gone' })],
      existing: other,
      nodeOf,
    });
    expect(r.delete.map((x) => x.metadata.name)).toEqual([other[0]!.metadata.name]);
    expect(r.create.map((x) => x.endpoints.map((e) => e.addresses[0]))).toEqual([['1.1.1.1']]);
    expect(r.missingNodes).toEqual(['b']);
  });
});

describe('last-change-trigger-time', () => {
  test('the service creation first, then the earliest Ready transition that changed, none when nothing did', () => {
    const t = new TriggerTimeTracker();
    const sv = { metadata: { name: 's', creationTimestamp: '2026-01-01T00:00:00Z' } } as KObject;
    const p = (name: string, at: string) =>
      ({ metadata: { name }, status: { conditions: [{ type: 'Ready', lastTransitionTime: at }] } }) as KObject;
    expect(formatRfc3339Nano(t.compute('k', sv, [p('a', '2026-01-01T00:00:05Z')]))).toBe('2026-01-01T00:00:00Z');
    expect(t.compute('k', sv, [p('a', '2026-01-01T00:00:05Z')])).toBe(0);
    const changed = t.compute('k', sv, [p('a', '2026-01-01T00:00:09Z'), p('b', '2026-01-01T00:00:07Z')]);
    expect(formatRfc3339Nano(changed)).toBe('2026-01-01T00:00:07Z');
    expect(formatRfc3339Nano(Date.parse('2026-01-01T00:00:07.120Z'))).toBe('2026-01-01T00:00:07.12Z');
  });
});

describe('EndpointSlice mirroring', () => {
  const endpoints = (subsets: J[], meta: J = {}): KObject =>
    ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'ns', uid: 'uid-ext', ...meta }, subsets }) as KObject;
  const named = (slices: EndpointSlice[]) =>
    slices.map((x, i) => ({ ...x, metadata: { ...x.metadata, name: `ext-${i}`, generateName: undefined } }) as EndpointSlice);

  test('addresses become endpoints with only ready; one slice per port set and address type; invalid IPs counted', () => {
    const r = reconcileMirror(
      endpoints(
        [
          {
            addresses: [{ ip: '192.0.2.1', hostname: 'h' }, { ip: 'nope' }],
            notReadyAddresses: [{ ip: '192.0.2.2' }],
            ports: [{ name: 'a', port: 80 }],
          },
          { addresses: [{ ip: '192.0.2.3' }, { ip: '2001:db8::1' }], ports: [{ name: 'a', port: 80 }] },
        ],
        { labels: { team: 'x' }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': 't', keep: 'y' } },
      ),
      [],
    );
    expect(r.invalidAddresses).toBe(1);
    expect(r.skippedAddresses).toBe(0);
    expect(r.create.map((s) => [s.addressType, s.endpoints.map((e) => `${e.addresses[0]} ${e.conditions.ready}`).sort()])).toEqual([
      ['IPv4', ['192.0.2.1 true', '192.0.2.2 false', '192.0.2.3 true']],
      ['IPv6', ['2001:db8::1 true']],
    ]);
    const v4 = r.create[0]!;
    expect(v4.endpoints.find((e) => e.addresses[0] === '192.0.2.1')).toEqual({
      addresses: ['192.0.2.1'],
      conditions: { ready: true },
      hostname: 'h',
    });
    expect(v4.ports).toEqual([{ name: 'a', port: 80, protocol: 'TCP' }]);
    expect(v4.metadata).toMatchObject({
      generateName: 'ext-',
      labels: {
        team: 'x',
        'kubernetes.io/service-name': 'ext',
        'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
      },
      annotations: { keep: 'y' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'ext', uid: 'uid-ext', controller: true, blockOwnerDeletion: true }],
    });
  });

  test('nothing changed: nothing written; a changed address updates the slice; other ports replace it in place', () => {
    const ep = endpoints([{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }]);
    const existing = named(reconcileMirror(ep, []).create);
    expect(reconcileMirror(ep, existing)).toMatchObject({ create: [], update: [], delete: [] });
    const changed = reconcileMirror(endpoints([{ addresses: [{ ip: '192.0.2.9' }], ports: [{ port: 80 }] }]), existing);
    expect(changed.update.map((s) => [s.metadata.name, s.endpoints[0]!.addresses[0]])).toEqual([['ext-0', '192.0.2.9']]);
    const ported = reconcileMirror(endpoints([{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 81 }] }]), existing);
    expect(ported.create).toEqual([]);
    expect(ported.delete).toEqual([]);
    expect(ported.update.map((s) => [s.metadata.name, s.ports![0]!.port])).toEqual([['ext-0', 81]]);
    // No subsets: the mirrored slice goes.
    expect(reconcileMirror(endpoints([]), existing).delete.map((s) => s.metadata.name)).toEqual(['ext-0']);
  });

  test('at most 1000 addresses of a subset are mirrored', () => {
    const addresses = Array.from({ length: 1003 }, (_, i) => ({ ip: `10.0.${Math.floor(i / 250)}.${i % 250}` }));
    const r = reconcileMirror(endpoints([{ addresses, ports: [{ port: 80 }] }]), []);
    expect(r.create.map((s) => s.endpoints.length)).toEqual([1000]);
    expect(r.skippedAddresses).toBe(3);
  });
});
