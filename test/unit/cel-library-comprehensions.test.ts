// Two-variable comprehensions and optional types' ofNonZeroValue/optMap/optFlatMap
// (src/admission/cel/library/comprehensions.ts, optionals.ts), from cel-go's documented cases and the optionals
// cases of apiextensions-apiserver's CEL validation tests.
import { celRun } from '../support/cel.js';

const obj = {
  metadata: { name: 'x', labels: { app: 'web', tier: 'front' } },
  spec: { ports: [80, 443], presentObj: { presentStr: 'value' }, m: { k: 'v' }, l: ['a'] },
};

const TRUE: string[] = [
  '[1, 2, 3].all(i, j, i < j)',
  "!{'hello': 'world', 'taco': 'taco'}.all(k, v, k != v)",
  "{'h': ['hello', 'hi'], 'j': ['joke', 'jog']}.all(k, vals, vals.all(v, v.startsWith(k)))",
  "{'greeting': 'hello', 'farewell': 'goodbye'}.exists(k, v, k.startsWith('good') || v.endsWith('bye'))",
  '![1, 2, 3].exists(i, v, i > 1 && v < 3)',
  '![1, 2, 1, 3, 1, 4].existsOne(i, v, i == 1 || v == 1)',
  '[1, 1, 2].existsOne(i, v, i == 2 && v == 2)',
  '[1, 2, 3].transformList(i, v, i > 0, v * 2) == [4, 6]',
  '[1, 2, 3].transformList(i, v, v * i) == [0, 2, 6]',
  "{'greeting': 'hello'}.transformMap(k, v, v + '!') == {'greeting': 'hello!'}",
  '[1, 2, 3].transformMap(i, v, i > 0, v * 2) == {1: 4, 2: 6}',
  "{'greeting': 'hello'}.transformMapEntry(k, v, {v: k}) == {'hello': 'greeting'}",
  'object.metadata.labels.all(k, v, k.size() > 2 && v.size() > 2)',
  'object.spec.ports.all(i, p, i == 0 || p > object.spec.ports[i - 1])',
  'object.spec.ports.transformList(i, p, p + i) == [80, 444]',
  "object.spec.presentObj.?presentStr.optMap(v, v == 'value').value()",
  "!object.spec.?absentObj.?absentStr.optMap(v, v == 'value').hasValue()",
  "object.spec.m[?'k'].optMap(v, v == 'v').hasValue()",
  "object.spec.l[?0].optFlatMap(v, optional.of(v + 'b')).value() == 'ab'",
  '!object.spec.l[?1].optFlatMap(v, optional.of(v)).hasValue()',
  'optional.ofNonZeroValue(1).hasValue()',
  'optional.ofNonZeroValue(uint(1)).hasValue()',
  'optional.ofNonZeroValue(1.1).hasValue()',
  "optional.ofNonZeroValue('a').hasValue()",
  'optional.ofNonZeroValue(true).hasValue()',
  "optional.ofNonZeroValue(['a']).hasValue()",
  "optional.ofNonZeroValue({'k': 'v'}).hasValue()",
  "optional.ofNonZeroValue(duration('19h3m37s10ms')).hasValue()",
  '!optional.ofNonZeroValue(null).hasValue()',
  '!optional.ofNonZeroValue(0).hasValue()',
  '!optional.ofNonZeroValue(uint(0)).hasValue()',
  '!optional.ofNonZeroValue(0.0).hasValue()',
  "!optional.ofNonZeroValue('').hasValue()",
  '!optional.ofNonZeroValue(false).hasValue()',
  '!optional.ofNonZeroValue([]).hasValue()',
  '!optional.ofNonZeroValue({}).hasValue()',
  "!optional.ofNonZeroValue(duration('0s')).hasValue()",
];

describe('two-variable comprehensions and optionals', () => {
  it.each(TRUE)('%s', (expr) => expect(celRun(expr, obj)).toEqual({ value: true }));
  it('errors: a duplicate transformMapEntry key, an error no element decides', () => {
    expect(celRun("[1, 2].transformMapEntry(i, v, {'a': v})").error).toContain('insert failed: key a already exists');
    expect(celRun('[1, 0].all(i, v, 1 / v > 0)').error).toContain('resulted in error');
    expect(celRun('[0, 1].exists(i, v, 1 / v > 0)')).toEqual({ value: true });
    expect(celRun('[1, 0].all(i, v, v > 0 && 1 / v > 0)')).toEqual({ value: false });
  });
});
