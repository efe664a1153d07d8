// The strings extension's version-2 additions that cel-js lacks (cel-go ext.Strings, StringsVersion(2) in Kubernetes'
// base environment since 1.29): `<string>.format(<list>)` with cel-go's clauses (%s %d %f %e %b %o %x %X %%, the
// en_US locale's digit grouping for %f) and error texts, and `strings.quote(<string>)`.
import type { Environment } from '@marcbachmann/cel-js';
import { goQuote } from './go-quote.js';
import { registerFunctions, registerNamespace } from './register.js';
import { C_ESCAPES } from '../../../machinery/c-escapes.js';

const DEFAULT_PRECISION = 6;

/** The CEL type name cel-go reports for a value in format errors. */
function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null_type';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  const name = (v as object).constructor?.name;
  if (name === 'UnsignedInt') return 'uint';
  if (name === 'Duration') return 'google.protobuf.Duration';
  if (name === 'Type') return 'type';
  if (v instanceof Map || name === 'Object' || name === undefined) return 'map';
  // A library's own values carry their CEL type's name (net.IP, kubernetes.Quantity...).
  return (v.constructor as { celTypeName?: string }).celTypeName ?? name;
}

const isInt = (v: unknown): boolean => typeName(v) === 'int' || typeName(v) === 'uint';

/** strconv.FormatFloat(f, 'g', -1, 64), CEL's string(double): shortest digits, exponent form below 1e-4 or from 1e6. */
function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, e] = f.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

