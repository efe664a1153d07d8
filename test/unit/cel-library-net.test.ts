// Kubernetes' IP and CIDR CEL libraries (src/admission/cel/library/ip.ts, cidr.ts, netip.ts), table-driven from
// upstream's ip_test.go and cidr_test.go (k8s.io/apiserver/pkg/cel/library) plus Go netip's parse rules.
import { celRun } from '../support/cel.js';

const IP_CASES: [string, unknown][] = [
  ['string(ip("192.168.0.1"))', '192.168.0.1'],
  ['isIP("192.168.0.1")', true],
  ['isIP("192.168.0.1.0")', false],
  ['ip.isCanonical("127.0.0.1")', true],
  ['ip("192.168.0.1").family()', 4n],
  ['ip("0.0.0.0").isUnspecified()', true],
  ['ip("127.0.0.1").isUnspecified()', false],
  ['ip("127.0.0.1").isLoopback()', true],
  ['ip("1.2.3.4").isLoopback()', false],
  ['ip("224.0.0.1").isLinkLocalMulticast()', true],
  ['ip("224.0.1.1").isLinkLocalMulticast()', false],
  ['ip("169.254.169.254").isLinkLocalUnicast()', true],
  ['ip("192.168.0.1").isLinkLocalUnicast()', false],
  ['ip("192.168.0.1").isGlobalUnicast()', true],
  ['ip("255.255.255.255").isGlobalUnicast()', false],
  ['string(ip("2001:db8::68"))', '2001:db8::68'],
  ['isIP("2001:db8::68")', true],
  ['isIP("2001:db8:::68")', false],
  ['ip.isCanonical("2001:db8::68")', true],
  ['ip.isCanonical("2001:DB8::68")', false],
  ['ip.isCanonical("2001:db8::0:0:0:abcd")', false],
  ['ip("2001:db8::68").family()', 6n],
  ['ip("::").isUnspecified()', true],
  ['ip("::1").isUnspecified()', false],
  ['ip("::1").isLoopback()', true],
  ['ip("2001:db8::abcd").isLoopback()', false],
  ['ip("ff02::1").isLinkLocalMulticast()', true],
  ['ip("fd00::1").isLinkLocalMulticast()', false],
  ['ip("fe80::1").isLinkLocalUnicast()', true],
  ['ip("fd80::1").isLinkLocalUnicast()', false],
  ['ip("2001:db8::abcd").isGlobalUnicast()', true],
  ['ip("ff00::1").isGlobalUnicast()', false],
  ['ip("127.0.0.1") == ip("127.0.0.1")', true],
  ['ip("::1") != ip("::2")', true],
  ['ip("2001:db8:0:0:0:0:0:1") == ip("2001:db8::1")', true],
  // netip's printing: the longest run of zero groups, the first of equal runs; no run of one group
  ['string(ip("2001:0:0:1:0:0:0:1"))', '2001:0:0:1::1'],
  ['string(ip("2001:db8:0:1:1:1:1:1"))', '2001:db8:0:1:1:1:1:1'],
  ['string(ip("::ffff:0:0:1"))', '::ffff:0:0:1'],
  ['isIP("010.0.0.1")', false],
  ['isIP("fe80::1%eth0")', false],
  ['isIP("::ffff:1.2.3.4")', false],
  ['isIP("::1.2.3.4")', true],
  ['isIP("")', false],
  ['type(ip("192.168.0.1")) == net.IP', true],
  ['type(ip("192.168.0.1")) == net.CIDR', false],
];

