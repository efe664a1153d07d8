import { chooseNodeIP, defaultRouteInterfaces, validNodeIP, type AddressFacts } from '../../src/reconcilers/node-addresses.js';

const ROUTES = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
dockube0\t0000F40A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

const v4 = (address: string, internal = false) => ({ address, family: 'IPv4', internal });
const INTERFACES: AddressFacts['interfaces'] = {
  lo: [v4('127.0.0.1', true)],
  docker0: [v4('172.17.0.1')],
  dockube0: [v4('10.244.0.1')],
  eth0: [v4('192.0.2.2'), { address: 'fe80::1', family: 'IPv6', internal: false }],
  eth1: [v4('198.51.100.7')],
};

test('the default route names the interface', () => {
  expect(defaultRouteInterfaces(ROUTES)).toEqual(['eth0']);
  expect(defaultRouteInterfaces('Iface\tDestination\n')).toEqual([]);
});

test('a name resolving to loopback (Debian /etc/hosts) falls back to the default route interface', () => {
  expect(chooseNodeIP({ resolved: ['127.0.0.1', '::1'], interfaces: INTERFACES, routes: ROUTES })).toBe('192.0.2.2');
});

test('a name resolving to an address the host holds wins, IPv4 before IPv6', () => {
  const interfaces = { ...INTERFACES, eth1: [v4('198.51.100.7'), { address: '2001:db8::7', family: 'IPv6', internal: false }] };
  expect(chooseNodeIP({ resolved: ['2001:db8::7', '198.51.100.7'], interfaces, routes: ROUTES })).toBe('198.51.100.7');
  expect(chooseNodeIP({ resolved: ['2001:db8::7'], interfaces, routes: ROUTES })).toBe('2001:db8::7');
});

test('an address the host does not hold, link-local or multicast is not the node IP', () => {
  expect(validNodeIP('203.0.113.9', INTERFACES)).toBe(false);
  expect(validNodeIP('169.254.1.1', { x: [v4('169.254.1.1')] })).toBe(false);
  expect(validNodeIP('224.0.0.1', { x: [v4('224.0.0.1')] })).toBe(false);
  expect(chooseNodeIP({ resolved: ['203.0.113.9'], interfaces: INTERFACES, routes: ROUTES })).toBe('192.0.2.2');
});

test('without a default route: the first non-loopback address outside container bridges, else none', () => {
  expect(chooseNodeIP({ resolved: [], interfaces: INTERFACES, routes: '' })).toBe('192.0.2.2');
  expect(chooseNodeIP({ resolved: [], interfaces: { lo: INTERFACES.lo, docker0: INTERFACES.docker0 }, routes: '' })).toBeUndefined();
});
