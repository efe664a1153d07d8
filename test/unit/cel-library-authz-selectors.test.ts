// The authorizer library's fieldSelector/labelSelector (AuthzSelectors): a parsed field selector reaches the
// authorizer's attributes, one that does not parse adds nothing; label selectors parse but do not change the check.
import type { AdmissionAttributes } from '../../src/admission/chain.js';
import { admissionVariables, compileAdmissionExpression } from '../../src/admission/cel/environment.js';
import type { Authorizer, RequestAttributes } from '../../src/authorization/types.js';
import type { KObject } from '../../src/registry/types.js';

const seen: RequestAttributes[] = [];
const authorizer: Authorizer = {
  // A Node-authorizer-like rule: lists of pods are allowed only when scoped to node-1.
  authorize: (_user, attrs) => {
    seen.push(attrs);
    return { allowed: attrs.verb !== 'list' || attrs.fieldSelector === 'spec.nodeName=node-1' };
  },
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};
const attrs: AdmissionAttributes = {
  operation: 'CREATE',
  kind: { group: '', version: 'v1', kind: 'ConfigMap' },
  resource: { group: '', version: 'v1', resource: 'configmaps' },
  subresource: '',
  namespace: 'n',
  name: 'x',
  object: { metadata: { name: 'x' } } as KObject,
  user: { name: 'u', groups: [] },
  dryRun: false,
  warnings: [],
};
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
