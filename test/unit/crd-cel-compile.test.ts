// x-kubernetes-validations compiled at CRD write time (apiextensions-apiserver's cel.Compile): rules type-checked with
// `self` typed by their own schema node; upstream's field paths and framing.
import { describe, expect, test } from '@jest/globals';
import { compileSchemaRules } from '../../src/apiextensions/schema/cel-compile.js';
import { validateCrd, validateCrdCreate, validateCrdUpdate } from '../../src/apiextensions/crd-validation.js';
import { fieldErrorMessage } from '../../src/machinery/api/errors.js';
import type { Crd, JSONSchemaProps } from '../../src/apiextensions/types.js';

const P = 'spec.validation.openAPIV3Schema';
const spec = (rules: object[], props: Record<string, JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': rules as never,
      properties: {
        replicas: { type: 'integer' },
        max: { type: 'integer' },
        url: { type: 'string' },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', items: { type: 'string' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
        ...props,
      },
    },
  },
});
const msgs = (s: JSONSchemaProps) => compileSchemaRules(s, P).map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
const ok = (rule: string, extra: object = {}) => expect(msgs(spec([{ rule, ...extra }]))).toEqual([]);

describe('x-kubernetes-validations compiled at CRD write time', () => {
  test('an undefined function is an undeclared reference, at the call', () => {
    expect(msgs(spec([{ rule: 'foo(self.url)' }]))).toEqual([
      `${P}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"foo(self.url)", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:4: undeclared reference to 'foo' (in container '')\n | foo(self.url)\n | ...^`,
    ]);
    expect(msgs(spec([{ rule: 'self.url.bogus()' }]))[0]).toContain(
      "ERROR: <input>:1:15: undeclared reference to 'bogus' (in container '')",
    );
  });

  test('an undefined field of self, at its dot (upstream documentation example)', () => {
    const m = msgs(spec([{ rule: 'self.nonExistingField > 0', message: 'm' }]));
    expect(m).toHaveLength(1);
    expect(m[0]).toContain(`Message:"m"`);
    expect(m[0]).toContain("compilation failed: ERROR: <input>:1:5: undefined field 'nonExistingField'");
  });

  test('wrong operand types, at the operator (upstream documentation example)', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self == true' }] } },
    };
    expect(msgs(s)[0]).toMatch(
      /^spec\.validation\.openAPIV3Schema\.properties\[n\]\.x-kubernetes-validations\[0\]\.rule: .*compilation failed: ERROR: <input>:1:6: found no matching overload for '_==_' applied to '\(int, bool\)'/,
    );
  });

  test("valid rules, Kubernetes' libraries, int-or-string as dyn, maps, lists, transition rules", () => {
    ok('self.replicas <= self.max');
    ok('isURL(self.url) && url(self.url).getScheme() == "https"');
    ok('self.port == 80 || self.port == "http"');
    ok('self.tags.all(t, t.startsWith("a")) && self.labels.all(k, self.labels[k] != "")');
    ok('self.replicas >= oldSelf.replicas');
    ok('!has(self.extra.known) || self.extra.known != ""');
    ok('oldSelf.hasValue() ? self.replicas >= oldSelf.value().replicas : true', { optionalOldSelf: true });
    ok('quantity("1Gi").isGreaterThan(quantity("1Mi"))');
    ok('self.replicas > 0', { messageExpression: '"replicas is " + string(self.replicas)' });
  });

  test('root rules see apiVersion, kind and metadata.name; embedded resources too', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'self.metadata.name.startsWith("a") && self.kind == "Widget"' }],
      properties: {
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
          'x-kubernetes-validations': [{ rule: 'self.apiVersion != ""' }],
        },
      },
    };
    expect(msgs(s)).toEqual([]);
  });

  test('a rule must be a bool, a messageExpression a string', () => {
    expect(msgs(spec([{ rule: 'self.replicas' }]))[0]).toMatch(/\.rule: Invalid value: .*: cel expression must evaluate to a bool$/);
    const m = msgs(spec([{ rule: 'self.replicas > 0', messageExpression: 'self.replicas' }]));
    expect(m[0]).toMatch(
      /x-kubernetes-validations\[0\]\.messageExpression: Invalid value: .*: messageExpression must evaluate to a string$/,
    );
    const c = msgs(spec([{ rule: 'self.replicas > 0', messageExpression: 'nope(1)' }]));
    expect(c[0]).toContain(`MessageExpression:"nope(1)"`);
    expect(c[0]).toContain("messageExpression compilation failed: ERROR: <input>:1:5: undeclared reference to 'nope'");
  });

  test('optionalOldSelf: oldSelf is optional with it, and it needs a rule that reads oldSelf', () => {
    expect(msgs(spec([{ rule: 'self.replicas >= oldSelf.replicas', optionalOldSelf: true }]))[0]).toContain('compilation failed');
    expect(msgs(spec([{ rule: 'self.replicas > 0', optionalOldSelf: false }]))).toEqual([
      `${P}.properties[spec].x-kubernetes-validations[0].optionalOldSelf: Invalid value: false: may not be set if oldSelf is not used in rule`,
    ]);
  });

  test("cel-go's positions and wording for selections on scalars, indexing and comprehension ranges", () => {
    const first = (rule: string) =>
      msgs(spec([{ rule }]))[0]
        ?.replace(/^.*?compilation failed: /s, '')
        .split('\n')[0];
    expect(first('self.replicas.x == 1')).toBe("ERROR: <input>:1:14: type 'int' does not support field selection");
    expect(first('self.replicas[0] == 1')).toMatch(/^ERROR: <input>:1:14: /);
    expect(first('self.replicas.all(x, x > 0)')).toBe(
      "ERROR: <input>:1:5: expression of type 'int' cannot be range of a comprehension (must be list, map, or dynamic).",
    );
    expect(first('self.url.startsWith(1)')).toBe(
      "ERROR: <input>:1:20: found no matching overload for 'startsWith' applied to 'string.(int)'",
    );
  });

  test('a syntax error', () => {
    expect(msgs(spec([{ rule: 'self.replicas +' }]))[0]).toContain('compilation failed: ERROR: <input>:1:');
  });
});

