// Kubernetes' semver CEL library (src/admission/cel/library/semver.ts), table-driven from upstream's semver_test.go
// and blang/semver's ordering.
import { celRun } from '../support/cel.js';

const CASES: [string, unknown][] = [
  ['string(semver("1.2.3").major()) + "." + string(semver("1.2.3").minor())', '1.2'],
  ['isSemver("1.2.3-beta.1+build.1")', true],
  ['isSemver("")', false],
  ['isSemver("v1.0.0")', false],
  ['isSemver(" 1.0.0")', false],
  ['isSemver("1. 0.0")', false],
  ['isSemver("1.0.0 ")', false],
  ['isSemver("01.01.01")', false],
  ['isSemver("1")', false],
  ['isSemver("1.1")', false],
  ['isSemver("", true)', false],
  ['isSemver(" 1.0.0", true)', false],
  ['isSemver("1. 0.0", true)', false],
  ['isSemver("1.0.0 ", true)', false],
  ['isSemver("v1.0.0", true)', true],
  ['isSemver("01.01.01", true)', true],
  ['isSemver("1", true)', true],
  ['isSemver("1.1", true)', true],
  ['isSemver("1.1-beta", true)', false],
  ['semver("v01.01", true) == semver("1.1.0")', true],
  ['semver("1.2.3") == semver("1.2.3")', true],
  ['semver("1.2.3") == semver("1.0.0")', false],
  ['semver("1.2.3+a") == semver("1.2.3+b")', true],
  ['semver("1.0.0").isLessThan(semver("1.2.3"))', true],
  ['semver("1.0.0").isLessThan(semver("1.0.0"))', false],
  ['semver("1.2.3").isGreaterThan(semver("1.0.0"))', true],
  ['semver("1.0.0").isGreaterThan(semver("1.0.0"))', false],
  ['semver("1.2.3").compareTo(semver("1.2.3"))', 0n],
  ['semver("1.0.0").compareTo(semver("1.2.3"))', -1n],
  ['semver("1.2.3").compareTo(semver("1.0.0"))', 1n],
  ['semver("1.2.3").major()', 1n],
  ['semver("1.2.3").minor()', 2n],
  ['semver("1.2.3").patch()', 3n],
  // semver.org's precedence example: 1.0.0-alpha < alpha.1 < alpha.beta < beta < beta.2 < beta.11 < rc.1 < 1.0.0
  [
    '[semver("1.0.0-alpha"), semver("1.0.0-alpha.1"), semver("1.0.0-alpha.beta"), semver("1.0.0-beta"), semver("1.0.0-beta.2"), semver("1.0.0-beta.11"), semver("1.0.0-rc.1"), semver("1.0.0")].all(v, v == semver("1.0.0") || v.isLessThan(semver("1.0.0")))',
    true,
  ],
  ['semver("1.0.0-alpha").isLessThan(semver("1.0.0-alpha.1"))', true],
  ['semver("1.0.0-alpha.1").isLessThan(semver("1.0.0-alpha.beta"))', true],
  ['semver("1.0.0-beta.2").isLessThan(semver("1.0.0-beta.11"))', true],
  ['semver("1.0.0-rc.1").isLessThan(semver("1.0.0"))', true],
];

const ERRORS: [string, string][] = [
  ['semver("v1.0")', 'No Major.Minor.Patch elements found'],
  ['semver("")', 'Version string empty'],
  ['semver("1.02.3")', 'Minor number must not contain leading zeroes "02"'],
  ['semver("1.x.3")', 'Invalid character(s) found in minor number "x"'],
  ['semver("1.2.3-")', 'Prerelease is empty'],
  ['semver("1.2.3-01")', 'Numeric PreRelease version must not contain leading zeroes "01"'],
  ['semver("1.2.3+a_b")', 'Invalid character(s) found in build meta data "a_b"'],
  ['semver("1.0-rc", true)', 'short version cannot contain PreRelease/Build meta data'],
];

describe('semver library', () => {
  it.each(CASES)('%s', (expr, want) => expect(celRun(expr)).toEqual({ value: want }));
  it.each(ERRORS)('%s fails', (expr, msg) => expect(celRun(expr).error).toContain(msg));
  it('refuses a list at compile time', () => {
    expect(celRun('isSemver([1, 2, 3])').compileError).toMatch(/no matching overload/);
  });
});
