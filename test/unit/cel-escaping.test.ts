// Property-name escaping in CEL (k8s.io/apiserver's cel.Escape/Unescape, upstream's escaping_test.go tables) as CRD
// rules see it when compiled and when evaluated, and has() over any selection (cel-go's presence test).
import { describe, expect, test } from '@jest/globals';
import { escapeFieldName, unescapeFieldName } from '../../src/admission/cel/escaping.js';
import { compileSchemaRules } from '../../src/apiextensions/schema/cel-compile.js';
import { celErrors } from '../../src/apiextensions/schema/cel.js';
import { compileAdmissionExpression } from '../../src/admission/cel/environment.js';
import { fieldErrorMessage } from '../../src/machinery/api/errors.js';
import type { JSONSchemaProps } from '../../src/apiextensions/types.js';

describe('escaping (upstream TestEscaping)', () => {
  const cases: [string, string][] = [
    ['a.a', 'a__dot__a'],
    ['a-a', 'a__dash__a'],
    ['a__a', 'a__underscores__a'],
    ['a.-/__a', 'a__dot____dash____slash____underscores__a'],
    ['a._a', 'a__dot___a'],
    ['a__.__a', 'a__underscores____dot____underscores__a'],
    ['a___a', 'a__underscores___a'],
    ['a____a', 'a__underscores____underscores__a'],
    ['a__dot__a', 'a__underscores__dot__underscores__a'],
    ['a__underscores__a', 'a__underscores__underscores__underscores__a'],
    ...'true false null in as break const continue else for function if import let loop package namespace return var void while'
      .split(' ')
      .map((w): [string, string] => [w, `__${w}__`]),
    ...'has all exists exists_one filter size contains startsWith endsWith matches duration timestamp getDate _if _has _int _anything'
      .split(' ')
      .map((w): [string, string] => [w, w]),
  ];
  test.each(cases)('%s escapes to %s and back', (plain, escaped) => {
    expect(escapeFieldName(plain)).toBe(escaped);
    expect(escaped).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    expect(unescapeFieldName(escaped)).toBe(plain);
  });
  test('names that cannot be escaped, malformed escapes', () => {
    for (const n of ['@', '1up', '👑', '', '/👑']) expect(escapeFieldName(n)).toBeUndefined();
    for (const n of ['__int__extra', '__illegal__', 'x__namespace__']) expect(unescapeFieldName(n)).toBeUndefined();
    expect(unescapeFieldName('x-prop')).toBe('x-prop');
  });
});

const schema = (rules: object[], extra: Record<string, JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': rules as never,
      properties: {
        'x-prop': { type: 'integer' },
        namespace: { type: 'string' },
        redact__d: { type: 'string' },
        'a.b/c': { type: 'string' },
        '1up': { type: 'string' },
        opt: { type: 'string', nullable: true },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, 'max-size': { type: 'integer' } } } },
        m: { type: 'object', additionalProperties: { type: 'object', properties: { x: { type: 'integer' } } } },
        ...extra,
      },
    },
  },
});
const compile = (rule: string, more: object = {}) =>
  compileSchemaRules(schema([{ rule, ...more }]), 'spec.validation.openAPIV3Schema').map((e) => fieldErrorMessage(e));
const run = (rule: string, spec: object, old?: object) =>
  celErrors({ spec }, old && { spec: old }, schema([{ rule }]), '', old !== undefined).map((e) => `${e.field}: ${fieldErrorMessage(e)}`);

