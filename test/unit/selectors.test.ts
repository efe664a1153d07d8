import { StatusError } from '../../src/machinery/api/errors.js';
import {
  formatLabels,
  formatLabelSelector,
  labelSelectorFromObject,
  parseLabelSelector,
  selectorToString,
} from '../../src/machinery/labels.js';
import { parseFieldSelector, validateFieldSelector } from '../../src/machinery/fields.js';
import { humanDuration, shortHumanDuration, translateTimestampSince } from '../../src/machinery/duration.js';

/** The 400 message a bad selector produces. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(400);
    expect((e as StatusError).reason).toBe('BadRequest');
    return (e as StatusError).message;
  }
  throw new Error('expected an error');
}

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector', () => {
  test('all operators parse and render canonically, sorted by key', () => {
    const s = parseLabelSelector(' tier in (b, a) , app=web,env==prod ,track!=canary,  gpu, !legacy, x notin (z), n>3, m<10');
    expect(s.toString()).toBe('app=web,env==prod,gpu,!legacy,m<10,n>3,tier in (a,b),track!=canary,x notin (z)');
    expect(s.requirements.find((r) => r.key === 'tier')).toEqual({ key: 'tier', operator: 'in', values: ['a', 'b'] });
    expect(s.requirements.find((r) => r.key === 'legacy')?.operator).toBe('!');
    expect(s.requirements.find((r) => r.key === 'gpu')?.operator).toBe('exists');
  });

  test('matching', () => {
    const s = parseLabelSelector('app=web,tier in (a,b),!legacy,track!=canary');
    expect(s.matches({ app: 'web', tier: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'b', track: 'stable' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'c' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'a', legacy: '' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'a', track: 'canary' })).toBe(false);
    expect(s.matches({ tier: 'a' })).toBe(false);
    expect(s.matches(undefined)).toBe(false);
    // notin and != also match when the key is absent.
    expect(parseLabelSelector('x notin (a)').matches({})).toBe(true);
    expect(parseLabelSelector('x!=a').matches(undefined)).toBe(true);
    expect(parseLabelSelector('x').matches({ x: '' })).toBe(true);
    expect(parseLabelSelector('n>3').matches({ n: '4' })).toBe(true);
    expect(parseLabelSelector('n>3').matches({ n: '3' })).toBe(false);
    expect(parseLabelSelector('n<3').matches({ n: 'abc' })).toBe(false);
  });

  test('empty selector selects everything; empty values are allowed', () => {
    const all = parseLabelSelector('   ');
    expect(all.empty).toBe(true);
    expect(all.matches({ a: 'b' })).toBe(true);
    expect(parseLabelSelector('a=').matches({ a: '' })).toBe(true);
    expect(parseLabelSelector('a in ()').requirements[0]!.values).toEqual(['']);
    expect(parseLabelSelector('a in (x,,y)').requirements[0]!.values).toEqual(['', 'x', 'y']);
    // `in` / `notin` are plain words in value position.
    expect(parseLabelSelector('in in (in,notin)').matches({ in: 'notin' })).toBe(true);
    expect(parseLabelSelector('example.com/role=db').matches({ 'example.com/role': 'db' })).toBe(true);
  });

  test('syntax errors carry Kubernetes messages', () => {
    expect(errorOf(() => parseLabelSelector('a b'))).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(errorOf(() => parseLabelSelector('a=b c'))).toBe("found 'c', expected: ',' or 'end of string'");
    expect(errorOf(() => parseLabelSelector('a=b,'))).toBe("found '', expected: identifier after ','");
    expect(errorOf(() => parseLabelSelector('=b'))).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(errorOf(() => parseLabelSelector('a in x'))).toBe("unable to parse requirement: found 'x' expected: '('");
    expect(errorOf(() => parseLabelSelector('a in (x'))).toBe("unable to parse requirement: found '', expected: ',' or ')'");
    expect(errorOf(() => parseLabelSelector('!a=b'))).toBe("found '=', expected: ',' or 'end of string'");
    expect(errorOf(() => parseLabelSelector('a=(b)'))).toBe("unable to parse requirement: found '(', expected: identifier");
  });

  test('invalid keys and values carry the validation messages', () => {
    expect(errorOf(() => parseLabelSelector('app:monolith'))).toBe(
      `unable to parse requirement: <nil>: Invalid value: "app:monolith": ${NAME_PART_MSG}`,
    );
    expect(errorOf(() => parseLabelSelector('app.kubernetes_io/name=x'))).toBe(
      "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
    expect(errorOf(() => parseLabelSelector('app=-web'))).toBe(
      `unable to parse requirement: values[0][app]: Invalid value: "-web": ${VALUE_MSG}`,
    );
    expect(errorOf(() => parseLabelSelector('a in (-x,-y)'))).toBe(
      `unable to parse requirement: [values[0][a]: Invalid value: "-x": ${VALUE_MSG}, values[1][a]: Invalid value: "-y": ${VALUE_MSG}]`,
    );
    expect(errorOf(() => parseLabelSelector('env>qa'))).toBe(
      "unable to parse requirement: values[0]: Invalid value: \"qa\": for 'Gt', 'Lt' operators, the value must be an integer",
    );
    expect(errorOf(() => parseLabelSelector(`a=${'x'.repeat(64)}`))).toMatch(/Invalid value: "x+": must be no more than 63 characters$/);
    expect(errorOf(() => parseLabelSelector(`a=-${'x'.repeat(63)}`))).toMatch(/must be no more than 63 characters; a valid label/);
  });
});

describe('metav1.LabelSelector objects', () => {
  test('matchLabels and matchExpressions combine, render sorted', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'old', operator: 'DoesNotExist' },
      ],
    };
    const s = labelSelectorFromObject(sel);
    expect(s.matches({ app: 'web', tier: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'a', old: 'x' })).toBe(false);
    expect(selectorToString(sel)).toBe('app=web,!old,tier in (a,b)');
    expect(
      selectorToString({
        matchExpressions: [
          { key: 'k', operator: 'Exists' },
          { key: 'j', operator: 'NotIn', values: ['v'] },
        ],
      }),
    ).toBe('j notin (v),k');
  });

  test('missing selects nothing, empty selects everything', () => {
    expect(labelSelectorFromObject(undefined).matches({ a: 'b' })).toBe(false);
    expect(labelSelectorFromObject({}).matches({ a: 'b' })).toBe(true);
    expect(selectorToString(undefined)).toBe('');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
  });

  test('invalid objects', () => {
    expect(errorOf(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }))).toBe(
      '"Foo" is not a valid label selector operator',
    );
    expect(errorOf(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }))).toBe(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(errorOf(() => labelSelectorFromObject({ matchLabels: { 'a b': 'x' } }))).toBe(`key: Invalid value: "a b": ${NAME_PART_MSG}`);
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })).toBe('<error>');
  });

  test('formatLabels', () => {
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
});

describe('parseFieldSelector', () => {
  const pod: Record<string, string> = { 'metadata.name': 'web-1', 'status.phase': 'Running', 'spec.nodeName': 'node1' };
  const get = (f: string) => pod[f];

  test('=, ==, != with AND', () => {
    const s = parseFieldSelector('status.phase=Running,spec.nodeName==node1');
    expect(s.requirements).toEqual([
      { field: 'spec.nodeName', op: '=', value: 'node1' },
      { field: 'status.phase', op: '=', value: 'Running' },
    ]);
    expect(s.matches(get)).toBe(true);
    expect(parseFieldSelector('status.phase!=Running').matches(get)).toBe(false);
    expect(parseFieldSelector('status.phase!=Pending').matches(get)).toBe(true);
    // A missing field reads as the empty string.
    expect(parseFieldSelector('spec.hostNetwork=').matches(get)).toBe(true);
    expect(parseFieldSelector('spec.hostNetwork!=true').matches(get)).toBe(true);
    expect(parseFieldSelector('').empty).toBe(true);
    expect(parseFieldSelector('metadata.name=web-1').requiresExactMatch('metadata.name')).toBe('web-1');
  });

  test('escapes', () => {
    const s = parseFieldSelector('a=x\\,y\\=z\\\\,b!=q');
    expect(s.requirements).toEqual([
      { field: 'a', op: '=', value: 'x,y=z\\' },
      { field: 'b', op: '!=', value: 'q' },
    ]);
    expect(s.toString()).toBe('a=x\\,y\\=z\\\\,b!=q');
    expect(errorOf(() => parseFieldSelector('a=x\\y'))).toBe('invalid field selector: invalid escape sequence: \\y');
    expect(errorOf(() => parseFieldSelector('a=x\\'))).toBe('invalid field selector: invalid escape sequence: \\');
    expect(errorOf(() => parseFieldSelector('a=b=c'))).toBe('invalid field selector: unescaped character in value: =');
    expect(errorOf(() => parseFieldSelector('a=b,foo'))).toBe("invalid selector: 'a=b,foo'; can't understand 'foo'");
  });

  test('unsupported fields', () => {
    const podFields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];
    expect(() => validateFieldSelector(parseFieldSelector('spec.nodeName=n'), podFields, 'pods')).not.toThrow();
    expect(errorOf(() => validateFieldSelector(parseFieldSelector('foo=bar'), podFields, 'pods'))).toBe('field label not supported: foo');
    expect(
      errorOf(() => validateFieldSelector(parseFieldSelector('data.x=1'), ['metadata.name', 'metadata.namespace'], 'configmaps')),
    ).toBe('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});

describe('humanDuration', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  const y = 365 * d;
  test.each([
    [-2 * s, '<invalid>'],
    [-1500, '0s'],
    [-999, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 12 * s, '3m12s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 4 * m, '3h4m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [45 * d, '45d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [3 * y + 120 * d, '3y120d'],
    [8 * y + 5 * d, '8y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  test('shortHumanDuration', () => {
    expect(shortHumanDuration(59 * s)).toBe('59s');
    expect(shortHumanDuration(3 * m + 59 * s)).toBe('3m');
    expect(shortHumanDuration(23 * h)).toBe('23h');
    expect(shortHumanDuration(400 * d)).toBe('1y');
    expect(shortHumanDuration(-5 * s)).toBe('<invalid>');
  });

  test('translateTimestampSince', () => {
    const now = new Date('2025-01-10T12:00:00Z');
    expect(translateTimestampSince('2025-01-10T11:56:48Z', now)).toBe('3m12s');
    expect(translateTimestampSince('2025-01-10T11:59:59.500000Z', now)).toBe('0s');
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
    expect(translateTimestampSince(null, now)).toBe('<unknown>');
    expect(translateTimestampSince('0001-01-01T00:00:00Z', now)).toBe('<unknown>');
  });
});
