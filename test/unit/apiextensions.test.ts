// The pure parts of CustomResourceDefinition support: schema validation wording, defaulting, pruning, the JSONPath
// subset of printer columns, structural-schema checks, version priority and the naming decision.
import { validateValue, validateCustomResource } from '../../src/apiextensions/schema/validate.js';
import { applyDefaults } from '../../src/apiextensions/schema/defaults.js';
import { prune } from '../../src/apiextensions/schema/prune.js';
import { validateStructural } from '../../src/apiextensions/schema/structural.js';
import { evaluate, parsePath } from '../../src/apiextensions/jsonpath.js';
import { compareVersionPriority } from '../../src/apiextensions/versions.js';
import { decideNames } from '../../src/apiextensions/conditions.js';
import { printerColumnsTable } from '../../src/apiextensions/printer-columns.js';
import { validateCrd } from '../../src/apiextensions/crd-validation.js';
import { celErrors } from '../../src/apiextensions/schema/cel.js';
import { compileSchemaRules } from '../../src/apiextensions/schema/cel-compile.js';
import { fieldErrorMessage } from '../../src/machinery/api/errors.js';
import type { Crd, JSONSchemaProps } from '../../src/apiextensions/types.js';

const messages = (errs: ReturnType<typeof validateValue>) => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);

describe('custom resource validation', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      when: { type: 'string', format: 'date-time' },
      maybe: { type: 'string', nullable: true },
      never: { type: 'string' },
      list: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'integer' } },
      ratio: { type: 'number', exclusiveMinimum: true, minimum: 0 },
      labels: { type: 'object', additionalProperties: { type: 'string', minLength: 2 } },
      template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  test('formats, null, items, bounds and map values with upstream wording', () => {
    expect(
      messages(
        validateValue(
          { when: 'yesterday', maybe: null, never: null, list: [1, 2, 'x'], ratio: 0, labels: { a: 'b' }, template: { kind: 'Pod' } },
          s,
          'spec',
        ),
      ),
    ).toEqual([
      'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
      'spec.never: Invalid value: "null": spec.never in body must be of type string: "null"',
      'spec.list: Too many: 3: must have at most 2 items',
      'spec.list[2]: Invalid value: "string": spec.list[2] in body must be of type integer: "string"',
      'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
      'spec.labels[a]: Invalid value: "b": spec.labels[a] in body should be at least 2 chars long',
      'spec.template.apiVersion: Required value: must not be empty',
    ]);
  });
  test('apiVersion, kind and metadata are not the schema’s business', () => {
    const errs = validateCustomResource(
      { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: {} },
      {
        type: 'object',
        required: ['spec', 'metadata'],
        properties: { spec: { type: 'object' } },
      },
    );
    expect(errs).toEqual([]);
  });
});

describe('defaulting and pruning', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', default: 1 },
          ports: {
            type: 'array',
            items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' } } },
          },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          inner: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
          nulled: { type: 'string', default: 'x' },
        },
      },
    },
  };
  test('defaults fill missing and non-nullable null fields, in list items too', () => {
    const obj = { spec: { ports: [{ port: 80 }], nulled: null } };
    applyDefaults(obj, s);
    expect(obj).toEqual({ spec: { replicas: 1, ports: [{ port: 80, protocol: 'TCP' }], nulled: 'x' } });
  });
  test('pruning keeps type meta, preserved and embedded resources’ type meta; reports what it dropped', () => {
    const obj = {
      apiVersion: 'a/v1',
      kind: 'A',
      metadata: { name: 'n', anything: 1 },
      junk: 1,
      spec: {
        replicas: 2,
        extra: true,
        free: { any: { thing: 1 } },
        inner: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, bad: 1 },
      },
    };
    expect(prune(obj, s)).toEqual(['junk', 'spec.extra', 'spec.inner.bad']);
    expect(obj).toEqual({
      apiVersion: 'a/v1',
      kind: 'A',
      metadata: { name: 'n', anything: 1 },
      spec: { replicas: 2, free: { any: { thing: 1 } }, inner: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } },
    });
  });
});

