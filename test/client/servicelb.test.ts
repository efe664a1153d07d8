// ServiceLB over the client seam against the API harness: LoadBalancer services get the node's address as ingress
// (ipMode VIP), a foreign loadBalancerClass is left alone, a port another LoadBalancer holds is refused with a
// Warning event and served once the holder goes, and a type change away from LoadBalancer clears the status.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startServiceLBController, SERVICES, type RunningServiceLB } from '../../src/reconcilers/servicelb/servicelb-controller.js';
import { EventRecorder } from '../../src/reconcilers/event-recorder.js';
import { GVR } from '../../src/client/types.js';
import { KUBE_CONTROLLER_MANAGER } from '../../src/client/identities.js';
import { httpClient } from './clients.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { conflictMessage, decideLoadBalancers, nodeAddresses } from '../../src/reconcilers/servicelb/port-claims.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const NODE_IP = '192.0.2.10';

test('decisions: first come first served per port+protocol, serving services keep theirs; ExternalIP preferred', () => {
  const svc = (name: string, created: string, ports: J[], extra: J = {}): KObject => ({
    metadata: { name, namespace: 'ns', creationTimestamp: created },
    spec: { type: 'LoadBalancer', ports, ...extra.spec },
    status: extra.status ?? {},
  });
  const d = decideLoadBalancers(
    [
      svc('late-serving', '2026-01-03T00:00:00Z', [{ port: 80, protocol: 'TCP' }], {
        status: { loadBalancer: { ingress: [{ ip: 'x' }] } },
      }),
      svc('early', '2026-01-01T00:00:00Z', [
        { port: 80, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ]),
      svc('udp', '2026-01-02T00:00:00Z', [{ port: 80, protocol: 'UDP' }]),
      svc('classy', '2026-01-01T00:00:00Z', [{ port: 80, protocol: 'TCP' }], { spec: { loadBalancerClass: 'example.com/lb' } }),
    ],
    ['10.0.0.1'],
  );
  expect(d.get('ns/late-serving')).toEqual({ ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }], conflicts: [] });
  expect(d.get('ns/early')).toEqual({ ingress: [], conflicts: [{ port: 80, protocol: 'TCP', holder: 'ns/late-serving' }] });
  expect(d.get('ns/udp')?.ingress).toHaveLength(1);
  expect(d.has('ns/classy')).toBe(false);
  expect(conflictMessage(d.get('ns/early')!.conflicts)).toBe(
    'Port 80/TCP (held by LoadBalancer service ns/late-serving) already in use on the nodes; no ingress until it is free',
  );
  const node = (addresses: J[]): KObject => ({ metadata: { name: 'n' }, status: { addresses } });
  expect(
    nodeAddresses([
      node([
        { type: 'InternalIP', address: '10.1.1.1' },
        { type: 'Hostname', address: 'h' },
      ]),
    ]),
  ).toEqual(['10.1.1.1']);
  expect(
    nodeAddresses([node([{ type: 'InternalIP', address: '10.1.1.1' }]), node([{ type: 'ExternalIP', address: '203.0.113.5' }])]),
  ).toEqual(['203.0.113.5']);
});

describe('servicelb controller', () => {
  let h: Harness;
  let api: HttpClient;
  let lb: RunningServiceLB;
  let recorder: EventRecorder;
  const ns = 'lb';

  const create = (name: string, spec: J) => api.create(SERVICES, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
  const ingressOf = async (name: string): Promise<J[]> => ((await api.get(SERVICES, ns, name)) as J).status?.loadBalancer?.ingress ?? [];
  const eventsOf = async (name: string): Promise<J[]> =>
    (await api.list(GVR.events, ns, { fieldSelector: `involvedObject.name=${name}` })).items as J[];

  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    await api.create(GVR.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    const node = await api.get(GVR.nodes, undefined, 'node-a');
    await api.updateStatus(GVR.nodes, undefined, { ...node, status: { addresses: [{ type: 'InternalIP', address: NODE_IP }] } });
    await api.create(GVR.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const ctx = makeContext(h.service, log);
    recorder = new EventRecorder(ctx.client(KUBE_CONTROLLER_MANAGER), log);
    lb = await startServiceLBController(ctx, { recorder });
  });
  afterAll(async () => {
    lb.stop();
    await recorder.flush();
    api.close();
    await h.close();
  });

  test('ingress for the first holder of a port, a Warning for the second, served once the first goes', async () => {
    await create('a', { type: 'LoadBalancer', ports: [{ port: 8080 }] });
    expect(await until(async () => (await ingressOf('a')).length > 0 && ingressOf('a'))).toEqual([{ ip: NODE_IP, ipMode: 'VIP' }]);
    await create('b', {
      type: 'LoadBalancer',
      ports: [
        { name: 'x', port: 8080 },
        { name: 'y', port: 8081 },
      ],
    });
    const warning = await until(async () => (await eventsOf('b')).find((e) => e.type === 'Warning'));
    expect(warning.reason).toBe('UnAvailableLoadBalancer');
    expect(warning.message).toBe(
      'Port 8080/TCP (held by LoadBalancer service lb/a) already in use on the nodes; no ingress until it is free',
    );
    expect(await ingressOf('b')).toEqual([]);
    await create('other-class', { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: [{ port: 8080 }] });
    await api.delete(SERVICES, ns, 'a');
    expect(await until(async () => (await ingressOf('b')).length > 0 && ingressOf('b'))).toEqual([{ ip: NODE_IP, ipMode: 'VIP' }]);
    expect(await ingressOf('other-class')).toEqual([]);
    const updated = await until(async () => (await eventsOf('b')).find((e) => e.reason === 'UpdatedLoadBalancer'));
    expect(updated.message).toBe(`Updated LoadBalancer with new IPs: [] -> [${NODE_IP}]`);
    // No longer a load balancer: the status goes with the type.
    const cur = await api.get(SERVICES, ns, 'b');
    await api.update(SERVICES, ns, { ...cur, spec: { ...(cur.spec as J), type: 'ClusterIP' } });
    expect(await ingressOf('b')).toEqual([]);
  });
});