const IP_ERRORS: [string, string][] = [
  [
    'ip("192.168.0.1.0")',
    'IP Address "192.168.0.1.0" parse error during conversion from string: ParseAddr("192.168.0.1.0"): IPv4 address too long',
  ],
  [
    'ip.isCanonical("127.0.0.1.0")',
    'IP Address "127.0.0.1.0" parse error during conversion from string: ParseAddr("127.0.0.1.0"): IPv4 address too long',
  ],
  [
    'ip("2001:db8:::68")',
    'IP Address "2001:db8:::68" parse error during conversion from string: ParseAddr("2001:db8:::68"): each colon-separated field must have at least one digit (at ":68")',
  ],
  ['ip("fe80::1%eth0")', 'IP address "fe80::1%eth0" with zone value is not allowed'],
  ['ip("::ffff:1.2.3.4")', 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'],
  ['ip("01.2.3.4")', 'ParseAddr("01.2.3.4"): IPv4 field has octet with leading zero'],
  ['ip("1.2.3.256")', 'ParseAddr("1.2.3.256"): IPv4 field has value >255'],
  ['ip("1.2.3")', 'ParseAddr("1.2.3"): IPv4 address too short'],
  ['ip("abc")', 'ParseAddr("abc"): unable to parse IP'],
  ['ip("1:2:3:4:5:6:7")', 'ParseAddr("1:2:3:4:5:6:7"): address string too short'],
];

const CIDR_CASES: [string, unknown][] = [
  ['string(cidr(dyn("192.168.0.0/24")))', '192.168.0.0/24'],
  ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
  ['cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', false],
  ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', true],
  ['cidr("192.168.0.0/24").containsIP("192.168.1.1")', false],
  ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', true],
  ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23"))', false],
  ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")', true],
  ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/23")', false],
  // kubernetes#130450 (1.33): the inner subnet's address is masked before comparing
  ['cidr("192.168.0.0/16").containsCIDR("192.168.0.1/32")', true],
  ['cidr("10.0.0.0/8").containsCIDR("10.1.0.0/16")', true],
  ['cidr("10.0.0.0/8").containsCIDR("11.0.0.0/16")', false],
  ['cidr("192.168.0.0/24").ip() == ip("192.168.0.0")', true],
  ['cidr("192.168.0.0/24").masked() == cidr("192.168.0.0/24")', true],
  ['cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24")', true],
  ['cidr("192.168.0.1/24") == cidr("192.168.0.1/24").masked()', false],
  ['cidr("192.168.0.0/24").prefixLength()', 24n],
  ['string(cidr("2001:db8::/32"))', '2001:db8::/32'],
  ['cidr("2001:db8::/32").containsIP(ip("2001:db8::1"))', true],
  ['cidr("2001:db8::/32").containsIP(ip("2001:dc8::1"))', false],
  ['cidr("2001:db8::/32").containsIP("2001:db8::1")', true],
  ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/33"))', true],
  ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/31"))', false],
  ['cidr("2001:db8::/32").containsCIDR("2001:db8::/33")', true],
  ['cidr("2001:db8::/32").ip() == ip("2001:db8::")', true],
  ['cidr("2001:db8:1::/32").masked() == cidr("2001:db8::/32")', true],
  ['cidr("2001:db8::/32").prefixLength()', 32n],
  ['cidr("::1/128").ip().family()', 6n],
  ['string(cidr("192.168.0.0/24"))', '192.168.0.0/24'],
  ['cidr("0.0.0.0/0").containsIP("8.8.8.8")', true],
  ['cidr("0.0.0.0/0").containsIP("::1")', false],
  ['isCIDR("192.168.0.0/16")', true],
  ['isCIDR("::1/128")', true],
  ['isCIDR("192.168.0.0/33")', false],
  ['isCIDR("::1/129")', false],
  ['isCIDR("192.168.0.0/016")', false],
  ['isCIDR("192.168.0.0")', false],
  ['type(cidr("192.168.0.0/24")) == net.CIDR', true],
  ['type(cidr("2001:db8::/32").ip()) == net.IP', true],
];

const CIDR_ERRORS: [string, string][] = [
  [
    'cidr("192.168.0.0/")',
    'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("192.168.0.0/"): bad bits after slash: ""',
  ],
  [
    'cidr("2001:db8::/")',
    'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("2001:db8::/"): bad bits after slash: ""',
  ],
  ['cidr("1.2.3.0/33")', 'netip.ParsePrefix("1.2.3.0/33"): prefix length out of range'],
  ['cidr("1.2.3.0")', `netip.ParsePrefix("1.2.3.0"): no '/'`],
  ['cidr("::ffff:1.2.3.0/120")', 'IPv4-mapped IPv6 address "::ffff:1.2.3.0/120" is not allowed'],
];

describe('IP library', () => {
  it.each(IP_CASES)('%s', (expr, want) => expect(celRun(expr)).toEqual({ value: want }));
  it.each(IP_ERRORS)('%s fails', (expr, msg) => expect(celRun(expr).error).toContain(msg));
  it('refuses a CIDR where a string is wanted at compile time', () => {
    expect(celRun('isIP(cidr("192.168.0.0/24"))').compileError).toMatch(/no matching overload/);
  });
});

describe('CIDR library', () => {
  it.each(CIDR_CASES)('%s', (expr, want) => expect(celRun(expr)).toEqual({ value: want }));
  it.each(CIDR_ERRORS)('%s fails', (expr, msg) => expect(celRun(expr).error).toContain(msg));
  it('refuses cidr(int) at compile time', () => {
    expect(celRun('cidr(192168)').compileError).toMatch(/no matching overload/);
  });
});
