// Kubernetes' CEL libraries in the admission environment (src/admission/cel/libraries.ts): quantity, lists, regex and
// the strings extension's functions cel-js lacks.
import type { AdmissionAttributes } from '../../src/admission/chain.js';
import { admissionVariables, compileAdmissionExpression } from '../../src/admission/cel/environment.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n' },
  spec: { containers: [{ name: 'a', resources: { limits: { memory: '512Mi', cpu: '500m' } } }], ints: [1, 2, 3], doubles: [1.5, 0.5] },
};
const attrs: AdmissionAttributes = {
  operation: 'CREATE',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  subresource: '',
  namespace: 'n',
  name: 'p',
  object: pod,
  user: { name: 'u', groups: [] },
  dryRun: false,
  warnings: [],
};
const vars = admissionVariables(attrs, { params: null });
const run = (e: string) => {
  const c = compileAdmissionExpression(e, 'policy');
  if (c.compileError) throw new Error(`does not compile: ${c.compileError}`);
  return c.evaluate(vars);
};

describe('Kubernetes CEL libraries', () => {
  it('quantity', () => {
    expect(run('quantity(object.spec.containers[0].resources.limits.memory).compareTo(quantity("1Gi")) <= 0')).toBe(true);
    expect(run('quantity("500m").isLessThan(quantity("1"))')).toBe(true);
    expect(run('quantity("1.5").isInteger()')).toBe(false);
    expect(run('quantity("2k").asInteger()')).toBe(2000n);
    expect(run('quantity("1Gi").add(quantity("512Mi")).isGreaterThan(quantity("1.4Gi"))')).toBe(true);
    expect(run('quantity("1").sub(3).sign()')).toBe(-1n);
    expect(run('object.spec.containers.all(c, quantity(c.resources.limits.cpu).asApproximateFloat() < 1.0)')).toBe(true);
    expect(run('isQuantity("abc") || !isQuantity("1Mi")')).toBe(false);
    expect(() => run('quantity("abc")')).toThrow(/quantities must match the regular expression/);
    expect(() => run('quantity("1.5").asInteger()')).toThrow(/cannot convert value to integer/);
  });

  it('lists', () => {
    expect(run('object.spec.ints.isSorted() && !([3, 1].isSorted())')).toBe(true);
    expect(run('object.spec.ints.sum()')).toBe(6n);
    expect(run('object.spec.doubles.sum()')).toBe(2);
    expect(run('object.spec.ints.max() + object.spec.ints.min()')).toBe(4n);
    expect(run('["b", "a"].min()')).toBe('a');
    expect(() => run('[].max()')).toThrow(/max called on empty list/);
    expect(run('object.spec.ints.indexOf(2)')).toBe(1n);
    expect(run('["a", "b", "a"].lastIndexOf("a")')).toBe(2n);
    expect(run('["a"].indexOf("z")')).toBe(-1n);
  });

  it('regex and strings', () => {
    expect(run('"abc123def456".find("[0-9]+")')).toBe('123');
    expect(run('"abc".find("[0-9]+")')).toBe('');
    expect(run('"abc123def456".findAll("[0-9]+")')).toEqual(['123', '456']);
    expect(run('"a1b2c3".findAll("[0-9]", 2)')).toEqual(['1', '2']);
    expect(run('"a-b-c".replace("-", "+")')).toBe('a+b+c');
    expect(run('"a-b-c".replace("-", "+", 1)')).toBe('a+b-c');
    expect(run('"abc".charAt(1) + "abc".charAt(3)')).toBe('b');
    expect(run('"abc".reverse()')).toBe('cba');
  });
});
