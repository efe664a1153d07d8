// Kubernetes' format library (k8s.io/apiserver/pkg/cel/library/format.go): `format.<name>()` and
// `format.named(name)` give a named format whose `validate(s)` is optional.none() for a valid string, or
// optional.of(list of error messages) as apimachinery's validators (and kube-openapi's strfmt) word them.
import { Optional, type Environment } from '@marcbachmann/cel-js';
import {
  isQualifiedName,
  isValidLabelValue,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from '../../../registry/strategies/common/names.js';
import { parseRequestURI } from './go-url.js';
import { registerFunctions, registerNamespace } from './register.js';

export const FORMAT_TYPE = 'kubernetes.NamedFormat';

/** A named format as a CEL value (one instance per name, so equality is identity). */
export class CelFormat {
  static readonly celTypeName = FORMAT_TYPE;
  constructor(
    readonly name: string,
    readonly validate: (s: string) => string[],
  ) {}
  toString(): string {
    return this.name;
  }
}

const check = (ok: (s: string) => boolean, message: string) => (s: string) => (ok(s) ? [] : [message]);

/** time.Parse("2006-01-02", s): four-digit year, two-digit month and a day that month has. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** strfmt.IsDateTime: a date, a 't' and hh:mm:ss[.frac] with 'z' or ±hh:mm (case-insensitive). */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(parts[1]!);
  return !!m && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const FORMATS: Record<string, CelFormat> = {
  dns1123Label: new CelFormat('DNS1123Label', (s) => nameIsDNSLabel(s, false)),
  dns1123Subdomain: new CelFormat('DNS1123Subdomain', (s) => nameIsDNSSubdomain(s, false)),
  dns1035Label: new CelFormat('DNS1035Label', (s) => nameIsDNS1035Label(s, false)),
  qualifiedName: new CelFormat('QualifiedName', isQualifiedName),
  dns1123LabelPrefix: new CelFormat('DNS1123LabelPrefix', (s) => nameIsDNSLabel(s, true)),
  dns1123SubdomainPrefix: new CelFormat('DNS1123SubdomainPrefix', (s) => nameIsDNSSubdomain(s, true)),
  dns1035LabelPrefix: new CelFormat('DNS1035LabelPrefix', (s) => nameIsDNS1035Label(s, true)),
  labelValue: new CelFormat('LabelValue', isValidLabelValue),
  uri: new CelFormat('URI', (s) => {
    try {
      parseRequestURI(s);
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  }),
  uuid: new CelFormat(
    'uuid',
    check((s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s), 'does not match the UUID format'),
  ),
  byte: new CelFormat(
    'byte',
    check((s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(s), 'invalid base64'),
  ),
  date: new CelFormat('date', check(isDate, 'invalid date')),
  datetime: new CelFormat('datetime', check(isDateTime, 'invalid datetime')),
};

/** The names `format.named()` knows (upstream's ConstantFormats). */
export const FORMAT_NAMES = Object.keys(FORMATS);

export function registerFormatLibrary(env: Environment): void {
  env.registerType(FORMAT_TYPE, CelFormat);
  const ns = registerNamespace(env, 'format');
  registerFunctions(env, [
    ...Object.entries(FORMATS).map(([name, f]) => ({ name, receiverType: ns, returnType: FORMAT_TYPE, params: [], handler: () => f })),
    {
      name: 'named',
      receiverType: ns,
      returnType: `optional<${FORMAT_TYPE}>`,
      params: ['string'],
      handler: (_: unknown, name: string) => (Object.hasOwn(FORMATS, name) ? Optional.of(FORMATS[name]) : Optional.none()),
    },
    {
      name: 'validate',
      receiverType: FORMAT_TYPE,
      returnType: 'optional<list<string>>',
      params: ['string'],
      handler: (f: CelFormat, s: string) => {
        const errs = f.validate(s);
        return errs.length ? Optional.of(errs) : Optional.none();
      },
    },
  ]);
  env.registerOperator(`${FORMAT_TYPE} == ${FORMAT_TYPE}`, (a: CelFormat, b: CelFormat) => a === b);
}