describe('CRD validation reports rules where upstream does', () => {
  const crd = (schemas: JSONSchemaProps[]): Crd =>
    ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        conversion: { strategy: 'None' },
        versions: schemas.map((s, i) => ({ name: `v${i + 1}`, served: true, storage: i === 0, schema: { openAPIV3Schema: s } })),
      },
    }) as unknown as Crd;
  const broken = spec([{ rule: 'self.nope == 1' }]);
  const validateCreate = (c: Crd) => [...validateCrd(c), ...validateCrdCreate(c)];
  test('identical per-version schemas once, at spec.validation', () => {
    const errs = validateCreate(crd([broken, broken]));
    expect(errs.map((e) => e.field)).toEqual([`${P}.properties[spec].x-kubernetes-validations[0].rule`]);
  });
  test('differing schemas at each version', () => {
    const errs = validateCreate(crd([broken, spec([])]));
    expect(errs.map((e) => e.field)).toEqual(['spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule']);
  });
  test('an update compiles the rules it adds or changes; those the stored CRD held are let be', () => {
    const stored = crd([broken]);
    expect(validateCrdUpdate(crd([broken]), stored)).toEqual([]);
    const added = crd([spec([{ rule: 'self.nope == 1' }, { rule: 'self.replicas > self.min' }])]);
    expect(validateCrdUpdate(added, stored).map((e) => e.field)).toEqual([`${P}.properties[spec].x-kubernetes-validations[1].rule`]);
    const changed = crd([spec([{ rule: 'self.nope == 2' }])]);
    expect(validateCrdUpdate(changed, stored).map((e) => e.field)).toEqual([`${P}.properties[spec].x-kubernetes-validations[0].rule`]);
  });
  test('an empty rule is required, and nothing is compiled while the schema has errors', () => {
    const errs = validateCreate(crd([spec([{ rule: ' ' }, { rule: 'self.nope == 1' }])]));
    expect(errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`)).toEqual([
      `${P}.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified`,
    ]);
  });
});

// Cases of upstream's TestCelCompilation (apiextensions-apiserver's compilation_test.go): the node under a property,
// as a rule below the root is compiled; 'ok' or a text the error contains.
describe("upstream's compilation cases", () => {
  const int: JSONSchemaProps = { type: 'integer' };
  const obj = (properties: Record<string, JSONSchemaProps>): JSONSchemaProps => ({ type: 'object', properties });
  const arr = (items: JSONSchemaProps): JSONSchemaProps => ({ type: 'array', items });
  const cases: [string, JSONSchemaProps, (string | { rule: string; optionalOldSelf?: boolean; messageExpression?: string })[], string[]][] =
    [
      [
        'optional primitive transition rule type checking',
        int,
        [
          'self >= oldSelf.value()',
          'self >= oldSelf.orValue(1)',
          'oldSelf.hasValue() ? self >= oldSelf.value() : true',
          'self >= oldSelf',
          "self >= oldSelf.orValue('')",
        ].map((rule) => ({ rule, optionalOldSelf: true })),
        ['ok', 'ok', 'ok', 'compilation failed', 'compilation failed'],
      ],
      [
        'optional complex transition rule type checking',
        obj({ i: int, s: { type: 'string' }, o: obj({ i: int, s: { type: 'string' }, o: { type: 'object' } }) }),
        [
          'self.i >= oldSelf.i.value()',
          'self.o == oldSelf.o.value()',
          'self.o.o == oldSelf.o.o.value()',
          'self.o.i >= oldSelf.o.i.orValue(1)',
          'oldSelf.hasValue() ? self.o.i >= oldSelf.o.i.value() : true',
          'self.o.i >= oldSelf.o.i',
          'self.o.i >= oldSelf.o.s.orValue(0)',
        ].map((rule) => ({ rule, optionalOldSelf: true })),
        ['ok', 'ok', 'ok', 'ok', 'ok', 'compilation failed', 'compilation failed'],
      ],
      ['valid for byte', { type: 'string', format: 'byte' }, ["string(self).endsWith('s')"], ['ok']],
      ['valid for boolean', { type: 'boolean' }, ['self == true'], ['ok']],
      ['valid for number', { type: 'number' }, ['self > 1.0'], ['ok']],
      ['valid nested object of array', obj({ nestedObj: arr(arr({ type: 'string' })) }), ['size(self.nestedObj[0]) == 10'], ['ok']],
      ['valid nested array of array', arr(arr(arr({ type: 'string' }))), ['size(self[0][0]) == 10'], ['ok']],
      ['valid nested array of object', arr(obj({ nestedObj: obj({ val: int }) })), ['self[0].nestedObj.val == 10'], ['ok']],
      ['valid map', { type: 'object', additionalProperties: { type: 'boolean' } }, ['size(self) > 0'], ['ok']],
      ['invalid checking for number', { type: 'number' }, ['size(self) == 10'], ['compilation failed']],
      ['compilation failure', int, ['size(self) == 10'], ['compilation failed']],
      [
        'escaping',
        obj({ namespace: arr(arr({ type: 'string' })), if: int, self: int }),
        ['size(self.__namespace__[0]) == 10', 'self.__if__ == 10', 'self.self == 10', 'size(self.namespace[0]) == 10', 'self == 10'],
        ['ok', 'ok', 'ok', 'ok', 'found no matching overload'],
      ],
      ['transition rules', int, ['self > 0', 'self >= oldSelf'], ['ok', 'ok']],
      ['expression must evaluate to bool', { type: 'object' }, ['42'], ['must evaluate to a bool']],
      ['messageExpression must be a string', int, [{ rule: 'self == 5', messageExpression: '42' }], ['must evaluate to a string']],
      [
        'messageExpression syntax error',
        { type: 'number' },
        [{ rule: 'self < 32.0', messageExpression: '"abc' }],
        ['messageExpression compilation failed'],
      ],
      ['an undeclared function', { type: 'object' }, ["fakeFunction('abc') == 'ABC'"], ["undeclared reference to 'fakeFunction'"]],
    ];
  test.each(cases)('%s', (_name, node, rules, expected) => {
    const results = rules.map((r) => {
      const rule = typeof r === 'string' ? { rule: r } : r;
      const errs = compileSchemaRules(obj({ x: { ...node, 'x-kubernetes-validations': [rule] as never } }), P);
      return errs.length ? (errs[0]!.detail ?? '') : 'ok';
    });
    expect(results.map((r, i) => (expected[i] === 'ok' ? r : r.includes(expected[i]!) ? expected[i] : r))).toEqual(expected);
  });
});

describe('oldSelf only where old and new values correlate', () => {
  const rule = { rule: 'self == oldSelf' };
  const item = (listType?: string): JSONSchemaProps => ({
    type: 'object',
    properties: {
      l: {
        type: 'array',
        ...(listType ? { 'x-kubernetes-list-type': listType, 'x-kubernetes-list-map-keys': listType === 'map' ? ['k'] : undefined } : {}),
        items: { type: 'object', required: ['k'], properties: { k: { type: 'string', 'x-kubernetes-validations': [rule] as never } } },
      },
    },
  });
  test('refused below an atomic list or a set, at the list; accepted below a list-type map', () => {
    for (const t of [undefined, 'atomic', 'set'])
      expect(msgs(item(t))).toEqual([
        `${P}.properties[l].items.properties[k].x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${P}.properties[l]`,
      ]);
    expect(msgs(item('map'))).toEqual([]);
  });
  test('refused below an atomic map, accepted on the list or map itself', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        m: {
          type: 'object',
          'x-kubernetes-map-type': 'atomic',
          properties: { a: { type: 'string', 'x-kubernetes-validations': [rule] as never } },
        },
        l: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [rule] as never },
      },
    };
    expect(msgs(s)).toEqual([
      `${P}.properties[m].properties[a].x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${P}.properties[m]`,
    ]);
  });
  test('optionalOldSelf on a rule that does not compile is reported too, as upstream', () => {
    expect(msgs(spec([{ rule: 'self.nope', optionalOldSelf: true }])).map((m) => m.split(':')[0])).toEqual([
      `${P}.properties[spec].x-kubernetes-validations[0].rule`,
      `${P}.properties[spec].x-kubernetes-validations[0].optionalOldSelf`,
    ]);
  });
});
