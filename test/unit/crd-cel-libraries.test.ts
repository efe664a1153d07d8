// x-kubernetes-validations rules see the same Kubernetes CEL libraries as admission (upstream's base environment),
// and integer fields as CEL ints.
import { celErrors } from '../../src/apiextensions/schema/cel.js';
import type { JSONSchemaProps } from '../../src/apiextensions/types.js';
import { fieldErrorMessage } from '../../src/machinery/api/errors.js';

const rule = (r: string, type: JSONSchemaProps['type'] = 'string'): JSONSchemaProps => ({
  type,
  'x-kubernetes-validations': [{ rule: r }],
});
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        endpoint: rule("isURL(self) && url(self).getScheme() == 'https'"),
        podCIDR: rule("isCIDR(self) && cidr('10.0.0.0/8').containsCIDR(self)"),
        gateway: rule('isIP(self) && ip(self).family() == 4 && !ip(self).isLoopback()'),
        host: rule('!format.dns1123Subdomain().validate(self).hasValue()'),
        modes: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'sets.contains(["a", "b"], self)' }] },
        replicas: rule('self + 1 <= 10 && self == 3', 'integer'),
        ratio: rule('self * 2.0 < 3.0', 'number'),
        limit: rule('quantity(self).isLessThan(quantity("1Gi"))'),
      },
    },
  },
};

const errors = (spec: Record<string, unknown>) =>
  celErrors({ spec }, undefined, schema, '', false).map((e) => `${e.field}: ${fieldErrorMessage(e)}`);

const good = {
  endpoint: 'https://example.com/x',
  podCIDR: '10.1.0.0/16',
  gateway: '192.168.0.1',
  host: 'example.com',
  modes: ['a'],
  replicas: 3,
  ratio: 1.25,
  limit: '512Mi',
};

test('rules using the URL, CIDR, IP, format, sets and quantity libraries pass on good values', () => {
  expect(errors(good)).toEqual([]);
});

test('and fail on bad ones, each at its field', () => {
  expect(
    errors({
      endpoint: 'http://example.com',
      podCIDR: '11.0.0.0/16',
      gateway: '127.0.0.1',
      host: 'Bad_Host',
      modes: ['c'],
      replicas: 4,
      ratio: 2,
      limit: '2Gi',
    }),
  ).toEqual([
    `spec.endpoint: Invalid value: "string": failed rule: isURL(self) && url(self).getScheme() == 'https'`,
    `spec.podCIDR: Invalid value: "string": failed rule: isCIDR(self) && cidr('10.0.0.0/8').containsCIDR(self)`,
    'spec.gateway: Invalid value: "string": failed rule: isIP(self) && ip(self).family() == 4 && !ip(self).isLoopback()',
    'spec.host: Invalid value: "string": failed rule: !format.dns1123Subdomain().validate(self).hasValue()',
    'spec.modes: Invalid value: "array": failed rule: sets.contains(["a", "b"], self)',
    'spec.replicas: Invalid value: "integer": failed rule: self + 1 <= 10 && self == 3',
    'spec.ratio: Invalid value: "number": failed rule: self * 2.0 < 3.0',
    'spec.limit: Invalid value: "string": failed rule: quantity(self).isLessThan(quantity("1Gi"))',
  ]);
});

test('a library error is the rule failing with its evaluation error', () => {
  expect(errors({ ...good, gateway: 'fe80::1%eth0' })).toEqual([
    'spec.gateway: Invalid value: "string": failed rule: isIP(self) && ip(self).family() == 4 && !ip(self).isLoopback()',
  ]);
  const s: JSONSchemaProps = { type: 'object', properties: { a: rule('ip(self).isLoopback()') } };
  expect(celErrors({ a: '1.2.3' }, undefined, s, '', false).map(fieldErrorMessage)).toEqual([
    'Invalid value: "string": failed rule: ip(self).isLoopback(): IP Address "1.2.3" parse error during conversion from string: ParseAddr("1.2.3"): IPv4 address too short',
  ]);
});
