// ipVersion answers as net.isIP does (it replaces it on the start-up path, where net.isIPv6's first call costs
// 12-40 ms), for addresses, near-misses and names.
import { isIP } from 'node:net';
import { ipVersion, isUnspecifiedIp } from '../../src/machinery/ip-literal.js';

const CASES = [
  '::1',
  '0:0::1',
  '::',
  '1::',
  '::ffff:1.2.3.4',
  '1:2:3:4:5:6:7:8',
  '2001:db8::1',
  '2001:DB8::1',
  'abcd:ef01::',
  '1:2:3:4:5:6:1.2.3.4',
  'fe80::1%eth0',
  '1.2.3.4',
  '0.0.0.0',
  '255.255.255.255',
  '1:2:3:4:5:6:7:8:9',
  '1:::2',
  ':1',
  '1:',
  '1::2::3',
  'fe80::1%',
  '::1.2.3',
  '::1.2.3.4.5',
  'g::1',
  '12345::1',
  '1:2:3:4:5:6:7:1.2.3.4',
  '[::1]',
  '::1 ',
  ' ::1',
  '1.2.3.4:80',
  '01.2.3.4',
  '256.1.1.1',
  '1.2.3',
  'localhost',
  'example.com',
  '',
  ':',
  '::ffff:256.1.1.1',
  'http://[::1]/',
];

test.each(CASES)('ipVersion(%j) is net.isIP', (s) => {
  expect(ipVersion(s)).toBe(isIP(s));
});

test('the cases cover both versions and non-addresses', () => {
  const answers = new Set(CASES.map(ipVersion));
  expect([...answers].sort()).toEqual([0, 4, 6]);
});

test('the unspecified address in each spelling, and nothing else', () => {
  for (const s of ['0.0.0.0', '::', '0::0', '0:0:0:0:0:0:0:0', '::0']) expect(isUnspecifiedIp(s)).toBe(true);
  for (const s of ['::1', '0.0.0.1', '0', '00', ':', '0:0', '127.0.0.1', 'localhost', '']) expect(isUnspecifiedIp(s)).toBe(false);
});
