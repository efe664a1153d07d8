// The `authorizer` CEL variable (k8s.io/apiserver/pkg/cel/library authz): checks whether the requesting user (or a
// service account) may do something, through the server's one Authorizer. Our Authorizer is synchronous and never
// fails, so `errored()` is always false.
import type { Environment } from '@marcbachmann/cel-js';
import type { Authorizer, RequestAttributes } from '../../authorization/types.js';
import type { UserInfo } from '../../machinery/api/user.js';
import { parseFieldSelector } from '../../machinery/fields.js';
import { parseLabelSelector } from '../../machinery/labels.js';

const NS = 'kubernetes.authorization.';
export const AUTHORIZER_TYPE = `${NS}Authorizer`;
const PATH_CHECK = `${NS}PathCheck`;
const GROUP_CHECK = `${NS}GroupCheck`;
const RESOURCE_CHECK = `${NS}ResourceCheck`;
const DECISION = `${NS}Decision`;

export class CelDecision {
  constructor(
    readonly allowed: boolean,
    readonly reason: string,
  ) {}
}

export class PathCheck {
  constructor(
    readonly authz: CelAuthorizer,
    readonly path: string,
  ) {}
}

export class GroupCheck {
  constructor(
    readonly authz: CelAuthorizer,
    readonly group: string,
  ) {}
}

/** An immutable resource check: every builder call returns a new one, as upstream's. */
export class ResourceCheck {
  constructor(
    readonly authz: CelAuthorizer,
    readonly attrs: Omit<RequestAttributes, 'verb'>,
  ) {}
  with(change: Partial<RequestAttributes>): ResourceCheck {
    return new ResourceCheck(this.authz, { ...this.attrs, ...change });
  }
}

export class CelAuthorizer {
  /** `authorizer.requestResource`: the request's own resource, set for admission requests. */
  requestResource: ResourceCheck | null = null;
  constructor(
    readonly authorizer: Authorizer,
    readonly user: UserInfo,
  ) {}
  decide(attrs: RequestAttributes): CelDecision {
    const d = this.authorizer.authorize(this.user, attrs);
    return new CelDecision(d.allowed, d.reason ?? '');
  }
}

/** The authorizer for a request's user, with `requestResource` pointing at what the request touches. */
export function celAuthorizer(
  authorizer: Authorizer,
  user: UserInfo,
  request?: { group: string; version: string; resource: string; subresource: string; namespace: string; name: string },
): CelAuthorizer {
  const a = new CelAuthorizer(authorizer, user);
  if (request) {
    a.requestResource = new ResourceCheck(a, {
      resourceRequest: true,
      apiGroup: request.group,
      apiVersion: request.version,
      resource: request.resource,
      subresource: request.subresource,
      namespace: request.namespace,
      name: request.name,
    });
  }
  return a;
}

const method = (receiverType: string, name: string, returnType: string, params: string[], handler: (...a: never[]) => unknown) => ({
  name,
  receiverType,
  returnType,
  params: params.map((type, i) => ({ name: `a${i}`, type })),
  handler: handler as (...a: unknown[]) => unknown,
});

const parses = (f: () => unknown) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

/** Registers the library's types and functions on a CEL environment. */
export function registerAuthorizerLibrary(env: Environment): Environment {
  env
    .registerType(DECISION, CelDecision)
    .registerType(PATH_CHECK, PathCheck)
    .registerType(GROUP_CHECK, GroupCheck)
    .registerType(RESOURCE_CHECK, ResourceCheck)
    .registerType(AUTHORIZER_TYPE, { ctor: CelAuthorizer, fields: { requestResource: RESOURCE_CHECK } });
  const fns = [
    method(AUTHORIZER_TYPE, 'path', PATH_CHECK, ['string'], (a: CelAuthorizer, p: string) => new PathCheck(a, p)),
    method(AUTHORIZER_TYPE, 'group', GROUP_CHECK, ['string'], (a: CelAuthorizer, g: string) => new GroupCheck(a, g)),
    method(AUTHORIZER_TYPE, 'serviceAccount', AUTHORIZER_TYPE, ['string', 'string'], (a: CelAuthorizer, ns: string, name: string) => {
      const user = { name: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] };
      return new CelAuthorizer(a.authorizer, user);
    }),
    method(
      GROUP_CHECK,
      'resource',
      RESOURCE_CHECK,
      ['string'],
      (g: GroupCheck, r: string) => new ResourceCheck(g.authz, { resourceRequest: true, apiGroup: g.group, apiVersion: '*', resource: r }),
    ),
    method(RESOURCE_CHECK, 'subresource', RESOURCE_CHECK, ['string'], (c: ResourceCheck, s: string) => c.with({ subresource: s })),
    method(RESOURCE_CHECK, 'namespace', RESOURCE_CHECK, ['string'], (c: ResourceCheck, ns: string) => c.with({ namespace: ns })),
    method(RESOURCE_CHECK, 'name', RESOURCE_CHECK, ['string'], (c: ResourceCheck, n: string) => c.with({ name: n })),
    // AuthzSelectors (on by default since 1.32): a selector that does not parse adds no requirement, as upstream. The
    // field selector reaches the authorizer (the Node authorizer reads it); RBAC, like upstream's, ignores both.
    method(RESOURCE_CHECK, 'fieldSelector', RESOURCE_CHECK, ['string'], (c: ResourceCheck, s: string) =>
      parses(() => parseFieldSelector(s)) ? c.with({ fieldSelector: s }) : c,
    ),
    method(RESOURCE_CHECK, 'labelSelector', RESOURCE_CHECK, ['string'], (c: ResourceCheck, s: string) => {
      parses(() => parseLabelSelector(s));
      return c;
    }),
    method(RESOURCE_CHECK, 'check', DECISION, ['string'], (c: ResourceCheck, verb: string) => c.authz.decide({ ...c.attrs, verb })),
    method(PATH_CHECK, 'check', DECISION, ['string'], (c: PathCheck, verb: string) =>
      c.authz.decide({ verb, resourceRequest: false, path: c.path }),
    ),
    method(DECISION, 'allowed', 'bool', [], (d: CelDecision) => d.allowed),
    method(DECISION, 'reason', 'string', [], (d: CelDecision) => d.reason),
    method(DECISION, 'errored', 'bool', [], () => false),
    method(DECISION, 'error', 'string', [], () => ''),
  ];
  for (const f of fns) env.registerFunction(f);
  return env;
}
