// hostPorts as the scheduler's NodePorts filter decides them and as Docker is asked to bind them (issue 9).
import { hostPortsOf, portsConflict, type HostPort } from '../../src/reconcilers/scheduler/predicates.js';
import { filterNode, nodeInfo } from '../../src/reconcilers/scheduler/filters.js';
import { fitErrorMessage } from '../../src/reconcilers/scheduler/schedule.js';
import { portBindings } from '../../src/translate/infra.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { Pod } from '../../src/translate/k8s-types.js';

type Port = { containerPort: number; hostPort?: number; hostIP?: string; protocol?: string };
const pod = (name: string, ports: Port[], extra: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: name },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', ports }], ...extra },
  }) as unknown as KObject & Pod;
const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
} as unknown as KObject;
const hp = (hostPort: number, hostIP = '0.0.0.0', protocol = 'TCP'): HostPort => ({ hostPort, hostIP, protocol });

test('a pod asks for its containers and sidecars hostPorts, hostIP and protocol defaulted', () => {
  const p = pod(
    'a',
    [
      { containerPort: 80, hostPort: 8080 },
      { containerPort: 81 },
      { containerPort: 53, hostPort: 53, hostIP: '10.0.0.1', protocol: 'UDP' },
    ],
    {
      initContainers: [
        { name: 'side', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 9, hostPort: 9000 }] },
        { name: 'init', image: 'x', ports: [{ containerPort: 7, hostPort: 7000 }] },
      ],
    },
  );
  expect(hostPortsOf(p)).toEqual([hp(8080), hp(53, '10.0.0.1', 'UDP'), hp(9000)]);
});

test.each([
  ['same port, protocol and address', [hp(80, '10.0.0.1')], [hp(80, '10.0.0.1')], true],
  ['0.0.0.0 against a specific address', [hp(80)], [hp(80, '10.0.0.1')], true],
  ['a specific address against 0.0.0.0', [hp(80, '127.0.0.1')], [hp(80)], true],
  ['the IPv6 wildcard against an address', [hp(80, '::')], [hp(80, '10.0.0.1')], true],
  ['different addresses', [hp(80, '127.0.0.1')], [hp(80, '10.0.0.1')], false],
  ['different protocols on the same address', [hp(80, '10.0.0.1', 'UDP')], [hp(80, '10.0.0.1', 'TCP')], false],
  ['different protocols on 0.0.0.0', [hp(80, '0.0.0.0', 'SCTP')], [hp(80)], false],
  ['different ports', [hp(81)], [hp(80)], false],
])('%s: conflict %s', (_name, wanted, used, conflict) => {
  expect(portsConflict(wanted, used)).toBe(conflict);
});

test("upstream's hostPort check: 127.0.0.1/TCP, the node IP/TCP and the node IP/UDP share a port; 0.0.0.0/TCP does not fit", () => {
  const bound = [
    pod('p1', [{ containerPort: 8080, hostPort: 54323, hostIP: '127.0.0.1' }]),
    pod('p2', [{ containerPort: 8080, hostPort: 54323, hostIP: '192.0.2.2' }]),
  ];
  const udp = pod('p3', [{ containerPort: 8081, hostPort: 54323, hostIP: '192.0.2.2', protocol: 'UDP' }]);
  expect(filterNode(udp, nodeInfo(node, bound))).toBeUndefined();
  const all = nodeInfo(node, [...bound, udp]);
  const failure = filterNode(pod('p4', [{ containerPort: 8080, hostPort: 54323 }]), all);
  expect(failure).toEqual({
    plugin: 'NodePorts',
    reasons: ["node(s) didn't have free ports for the requested pod ports"],
    unresolvable: false,
  });
  expect(fitErrorMessage(1, [failure!])).toBe(
    "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
  );
  expect(filterNode(pod('p5', [{ containerPort: 8080, hostPort: 54323, hostIP: '10.9.9.9', protocol: 'UDP' }]), all)).toBeUndefined();
});

test('Docker binds each hostPort on its hostIP and protocol, sidecars included', () => {
  const p = pod(
    'a',
    [
      { containerPort: 8080, hostPort: 54323, hostIP: '127.0.0.1' },
      { containerPort: 8081, hostPort: 54323, hostIP: '192.0.2.2', protocol: 'UDP' },
      { containerPort: 8080, hostPort: 8080 },
    ],
    {
      initContainers: [
        { name: 'side', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 9, hostPort: 9000, protocol: 'SCTP' }] },
      ],
    },
  );
  expect(portBindings(p)).toEqual({
    exposed: { '8080/tcp': {}, '8081/udp': {}, '9/sctp': {} },
    bindings: {
      '8080/tcp': [
        { HostIp: '127.0.0.1', HostPort: '54323' },
        { HostIp: '0.0.0.0', HostPort: '8080' },
      ],
      '8081/udp': [{ HostIp: '192.0.2.2', HostPort: '54323' }],
      '9/sctp': [{ HostIp: '0.0.0.0', HostPort: '9000' }],
    },
  });
});
