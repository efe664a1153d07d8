// The audit-style line written for each 403: who, what, where, and the authorizer's reason.
import type { IncomingMessage } from 'node:http';
import { denialEvent, logDenials } from '../../src/api/denial-audit.js';
import { impersonate } from '../../src/api/impersonation.js';
import { forbiddenError, requireAuthorized } from '../../src/authorization/authorizer.js';
import type { Authorizer } from '../../src/authorization/types.js';
import { StatusError, forbidden, notFound } from '../../src/machinery/api/errors.js';

const req = { url: '/api/v1/namespaces/default/secrets/s', method: 'GET' } as IncomingMessage;
const node = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const attrs = { verb: 'get', resourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: 'secrets', namespace: 'default', name: 's' };
const REASON = "no relationship found between node 'n1' and this object";

test('a denial carries the user, the request and the reason into the event', () => {
  const deny: Authorizer = {
    authorize: () => ({ allowed: false, reason: REASON }),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  };
  let thrown: unknown;
  try {
    requireAuthorized(deny, node, attrs);
  } catch (e) {
    thrown = e;
  }
  // The reason follows the sentence, as responsewriters.Forbidden writes it.
  expect((thrown as Error).message).toBe(
    `secrets "s" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": ${REASON}`,
  );
  expect(denialEvent(thrown, req)).toEqual({
    level: 'Metadata',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/secrets/s',
    verb: 'get',
    user: { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] },
    objectRef: { resource: 'secrets', namespace: 'default', name: 's', apiVersion: 'v1' },
    responseStatus: { code: 403, status: 'Failure', reason: 'Forbidden', message: (thrown as Error).message },
    annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': REASON },
  });
});

test('one log line per 403, none for other errors; a 403 raised outside authorization still logs', () => {
  const lines: { obj: object; msg: string }[] = [];
  const hook = logDenials({ info: (obj, msg) => lines.push({ obj, msg }) });
  hook(forbiddenError({ name: 'bob', groups: [] }, { verb: 'list', resourceRequest: true, resource: 'pods', apiGroup: '' }), req);
  hook(notFound({ group: '', resource: 'pods' }, 'x') as StatusError, req);
  hook(forbidden('node "n1" is not allowed to modify node "n2"'), req);
  expect(lines.map((l) => l.msg)).toEqual(['forbidden', 'forbidden']);
  expect((lines[0]!.obj as { audit: { user: { username: string } } }).audit.user.username).toBe('bob');
  expect((lines[1]!.obj as { audit: { verb: string } }).audit.verb).toBe('get');
});

test('a denial of an impersonated request names who asked and whom it acted as', () => {
  const admin = { name: 'admin', groups: ['system:masters'] };
  const allowImpersonation: Authorizer = {
    authorize: (_u, a) => ({ allowed: a.verb === 'impersonate' }),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  };
  const impersonated = {
    url: '/api/v1/namespaces/default/pods',
    method: 'GET',
    headers: { 'impersonate-user': 'bob' },
    headersDistinct: { 'impersonate-user': ['bob'] },
  } as unknown as IncomingMessage;
  const bob = impersonate(impersonated, admin, allowImpersonation);
  let thrown: unknown;
  try {
    requireAuthorized(allowImpersonation, bob, {
      verb: 'list',
      resourceRequest: true,
      apiGroup: '',
      resource: 'pods',
      namespace: 'default',
    });
  } catch (e) {
    thrown = e;
  }
  const event = denialEvent(thrown, impersonated)!;
  expect(event.user).toEqual({ username: 'admin', groups: ['system:masters'] });
  expect(event.impersonatedUser).toEqual({ username: 'bob', groups: ['system:authenticated'] });
});
