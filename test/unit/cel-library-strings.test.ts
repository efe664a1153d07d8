// The strings extension's format and quote (src/admission/cel/library/strings.ts), table-driven from cel-go's
// TestStringFormat and strings.quote cases (en_US, Kubernetes' locale).
import { celRun } from '../support/cel.js';

const FORMAT: [string, string][] = [
  ['"no substitution".format([])', 'no substitution'],
  ['"str is %s and some more".format(["filler"])', 'str is filler and some more'],
  ['"%% and also %%".format([])', '% and also %'],
  ['"%%%s%%".format(["text"])', '%text%'],
  ['"%d %d %d, %s %s %s, %d %d %d, %s %s %s".format([1, 2, 3, "A", "B", "C", 4, 5, 6, "D", "E", "F"])', '1 2 3, A B C, 4 5 6, D E F'],
  ['"%.3f".format([1.2345])', '1.234'],
  ['"%f".format([2.71828])', '2.718280'],
  ['"%.2f".format([1234567.891])', '1,234,567.89'],
  ['"%.3f".format([-0.5])', '-0.500'],
  ['"this is 5 in binary: %b".format([5])', 'this is 5 in binary: 101'],
  ['"unsigned 64 in binary: %b".format([uint(64)])', 'unsigned 64 in binary: 1000000'],
  ['"bit set from bool: %b".format([true])', 'bit set from bool: 1'],
  ['"this is -5 in binary: %b".format([-5])', 'this is -5 in binary: -101'],
  ['"%o".format([11])', '13'],
  ['"this is an unsigned octal: %o".format([uint(65535)])', 'this is an unsigned octal: 177777'],
  ['"%x is 20 in hexadecimal".format([30])', '1e is 20 in hexadecimal'],
  ['"%X is 20 in hexadecimal".format([30])', '1E is 20 in hexadecimal'],
  ['"%X is 6000 in hexadecimal".format([uint(6000)])', '1770 is 6000 in hexadecimal'],
  ['"%x".format(["Hello world!"])', '48656c6c6f20776f726c6421'],
  ['"%X".format(["Hello world!"])', '48656C6C6F20776F726C6421'],
  ['"%x".format([b"byte string"])', '6279746520737472696e67'],
  ['"%.6e".format([1052.032911275])', '1.052033\u202f×\u202f10⁰³'],
  ['"%e".format([2.71828])', '2.718280\u202f×\u202f10⁰⁰'],
  ['"%f".format(["NaN"])', 'NaN'],
  ['"%f".format(["Infinity"])', '∞'],
  ['"%f".format(["-Infinity"])', '-∞'],
  ['"%d".format([uint(64)])', '64'],
  ['"null: %s".format([null])', 'null: null'],
  ['"some bytes: %s".format([b"xyz"])', 'some bytes: xyz'],
  ['"type is %s".format([type("test string")])', 'type is string'],
  ['"%s".format([timestamp("2023-02-03T23:31:20+00:00")])', '2023-02-03T23:31:20Z'],
  ['"%s".format([duration("1h45m47s")])', '6347s'],
  [
    '"%s".format([["abc", 3.14, null, [9, 8, 7, 6], timestamp("2023-02-03T23:31:20Z")]])',
    '["abc", 3.140000, null, [9, 8, 7, 6], timestamp("2023-02-03T23:31:20Z")]',
  ],
  [
    '"%s".format([{"key1": b"xyz", "key5": null, "key2": duration("2h"), "key4": true, "key3": 2.71828}])',
    '{"key1":b"xyz", "key2":duration("7200s"), "key3":2.718280, "key4":true, "key5":null}',
  ],
  ['"true bool: %s, false bool: %s".format([true, false])', 'true bool: true, false bool: false'],
  ['"int: %s double: %s".format([32, 56.8])', 'int: 32 double: 56.8'],
  ['"%s %s".format([1234567.0, 0.00001])', '1.234567e+06 1e-05'],
  ['"replicas %d exceed %s".format([object.spec.replicas, object.metadata.name])', 'replicas 5 exceed web'],
];

const FORMAT_ERRORS: [string, string][] = [
  ['"%a".format([1])', 'could not parse formatting clause: unrecognized formatting clause "a"'],
  ['"%d %d %d".format([0, 1])', 'index 2 out of range'],
  ['"string is %b".format(["abc"])', 'error during formatting: only integers and bools can be formatted as binary, was given string'],
  [
    '"%d".format([duration("30m2s")])',
    'error during formatting: decimal clause can only be used on integers, was given google.protobuf.Duration',
  ],
  ['"octal: %o".format(["a string"])', 'error during formatting: octal clause can only be used on integers, was given string'],
  [
    '"double is %x".format([0.5])',
    'error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given double',
  ],
  ['"double is %E".format([0.5])', 'could not parse formatting clause: unrecognized formatting clause "E"'],
  ['"null: %d".format([null])', 'error during formatting: decimal clause can only be used on integers, was given null_type'],
  ['"null: %f".format([null])', 'error during formatting: fixed-point clause can only be used on doubles, was given null_type'],
  ['"%s".format([ip("1.2.3.4")])', 'error during formatting: string clause can only be used on strings'],
  ['"%s".format([[ip("1.2.3.4")]])', 'error during formatting: no formatting function for net.IP'],
];

const QUOTE: [string, string][] = [
  ['strings.quote("first\\nsecond")', '"first\\nsecond"'],
  ['strings.quote("bell\\a")', '"bell\\a"'],
  ['strings.quote("\\bbackspace")', '"\\bbackspace"'],
  ['strings.quote("\\fform feed")', '"\\fform feed"'],
  ['strings.quote("carriage \\r return")', '"carriage \\r return"'],
  ['strings.quote("horizontal tab\\t")', '"horizontal tab\\t"'],
  ['strings.quote("vertical \\v tab")', '"vertical \\v tab"'],
  ['strings.quote("double \\\\\\\\ slash")', '"double \\\\\\\\ slash"'],
  ['strings.quote("two escape sequences \\\\a\\\\n")', '"two escape sequences \\\\a\\\\n"'],
  ['strings.quote("verbatim")', '"verbatim"'],
  ['strings.quote("ends with \\\\")', '"ends with \\\\"'],
  ['strings.quote("\\\\ starts with")', '"\\\\ starts with"'],
  ['strings.quote("printable unicode😀")', '"printable unicode😀"'],
  ['strings.quote("mid string \\" quote")', '"mid string \\" quote"'],
  ['strings.quote(\'single-quote with "double quote"\')', '"single-quote with \\"double quote\\""'],
  ['strings.quote("")', '""'],
];

const obj = { metadata: { name: 'web' }, spec: { replicas: 5 } };

describe('strings extension: format', () => {
  it.each(FORMAT)('%s', (expr, want) => expect(celRun(expr, obj)).toEqual({ value: want }));
  it.each(FORMAT_ERRORS)('%s fails', (expr, msg) => expect(celRun(expr, obj).error).toContain(msg));
});

describe('strings extension: quote', () => {
  it.each(QUOTE)('%s', (expr, want) => expect(celRun(expr)).toEqual({ value: want }));
});
