// The request decoders' bounds: YAML aliases expanded under go-yaml's rules, nesting refused past MAX_DEPTH in
// every decoder (and accepted up to it), decoded values bounded in size; and YAML decoding semantics kept
// (duplicates last-wins, merge keys, key conversion as sigs.k8s.io/yaml does it).
import { DecodeLimitError, MAX_DECODED_BYTES, MAX_DEPTH, checkDecodedValue, jsonTooDeep } from '../../src/machinery/decode/limits.js';
import { YamlDecodeError, decodeYaml } from '../../src/machinery/decode/yaml.js';
import { parseJSONLikeGo } from '../../src/machinery/patch/go-json.js';
import { parseJsonAst, toJsonNode } from '../../src/openapi/json-ast.js';
import { findYamlDuplicates } from '../../src/openapi/yaml-duplicates.js';

/** The error `fn` throws (and how long it took to throw it). */
function failure(fn: () => unknown): { error: Error; ms: number } {
  const started = Date.now();
  try {
    fn();
  } catch (e) {
    return { error: e as Error, ms: Date.now() - started };
  }
  throw new Error('expected an error');
}

const laughs = (levels: number, fanout: number) => {
  let s = `a0: &a0 [${Array(fanout).fill('"lol"').join(',')}]\n`;
  for (let i = 1; i < levels; i++)
    s += `a${i}: &a${i} [${Array(fanout)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return s;
};
const flow = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const blockMaps = (n: number) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;
const blockSeqs = (n: number) => `${'- '.repeat(n)}x\n`;
const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);

describe('YAML aliases (go-yaml rules)', () => {
  test('billion laughs and its 548-byte nested form are refused as excessive aliasing, in milliseconds', () => {
    for (const doc of [laughs(10, 9), laughs(9, 9), laughs(6, 9)]) {
      const { error, ms } = failure(() => decodeYaml(doc));
      expect(error).toBeInstanceOf(YamlDecodeError);
      expect(error.message).toBe('yaml: document contains excessive aliasing');
      expect(ms).toBeLessThan(500);
    }
  });

  test('documents go-yaml accepts are accepted, aliases expanded into independent copies', () => {
    // 3 levels of 10: 1,000 strings from 111 aliases; go-yaml accepts it (4 levels it refuses).
    const v = decodeYaml(laughs(3, 10)) as Record<string, unknown[][]>;
    expect(v.a2.flat()).toHaveLength(100);
    expect(() => decodeYaml(laughs(4, 10))).toThrow('excessive aliasing');
    // 150 aliases of one scalar: under go-yaml's 1,000-decode floor (the yaml package's own default, 100, would refuse it).
    const many = decodeYaml(`a: &a x\nb: [${Array(150).fill('*a').join(',')}]\n`) as { b: string[] };
    expect(many.b).toHaveLength(150);
    const shared = decodeYaml('a: &m {k: v}\nb: *m\n') as { a: Record<string, string>; b: Record<string, string> };
    expect(shared.b).toEqual({ k: 'v' });
    expect(shared.b).not.toBe(shared.a);
  });

  test('an anchor containing its own alias is an error, never a cycle', () => {
    for (const doc of ['a: &x [1, *x]\n', 'a: &x {b: *x}\n', 'a: &x {<<: *x}\n', 'a: &x {b: [{c: *x}]}\n']) {
      expect(() => decodeYaml(doc)).toThrow("yaml: anchor 'x' value contains itself");
    }
    expect(() => decodeYaml('a: *nope\n')).toThrow("yaml: unknown anchor 'nope' referenced");
  });

  test('an expansion past the body limit is too large (413), whatever the alias count', () => {
    const doc = `a: &a "${'x'.repeat(1024 * 1024)}"\nb: [*a, *a, *a]\n`;
    const { error } = failure(() => decodeYaml(doc));
    expect(error).toBeInstanceOf(DecodeLimitError);
    expect((error as DecodeLimitError).tooLarge).toBe(true);
    expect(decodeYaml(`a: &a "${'x'.repeat(1024 * 1024)}"\nb: *a\n`)).toMatchObject({ b: expect.any(String) });
  });
});

describe('nesting', () => {
  test.each([
    ['flow', flow],
    ['block maps', blockMaps],
    ['block sequences', blockSeqs],
  ])('YAML %s: %#: MAX_DEPTH levels decode, one more is refused', (_name, make) => {
    expect(depthOf(decodeYaml(make(MAX_DEPTH)))).toBe(MAX_DEPTH);
    const { error } = failure(() => decodeYaml(make(MAX_DEPTH + 1)));
    expect(error.message).toMatch(new RegExp(`^yaml: (line \\d+: )?exceeded max depth of ${MAX_DEPTH}$`));
  });

  test('10,000 levels and 3 MiB of brackets are refused without a full parse', () => {
    for (const doc of [`a: ${flow(10000)}`, blockSeqs(10000), `x: ${'['.repeat(3 * 1024 * 1024)}`, `x: ${'{a: '.repeat(500000)}`]) {
      const { error, ms } = failure(() => decodeYaml(doc));
      expect(error.message).toMatch(/exceeded max depth/);
      expect(ms).toBeLessThan(1000);
    }
  });

  test('an alias can nest a deep anchor deeper: the expansion is bounded too', () => {
    const deep = `a: &d ${flow(MAX_DEPTH - 1)}\nb: [*d]\n`;
    expect(() => decodeYaml(deep)).toThrow(`yaml: exceeded max depth of ${MAX_DEPTH}`);
  });

  test("JSON: MAX_DEPTH levels parse, one more is encoding/json's error at that bracket, valid or not", () => {
    expect(depthOf(parseJSONLikeGo(flow(MAX_DEPTH)))).toBe(MAX_DEPTH);
    expect(() => parseJSONLikeGo(flow(MAX_DEPTH + 1))).toThrow("invalid character '[' exceeded max depth");
    expect(() => parseJSONLikeGo(`{"a":${'{"b":'.repeat(MAX_DEPTH)}1${'}'.repeat(MAX_DEPTH + 1)}`)).toThrow(
      "invalid character '{' exceeded max depth",
    );
    // Malformed and deep: the scanner that words syntax errors stops at the bound instead of the stack's end.
    const { error, ms } = failure(() => parseJSONLikeGo(`${'['.repeat(1_000_000)}x`));
    expect(error.message).toBe("invalid character '[' exceeded max depth");
    expect(ms).toBeLessThan(1000);
    expect(() => parseJSONLikeGo(`${'['.repeat(10)}x`)).toThrow("invalid character 'x' looking for beginning of value");
  });

  test('jsonTooDeep skips brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(`["${'['.repeat(1000)}\\"${'{'.repeat(1000)}"]`, 2)).toBeUndefined();
    expect(jsonTooDeep('[[[]]]', 2)).toBe('[');
    expect(jsonTooDeep('[{"a":[]}]', 2)).toBe('[');
    expect(jsonTooDeep('[{"a":1}]', 2)).toBeUndefined();
  });

  test('the duplicate-keeping JSON parser and its object walk refuse depth instead of overflowing', () => {
    expect(() => parseJsonAst(flow(10000))).toThrow(SyntaxError);
    expect(() => parseJsonAst(flow(10000))).toThrow("invalid character '[' exceeded max depth");
    expect(parseJsonAst(flow(MAX_DEPTH)).t).toBe('array');
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    expect(() => toJsonNode(deep)).toThrow("invalid character '[' exceeded max depth");
  });

  test('checkDecodedValue: depth and size of any value, iteratively, shared references counted each time', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100000; i++) deep = { a: deep };
    expect(() => checkDecodedValue(deep)).toThrow("invalid character '{' exceeded max depth");
    const chunk = 'x'.repeat(1024 * 1024);
    const shared = { s: chunk };
    expect(() => checkDecodedValue([shared, shared, shared, shared])).toThrow(expect.objectContaining({ tooLarge: true }));
    // The size is JSON's, give or take separators.
    const v = { a: [1, 'ab', null, true], b: { c: 'd' } };
    expect(checkDecodedValue(v)).toBeGreaterThanOrEqual(JSON.stringify(v).length);
    expect(checkDecodedValue(v)).toBeLessThan(JSON.stringify(v).length + 8);
    expect(() => checkDecodedValue('x'.repeat(MAX_DECODED_BYTES))).toThrow(DecodeLimitError);
  });
});

