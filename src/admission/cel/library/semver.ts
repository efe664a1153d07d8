// Kubernetes' semver library (k8s.io/apiserver/pkg/cel/library/semverlib.go, SemverVersion(1), in 1.33's base
// environment): semver()/isSemver() with the optional normalize flag, major/minor/patch, comparisons and equality,
// parsing as blang/semver v4 does (its error texts).
import type { Environment } from '@marcbachmann/cel-js';
import { registerFunctions } from './register.js';

export const SEMVER_TYPE = 'kubernetes.Semver';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Pre-release identifiers: numbers as bigint, others as strings. */
  pre: (bigint | string)[];
  build: string[];
}

/** A semantic version as a CEL value. */
export class CelSemver {
  static readonly celTypeName = SEMVER_TYPE;
  constructor(readonly v: Version) {}
  toString(): string {
    const { major, minor, patch, pre, build } = this.v;
    return `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build.length ? `+${build.join('.')}` : ''}`;
  }
}

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[0-9A-Za-z-]*$/;
const leadingZero = (s: string) => s.length > 1 && s[0] === '0';
const q = JSON.stringify;

function number(s: string, what: string): bigint {
  if (!NUMBERS.test(s)) throw new Error(`Invalid character(s) found in ${what.toLowerCase()} number ${q(s)}`);
  if (leadingZero(s)) throw new Error(`${what} number must not contain leading zeroes ${q(s)}`);
  if (s === '') throw new Error('strconv.ParseUint: parsing "": invalid syntax');
  return BigInt(s);
}

/** blang/semver's Parse. */
export function parseSemver(s: string): Version {
  if (s === '') throw new Error('Version string empty');
  const dot1 = s.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : s.indexOf('.', dot1 + 1);
  if (dot2 < 0) throw new Error('No Major.Minor.Patch elements found');
  const major = number(s.slice(0, dot1), 'Major');
  const minor = number(s.slice(dot1 + 1, dot2), 'Minor');
  let rest = s.slice(dot2 + 1);
  let build: string[] = [];
  let preParts: string[] = [];
  const plus = rest.indexOf('+');
  if (plus >= 0) [rest, build] = [rest.slice(0, plus), rest.slice(plus + 1).split('.')];
  const dash = rest.indexOf('-');
  if (dash >= 0) [rest, preParts] = [rest.slice(0, dash), rest.slice(dash + 1).split('.')];
  const patch = number(rest, 'Patch');
  const pre = preParts.map((p) => {
    if (p === '') throw new Error('Prerelease is empty');
    if (NUMBERS.test(p)) {
      if (leadingZero(p)) throw new Error(`Numeric PreRelease version must not contain leading zeroes ${q(p)}`);
      return BigInt(p);
    }
    if (ALPHANUM.test(p)) return p;
    throw new Error(`Invalid character(s) found in prerelease ${q(p)}`);
  });
  for (const b of build) {
    if (b === '') throw new Error('Build meta data is empty');
    if (!ALPHANUM.test(b)) throw new Error(`Invalid character(s) found in build meta data ${q(b)}`);
  }
  return { major, minor, patch, pre, build };
}

/** normalizeAndParse: no "v" prefix, leading zeros dropped, missing minor/patch as 0. */
export function normalizeAndParse(s: string): Version {
  const parts = (s.startsWith('v') ? s.slice(1) : s).split('.');
  const split = parts.length > 3 ? [...parts.slice(0, 2), parts.slice(2).join('.')] : parts;
  const trimmed = split.map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t === '' || !/[0-9]/.test(t[0]!) ? `0${t}` : t;
  });
  if (trimmed.length < 3) {
    if (/[+-]/.test(trimmed[trimmed.length - 1]!)) throw new Error('short version cannot contain PreRelease/Build meta data');
    while (trimmed.length < 3) trimmed.push('0');
  }
  return parseSemver(trimmed.join('.'));
}

const sign = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Version.Compare: major, minor, patch, then pre-release (none is greater; numbers before strings; shorter first). */
export function compareSemver(a: Version, b: Version): number {
  const c = sign(a.major, b.major) || sign(a.minor, b.minor) || sign(a.patch, b.patch);
  if (c) return c;
  if (!a.pre.length || !b.pre.length) return a.pre.length === b.pre.length ? 0 : a.pre.length ? -1 : 1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i]!, b.pre[i]!];
    if (typeof x === typeof y) {
      const d = x < y ? -1 : x > y ? 1 : 0;
      if (d) return d;
    } else return typeof x === 'bigint' ? -1 : 1;
  }
  return sign(BigInt(a.pre.length), BigInt(b.pre.length));
}

const parse = (s: string, normalize: boolean) => new CelSemver(normalize ? normalizeAndParse(s) : parseSemver(s));
const valid = (s: string, normalize: boolean) => {
  try {
    parse(s, normalize);
    return true;
  } catch {
    return false;
  }
};

export function registerSemverLibrary(env: Environment): void {
  env.registerType(SEMVER_TYPE, CelSemver);
  const cmp = (a: CelSemver, b: CelSemver) => compareSemver(a.v, b.v);
  registerFunctions(env, [
    { name: 'semver', returnType: SEMVER_TYPE, params: ['string'], handler: (s: string) => parse(s, false) },
    { name: 'semver', returnType: SEMVER_TYPE, params: ['string', 'bool'], handler: parse },
    { name: 'isSemver', returnType: 'bool', params: ['string'], handler: (s: string) => valid(s, false) },
    { name: 'isSemver', returnType: 'bool', params: ['string', 'bool'], handler: valid },
    { name: 'major', receiverType: SEMVER_TYPE, returnType: 'int', params: [], handler: (v: CelSemver) => v.v.major },
    { name: 'minor', receiverType: SEMVER_TYPE, returnType: 'int', params: [], handler: (v: CelSemver) => v.v.minor },
    { name: 'patch', receiverType: SEMVER_TYPE, returnType: 'int', params: [], handler: (v: CelSemver) => v.v.patch },
    {
      name: 'isLessThan',
      receiverType: SEMVER_TYPE,
      returnType: 'bool',
      params: [SEMVER_TYPE],
      handler: (a: CelSemver, b: CelSemver) => cmp(a, b) < 0,
    },
    {
      name: 'isGreaterThan',
      receiverType: SEMVER_TYPE,
      returnType: 'bool',
      params: [SEMVER_TYPE],
      handler: (a: CelSemver, b: CelSemver) => cmp(a, b) > 0,
    },
    {
      name: 'compareTo',
      receiverType: SEMVER_TYPE,
      returnType: 'int',
      params: [SEMVER_TYPE],
      handler: (a: CelSemver, b: CelSemver) => BigInt(cmp(a, b)),
    },
  ]);
  env.registerOperator(`${SEMVER_TYPE} == ${SEMVER_TYPE}`, (a: CelSemver, b: CelSemver) => cmp(a, b) === 0);
}
