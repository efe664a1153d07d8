// The authorizer library's fieldSelector/labelSelector (AuthzSelectors): a parsed field selector reaches the
// authorizer's attributes, one that does not parse adds nothing; label selectors parse but do not change the check.
import { admissionVariables, compileAdmissionExpression } from '../../src/admission/cel/environment.js';
import type { Authorizer, RequestAttributes } from '../../src/authorization/types.js';
import { celAttributes } from '../support/cel.js';

const seen: RequestAttributes[] = [];
const authorizer: Authorizer = {
  // A Node-authorizer-like rule: lists of pods are allowed only when scoped to node-1.
  authorize: (_user, attrs) => {
    seen.push(attrs);
    return { allowed: attrs.verb !== 'list' || attrs.fieldSelector === 'spec.nodeName=node-1' };
  },
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};
const attrs = celAttributes();
const run = (e: string) => {
  const c = compileAdmissionExpression(e, 'policy');
  if (c.compileError) throw new Error(c.compileError);
  return c.evaluate(admissionVariables(attrs, { params: null, authorizer }));
};

test('fieldSelector reaches the authorizer; an unparsable one adds no requirement', () => {
  const pods = "authorizer.group('').resource('pods')";
  expect(run(`${pods}.fieldSelector('spec.nodeName=node-1').check('list').allowed()`)).toBe(true);
  expect(seen.at(-1)).toMatchObject({ verb: 'list', resource: 'pods', fieldSelector: 'spec.nodeName=node-1' });
  expect(run(`${pods}.fieldSelector('spec.nodeName=node-2').check('list').allowed()`)).toBe(false);
  expect(run(`${pods}.fieldSelector('no operator here').check('list').allowed()`)).toBe(false);
  expect(seen.at(-1)!.fieldSelector).toBeUndefined();
});

test('labelSelector parses and leaves the check as it is', () => {
  expect(run("authorizer.group('').resource('pods').labelSelector('app in (a, b)').check('get').allowed()")).toBe(true);
  expect(run("authorizer.group('').resource('pods').labelSelector('app in (').check('get').allowed()")).toBe(true);
  expect(seen.at(-1)).toMatchObject({ verb: 'get', resource: 'pods' });
});
