// Equality of the libraries' values (quantity, URL; IP/CIDR/semver/format in their own tests), from the quantity
// cases of apiextensions-apiserver's CEL validation tests, and the libraries in webhook matchConditions' environment.
import { compileAdmissionExpression } from '../../src/admission/cel/environment.js';
import { celRun } from '../support/cel.js';

const TRUE = [
  'quantity("0.2G") == quantity("200M")',
  'quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M") && quantity("0.002G") == quantity("2000k")',
  'quantity("50k").add(quantity("20")) == quantity("50.02k")',
  'quantity("50k").sub(quantity("20")) == quantity("49980")',
  'quantity("1") != quantity("2")',
  '[quantity("1")] == [quantity("1000m")]',
  'url("https://example.com/a") == url("https://example.com/a")',
  'url("https://example.com/a") != url("https://example.com/b")',
];

test.each(TRUE)('%s', (expr) => expect(celRun(expr)).toEqual({ value: true }));

test('webhook matchConditions compile in an environment with the same libraries', () => {
  for (const e of [
    "isURL('https://x/') && isIP('10.0.0.1') && cidr('10.0.0.0/8').containsIP('10.0.0.1')",
    "!format.dns1123Label().validate('ok').hasValue() && sets.contains(['a'], ['a']) && '%d'.format([1]) == '1'",
    "semver('1.2.3').major() == 1 && [1].all(i, v, v == 1)",
  ]) {
    const c = compileAdmissionExpression(e, 'matchConditions');
    expect(c.compileError).toBeUndefined();
    expect(c.evaluate({ object: null, oldObject: null, request: {}, authorizer: null })).toBe(true);
  }
});