/** Go's %.<p>f with x/text's en_US grouping of the integer digits. */
function fixed(f: number, precision: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '∞' : '-∞';
  const [int, frac] = Math.abs(f).toFixed(precision).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${f < 0 || Object.is(f, -0) ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** %.<p>e as x/text prints it for en_US: "1.052033 × 10⁰³" (narrow no-break spaces, a superscript exponent). */
function scientific(f: number, precision: number): string {
  if (!Number.isFinite(f)) return fixed(f, precision);
  const [m, e] = f.toExponential(precision).split('e');
  const n = Number(e);
  const digits = [...String(Math.abs(n)).padStart(2, '0')].map((d) => SUPERSCRIPT[Number(d)]).join('');
  return `${m}\u202f×\u202f10${n < 0 ? '⁻' : ''}${digits}`;
}

const bytesText = (b: Uint8Array) => new TextDecoder().decode(b);

/** FormatString: %s of a value, lists and maps as CEL literals. */
function formatString(v: unknown): string {
  switch (typeName(v)) {
    case 'list':
      return `[${(v as unknown[]).map(member).join(', ')}]`;
    case 'map':
      return formatMap(v as object);
    case 'int':
    case 'uint':
    case 'bool':
    case 'string':
      return String(v);
    case 'double':
      return goFloat(v as number);
    case 'bytes':
      return bytesText(v as Uint8Array);
    case 'google.protobuf.Timestamp':
      return (v as Date)
        .toISOString()
        .replace(/(\.\d*?)0+Z$/, '$1Z')
        .replace('.Z', 'Z');
    case 'google.protobuf.Duration':
      return String(v);
    case 'type':
      return String(v).replace(/^Type<(.*)>$/, '$1');
    case 'null_type':
      return 'null';
    default:
      throw new Error(stringClauseError(typeName(v)));
  }
}

const stringClauseError = (t: string) =>
  `string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${t}`;

/** A list member or map value: its clause by type, then quoted as a CEL literal where a string would be ambiguous. */
function member(v: unknown): string {
  const t = typeName(v);
  if (t === 'string') return goQuote(v as string);
  if (t === 'bytes') return `b${goQuote(bytesText(v as Uint8Array))}`;
  if (t === 'double') {
    const f = v as number;
    return Number.isFinite(f) ? f.toFixed(DEFAULT_PRECISION) : goQuote(goFloat(f));
  }
  if (t === 'google.protobuf.Timestamp') return `timestamp(${goQuote(formatString(v))})`;
  if (t === 'google.protobuf.Duration') return `duration(${goQuote(formatString(v))})`;
  if (['list', 'map', 'int', 'uint', 'bool', 'null_type', 'type'].includes(t)) return formatString(v);
  throw new Error(`no formatting function for ${t}`);
}

function formatMap(m: object): string {
  const entries = m instanceof Map ? [...m.entries()] : Object.entries(m);
  const pairs = entries.map(([k, v]) => {
    const kt = typeName(k);
    if (!['string', 'bool', 'int', 'uint'].includes(kt)) throw new Error(`no formatting function for map key of type ${kt}`);
    return [kt === 'string' ? goQuote(k as string) : String(k), member(v)] as const;
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${pairs.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
}

function hex(v: unknown, upper: boolean): string {
  let out: string;
  const t = typeName(v);
  if (t === 'string') out = Buffer.from(v as string, 'utf8').toString('hex');
  else if (t === 'bytes') out = Buffer.from(v as Uint8Array).toString('hex');
  else if (isInt(v)) {
    const n = BigInt((v as bigint).valueOf());
    out = (n < 0n ? '-' : '') + (n < 0n ? -n : n).toString(16);
  } else throw new Error(`only integers, byte buffers, and strings can be formatted as hex, was given ${t}`);
  return upper ? out.toUpperCase() : out;
}

const radix = (v: unknown, base: number) => {
  const n = BigInt((v as bigint).valueOf());
  return (n < 0n ? '-' : '') + (n < 0n ? -n : n).toString(base);
};

/** One clause (after the '%'): how many characters it took and the formatted argument. */
function clause(spec: string, arg: unknown): [number, string] {
  let i = 0;
  let precision: number | undefined;
  if (spec[0] === '.') {
    i = 1;
    while (i < spec.length && /[0-9]/.test(spec[i]!)) i++;
    if (i >= spec.length)
      throw new Error('could not parse formatting clause: error while parsing precision: could not find end of precision specifier');
    precision = Number(spec.slice(1, i) || 'NaN');
    if (Number.isNaN(precision))
      throw new Error(
        'could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax',
      );
  }
  const c = spec[i]!;
  const t = typeName(arg);
  const during = (msg: string) => new Error(`error during formatting: ${msg}`);
  const special = t === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(arg as string);
  const asDouble = () => (t === 'string' ? Number(arg) : (arg as number));
  switch (c) {
    case 's':
      try {
        return [i + 1, formatString(arg)];
      } catch (e) {
        throw during((e as Error).message);
      }
    case 'd':
      if (!isInt(arg)) throw during(`decimal clause can only be used on integers, was given ${t}`);
      return [i + 1, String(arg)];
    case 'f':
      if (t !== 'double' && !special) throw during(`fixed-point clause can only be used on doubles, was given ${t}`);
      return [i + 1, fixed(asDouble(), precision ?? DEFAULT_PRECISION)];
    case 'e':
      if (t !== 'double' && !special) throw during(`scientific clause can only be used on doubles, was given ${t}`);
      return [i + 1, scientific(asDouble(), precision ?? DEFAULT_PRECISION)];
    case 'b':
      if (t === 'bool') return [i + 1, arg ? '1' : '0'];
      if (!isInt(arg)) throw during(`only integers and bools can be formatted as binary, was given ${t}`);
      return [i + 1, radix(arg, 2)];
    case 'o':
      if (!isInt(arg)) throw during(`octal clause can only be used on integers, was given ${t}`);
      return [i + 1, radix(arg, 8)];
    case 'x':
    case 'X':
      try {
        return [i + 1, hex(arg, c === 'X')];
      } catch (e) {
        throw during((e as Error).message);
      }
    default:
      throw new Error(`could not parse formatting clause: unrecognized formatting clause "${c}"`);
  }
}

/** `<string>.format(<list>)`. */
export function formatCEL(format: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  for (let i = 0; i < format.length;) {
    if (format[i] !== '%') {
      out += format[i++];
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argIndex >= args.length) throw new Error(`index ${argIndex} out of range`);
    if (i + 1 >= format.length) throw new Error('unexpected end of string');
    const [read, text] = clause(format.slice(i + 1), args[argIndex]);
    out += text;
    i += read + 1;
    argIndex++;
  }
  return out;
}

/** strings.quote: a double-quoted CEL string literal (invalid UTF-16 as U+FFFD). */
export function quoteCEL(s: string): string {
  let out = '"';
  for (const ch of s) {
    const lone = ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff;
    out += lone ? '\ufffd' : (C_ESCAPES[ch] ?? ch);
  }
  return `${out}"`;
}

export function registerStringsLibrary(env: Environment): void {
  const ns = registerNamespace(env, 'strings');
  registerFunctions(env, [
    { name: 'format', receiverType: 'string', returnType: 'string', params: ['list'], handler: formatCEL },
    { name: 'quote', receiverType: ns, returnType: 'string', params: ['string'], handler: (_: unknown, s: string) => quoteCEL(s) },
  ]);
}