describe('printer-column JSONPath', () => {
  const obj = {
    status: {
      conditions: [
        { type: 'A', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
    spec: { 'a.b': 7, list: [1, 2, 3] },
  };
  test.each([
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    [".spec['a.b']", [7]],
    ['.spec.list[-1]', [3]],
    ['.spec.list[*]', [1, 2, 3]],
    ['{.spec.missing}', []],
  ])('%s', (path, want) => expect(evaluate(parsePath(path), obj)).toEqual(want));
  test('cells: integer, date as an age, missing as null, Age by default', () => {
    const t = printerColumnsTable([
      { name: 'N', type: 'integer', jsonPath: '.spec.n' },
      { name: 'When', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Gone', type: 'string', jsonPath: '.spec.none' },
    ]);
    const o = { apiVersion: 'a/v1', kind: 'A', metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { n: 3.7 } };
    expect(t.cells(o, new Date('2026-01-01T00:05:00Z'))).toEqual(['x', 3, '5m', null]);
    expect(printerColumnsTable(undefined).columns.map((c) => c.name)).toEqual(['Name', 'Age']);
  });
});

describe('CRD checks', () => {
  test('structural schema errors name upstream paths', () => {
    const errs = validateStructural(
      {
        type: 'object',
        properties: { a: { properties: {} }, b: { type: 'array', items: {} }, c: { type: 'string', 'x-kubernetes-int-or-string': true } },
      },
      's',
    );
    expect(errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`)).toEqual([
      's.properties[a].type: Required value: must not be empty for specified object fields',
      's.properties[b].items.type: Required value: must not be empty for specified array items',
      's.properties[c].type: Forbidden: must be empty if x-kubernetes-int-or-string is true',
    ]);
  });
  test('names, group, scope and storage versions', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'foos.bar' },
      spec: { group: 'bar', scope: 'Global', names: { plural: 'foos', singular: 'foo', kind: 'Foo', listKind: 'Foo' }, versions: [] },
    } as unknown as Crd;
    expect(validateCrd(crd).map((e) => `${e.field}: ${fieldErrorMessage(e)}`)).toEqual([
      'spec.group: Invalid value: "bar": should be a domain with at least one dot',
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      'spec.versions: Invalid value: []: must have exactly one version marked as storage version',
      'spec.names.listKind: Invalid value: "Foo": kind and listKind may not be the same or parsing become ambiguous',
      'spec.conversion.strategy: Unsupported value: "": supported values: "None", "Webhook"',
    ]);
  });
  test('version priority: GA, beta, alpha, then others alphabetically', () => {
    expect(['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v1beta1', 'bar', 'v10'].sort(compareVersionPriority)).toEqual([
      'v10',
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha1',
      'bar',
      'foo',
    ]);
  });
  test('names taken by another CRD of the group are not accepted', () => {
    const mk = (name: string, plural: string, kind: string, accepted = true): Crd =>
      ({
        metadata: { name: `${plural}.g.io` },
        spec: {
          group: 'g.io',
          scope: 'Namespaced',
          names: { plural, singular: plural.slice(0, -1), kind, listKind: `${kind}List` },
          versions: [],
        },
        status: accepted ? { acceptedNames: { plural, singular: plural.slice(0, -1), kind, listKind: `${kind}List` } } : {},
      }) as unknown as Crd;
    const first = mk('a', 'apples', 'Apple');
    const second = mk('b', 'pears', 'Apple', false);
    expect(decideNames(second, [first, second]).namesAccepted).toEqual({
      type: 'NamesAccepted',
      status: 'False',
      reason: 'KindConflict',
      message: '"Apple" is already in use',
    });
    expect(decideNames(first, [first, second]).established).toMatchObject({ status: 'True', reason: 'InitialNamesAccepted' });
  });
});

describe('x-kubernetes-validations (CEL)', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': [
          { rule: 'self.min <= self.max', message: 'min must not exceed max' },
          { rule: 'self.max < 100', messageExpression: '"max is " + string(self.max)', fieldPath: '.max' },
          { rule: 'self.mode == oldSelf.mode', message: 'mode is immutable' },
        ],
        properties: {
          min: { type: 'integer' },
          max: { type: 'integer' },
          mode: { type: 'string' },
          tags: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.startsWith("t-")' }] } },
        },
      },
    },
  };
  const msgs = (errs: ReturnType<typeof celErrors>) => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
  test('failed rules with message, messageExpression, fieldPath and the default message', () => {
    const obj = { spec: { min: 300, max: 200, mode: 'a', tags: ['t-1', 'x'] } };
    expect(msgs(celErrors(obj, undefined, s, '', false))).toEqual([
      'spec: Invalid value: "object": min must not exceed max',
      'spec.max: Invalid value: "object": max is 200',
      'spec.tags[1]: Invalid value: "string": failed rule: self.startsWith("t-")',
    ]);
  });
  test('transition rules only on updates', () => {
    const obj = { spec: { min: 1, max: 2, mode: 'b' } };
    expect(celErrors(obj, undefined, s, '', true)).toEqual([]);
    expect(msgs(celErrors(obj, { spec: { min: 1, max: 2, mode: 'a' } }, s, '', true))).toEqual([
      'spec: Invalid value: "object": mode is immutable',
    ]);
  });
  test('a rule is a transition rule by what it reads, not by its text', () => {
    const t: JSONSchemaProps = {
      type: 'object',
      properties: { name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != "oldSelf"', message: 'reserved' }] } },
    };
    expect(msgs(celErrors({ name: 'oldSelf' }, undefined, t, '', false))).toEqual(['name: Invalid value: "string": reserved']);
    expect(celErrors({ name: 'oldSelf' }, { name: 'x' }, t, '', true)).toEqual([]);
  });
  test('list-type map elements meet their old selves by their keys, in time linear in the list', () => {
    const m: JSONSchemaProps = {
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'proto'],
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, proto: { type: 'string' }, port: { type: 'integer' } },
            'x-kubernetes-validations': [{ rule: 'self.port == oldSelf.port', message: 'port is immutable' }],
          },
        },
      },
    };
    const old = {
      ports: [
        { name: 'a', proto: 'TCP', port: 1 },
        { name: 'a', proto: 'UDP', port: 2 },
        { name: 'b', port: 3 },
      ],
    };
    // Reordered, one element changed, one new (no old self: its transition rule does not run).
    const now = {
      ports: [
        { name: 'b', port: 3 },
        { name: 'a', proto: 'UDP', port: 9 },
        { name: 'a', proto: 'TCP', port: 1 },
        { name: 'c', port: 4 },
      ],
    };
    expect(msgs(celErrors(now, old, m, '', true))).toEqual(['ports[1]: Invalid value: "object": port is immutable']);
    // 20,000 elements: compared pairwise this took minutes; by key, well under the limit below on a loaded machine.
    const many = { ports: Array.from({ length: 20_000 }, (_, i) => ({ name: `p${i}`, proto: 'TCP', port: i })) };
    const started = Date.now();
    expect(celErrors(many, many, m, '', true)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
  test('subtrees without rules are not walked', () => {
    const noRules: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } };
    // A value the rules' walk could not read (a getter that throws) where no rule applies.
    const spec = Object.defineProperty({}, 'n', {
      enumerable: true,
      get: () => {
        throw new Error('walked');
      },
    });
    expect(celErrors({ spec }, { spec }, noRules, '', true)).toEqual([]);
  });
  test('a rule that does not compile is refused at CRD validation', () => {
    const rule = (r: string) =>
      compileSchemaRules({ type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: r }] }, 's');
    expect(rule('self.a +')[0]?.detail).toMatch(/compilation failed: ERROR: <input>:1:\d+: Unexpected token/);
    expect(rule('self.a + 1 > 2')).toEqual([]);
  });
});
