import {
  dnsServiceIP,
  inServiceCidr,
  kubernetesServiceIP,
  parseServiceCidr,
  serviceIPAt,
} from '../../src/registry/resources/service-cidr.js';

test('the kubernetes service takes the first address of the range and kube-dns the tenth', () => {
  expect(kubernetesServiceIP('10.96.0.0/16')).toBe('10.96.0.1');
  expect(dnsServiceIP('10.96.0.0/16')).toBe('10.96.0.10');
  expect(kubernetesServiceIP('10.97.0.0/16')).toBe('10.97.0.1');
  expect(dnsServiceIP('10.98.0.0/16')).toBe('10.98.0.10');
  expect(serviceIPAt('10.96.0.0/12', 256)).toBe('10.96.1.0');
});

test('a CIDR is normalised to its network address; bad ones are refused', () => {
  expect(parseServiceCidr('10.96.3.7/16')).toMatchObject({ cidr: '10.96.0.0/16', size: 65536, prefix: 16 });
  expect(() => parseServiceCidr('10.96.0.0')).toThrow(/invalid service CIDR/);
  expect(() => parseServiceCidr('fd00::/108')).toThrow(/invalid service CIDR/);
  expect(() => parseServiceCidr('10.96.0.0/31')).toThrow(/invalid service CIDR/);
});

test('only the usable addresses are in range', () => {
  expect(inServiceCidr('10.96.0.0/16', '10.96.0.1')).toBe(true);
  expect(inServiceCidr('10.96.0.0/16', '10.96.255.254')).toBe(true);
  expect(inServiceCidr('10.96.0.0/16', '10.96.0.0')).toBe(false);
  expect(inServiceCidr('10.96.0.0/16', '10.96.255.255')).toBe(false);
  expect(inServiceCidr('10.96.0.0/16', '10.97.0.1')).toBe(false);
  expect(inServiceCidr('10.96.0.0/16', 'not-an-ip')).toBe(false);
});