describe('CRD rules read properties by their escaped names', () => {
  const spec = { 'x-prop': 3, namespace: 'ns', redact__d: 'r', 'a.b/c': 'v', '1up': 'u', opt: null, items: [{ name: 'i', 'max-size': 2 }] };
  test('compile: escaped names (and reserved words by their own name) are fields; the raw names are not', () => {
    for (const ok of [
      'self.x__dash__prop > 0',
      'self.__namespace__ == "ns"',
      'self.namespace == "ns"',
      'self.redact__underscores__d == "r"',
      'self.a__dot__b__slash__c == "v"',
      'self.items.all(i, i.max__dash__size > 0)',
      'has(self.x__dash__prop) && has(self.__namespace__)',
    ])
      expect([ok, compile(ok)]).toEqual([ok, []]);
    expect(compile('self.redact__d == "r"')[0]).toContain("undefined field 'redact__d'");
    expect(compile('has(self.x_prop)')[0]).toContain("undefined field 'x_prop'");
    // An object is not a map: no index operator on it, by whatever name (cel-go's checker).
    for (const rule of ['self["x-prop"] > 0', 'self["x__dash__prop"] > 0', 'self.items[0]["name"] == "a"'])
      expect(compile(rule)[0]).toMatch(
        /compilation failed: ERROR: <input>:1:\d+: found no matching overload for '_\[_\]' applied to '\(selfType\d+\.(spec|spec\.items\.__idx__), string\)'/,
      );
    expect(compile('self["x-prop"] > 0')[0]).toContain("<input>:1:5: found no matching overload for '_[_]'");
    // A name that cannot be escaped is not a field at all.
    expect(compile('has(self.__1up__)')[0]).toContain("undefined field '__1up__'");
  });
  test('evaluation: the same escaped names, in rule, messageExpression and oldSelf', () => {
    for (const ok of [
      'self.x__dash__prop == 3',
      'self.__namespace__ == "ns" && self.namespace == "ns"',
      'self.redact__underscores__d == "r" && self.a__dot__b__slash__c == "v"',
      'self.items[0].max__dash__size == 2',
      '!has(self.opt)',
      'dyn(self)["x-prop"] == 3 && dyn(self)["x__dash__prop"] == 3',
    ])
      expect([ok, run(ok, spec)]).toEqual([ok, []]);
    expect(run('self.x__dash__prop > 5', spec)).toEqual(['spec: Invalid value: "object": failed rule: self.x__dash__prop > 5']);
    expect(run('self.x__dash__prop >= oldSelf.x__dash__prop', spec, { ...spec, 'x-prop': 4 })).toEqual([
      'spec: Invalid value: "object": failed rule: self.x__dash__prop >= oldSelf.x__dash__prop',
    ]);
    const errs = celErrors(
      { spec },
      undefined,
      schema([{ rule: 'false', messageExpression: '"ns " + self.__namespace__ + " " + string(self.x__dash__prop)' }]),
      '',
      false,
    );
    expect(errs.map((e) => fieldErrorMessage(e))).toEqual(['Invalid value: "object": ns ns 3']);
    // The object's own keys are the escaped ones (what a dyn comprehension iterates), unaccessible names left out.
    expect(
      run('dyn(self).all(k, k in ["x__dash__prop", "__namespace__", "redact__underscores__d", "a__dot__b__slash__c", "items"])', spec),
    ).toEqual([]);
  });
});

describe('has() over any selection', () => {
  const spec = { items: [{ name: 'i' }, {}], m: { k: { x: 1 }, j: {} } };
  test('compiles, and an undeclared field under an indexed operand is still refused', () => {
    expect(compile('has(self.items[0].name) && has(self.m["k"].x)')).toEqual([]);
    expect(compile('has(self.items[0].nope)')[0]).toContain("ERROR: <input>:1:18: undefined field 'nope'");
    expect(compile('has(self.m["k"].y)')[0]).toContain("undefined field 'y'");
  });
  test('evaluates as cel-go: presence of the last field, errors from the operand', () => {
    expect(run('has(self.items[0].name) && !has(self.items[1].name)', spec)).toEqual([]);
    expect(run('has(self.m["k"].x) && !has(self.m["j"].x)', spec)).toEqual([]);
    expect(run('self.items.exists(i, has(i.name)) && has([self.items[0]][0].name)', spec)).toEqual([]);
    expect(run('has(self.m["zz"].x)', spec)[0]).toMatch(/failed rule: has\(self\.m\["zz"\]\.x\): .*zz/);
  });
  test('admission expressions take it too', () => {
    const c = compileAdmissionExpression('has(object.spec.containers[0].image)', 'policy');
    expect(c.compileError).toBeUndefined();
    expect(c.evaluate({ object: { spec: { containers: [{ image: 'x' }] } } } as never)).toBe(true);
    expect(c.evaluate({ object: { spec: { containers: [{}] } } } as never)).toBe(false);
  });
});