describe('YAML decoding semantics', () => {
  test('duplicate keys: the last wins; field validation gets go-yaml lines for each repeat', () => {
    const doc = 'a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"a": 4\n';
    expect(decodeYaml(doc)).toEqual({ a: 4, b: { c: 2 } });
    expect(findYamlDuplicates(doc).map((d) => d.message)).toEqual([
      'line 4: key "c" already set in map',
      'line 5: key "a" already set in map',
      'line 6: key "a" already set in map',
    ]);
    expect(findYamlDuplicates('1: a\n"1": b\n')).toEqual([]);
    expect(findYamlDuplicates('m: &m {a: 1}\nn:\n  <<: *m\n  a: 2\n')).toEqual([]);
  });

  test('merge keys: explicit members win, earlier sources win over later ones', () => {
    const doc = 'x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nm:\n  a: 0\n  <<: [*x, *y]\nn: {<<: *y, d: 4}\n';
    expect(decodeYaml(doc)).toMatchObject({ m: { a: 0, b: 1, c: 2 }, n: { b: 2, c: 2, d: 4 } });
    expect(() => decodeYaml('m: {<<: 5}\n')).toThrow('yaml: map merge requires map or sequence of maps as the value');
  });

  test('keys become strings as sigs.k8s.io/yaml makes them; complex keys are refused', () => {
    expect(decodeYaml('1: a\ntrue: b\n~: c\n1.5: d\n')).toEqual({ 1: 'a', true: 'b', null: 'c', '1.5': 'd' });
    expect(() => decodeYaml('? [a]\n: 1\n')).toThrow('yaml: invalid map key');
  });

  test('names objects inherit are ordinary members', () => {
    const v = decodeYaml('__proto__: {polluted: 1}\nconstructor: c\ntoString: t\n') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(v.polluted).toBeUndefined();
  });

  test('scalars: YAML 1.2 core schema as before; what JSON cannot hold is an error', () => {
    expect(decodeYaml('a: yes\nb: 0x10\nc: 2020-01-01T00:00:00Z\nd: "1"\ne: null\nf: 1e3\ng: !!binary aGk=\n')).toEqual({
      a: 'yes',
      b: 16,
      c: '2020-01-01T00:00:00Z',
      d: '1',
      e: null,
      f: 1000,
      g: 'hi',
    });
    expect(() => decodeYaml('a: .inf\n')).toThrow('json: unsupported value: +Inf');
    expect(() => decodeYaml('a: .nan\n')).toThrow('json: unsupported value: NaN');
    expect(decodeYaml('')).toBeNull();
    expect(() => decodeYaml('a: 1\n---\nb: 2\n')).toThrow('yaml: expected a single document in the stream, but found more');
    expect(() => decodeYaml('a: [1\n')).toThrow(/^yaml: line \d+: Flow sequence/);
  });
});
