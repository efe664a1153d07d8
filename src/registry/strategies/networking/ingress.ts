// networking.k8s.io/v1 Ingress and IngressClass (pkg/apis/networking/validation): rules, paths, backends, TLS hosts;
// an IngressClass' controller is immutable and its parameters reference is scoped.
import type { Strategy } from '../../types.js';
import {
  arr,
  child,
  forbidden,
  index,
  invalid,
  isObj,
  isSet,
  notSupported,
  obj,
  required,
  tooLong,
  type Errs,
  type J,
} from '../common/field.js';
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from '../common/meta.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../common/names.js';
import { statusStrategy } from '../common/status.js';
import { isValidIP } from '../common/ip.js';
import { validateLoadBalancerIngress } from './load-balancer.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

/** A host may be a DNS subdomain or a wildcard `*.subdomain`, never an IP. */
function validateHost(host: string, field: string): Errs {
  if (isValidIP(host)) return [invalid(field, host, 'must be a DNS name, not an IP address')];
  if (host.includes('*')) {
    const rest = host.startsWith('*.') ? host.slice(2) : '';
    const msgs = rest && !rest.includes('*') ? isDNS1123Subdomain(rest) : [];
    if (!rest || rest.includes('*') || msgs.length)
      return [
        invalid(
          field,
          host,
          "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
      ];
    return [];
  }
  return isDNS1123Subdomain(host).map((m) => invalid(field, host, m));
}

/** TypedLocalObjectReference (resource backends, IngressClass parameters without scope). */
function validateTypedRef(ref: J, field: string): Errs {
  const errs: Errs = [];
  if (!ref.kind) errs.push(required(child(field, 'kind')));
  else errs.push(...isPathSegment(ref.kind).map((m) => invalid(child(field, 'kind'), ref.kind, m)));
  if (!ref.name) errs.push(required(child(field, 'name')));
  else errs.push(...isPathSegment(ref.name).map((m) => invalid(child(field, 'name'), ref.name, m)));
  if (isSet(ref.apiGroup) && ref.apiGroup !== '')
    errs.push(...isDNS1123Subdomain(String(ref.apiGroup)).map((m) => invalid(child(field, 'apiGroup'), ref.apiGroup, m)));
  return errs;
}
const isPathSegment = (v: string) =>
  v === '.' || v === '..' ? [`may not be '${v}'`] : /[/%]/.test(v) ? [`may not contain '${v.includes('/') ? '/' : '%'}'`] : [];

function validateBackend(b: J, field: string): Errs {
  const errs: Errs = [];
  const hasService = isObj(b.service);
  const hasResource = isObj(b.resource);
  if (hasService && hasResource) return [invalid(field, '', 'cannot set both service and resource backends')];
  if (!hasService && !hasResource) return [invalid(field, '', 'one backend must be specified')];
  if (hasResource) return validateTypedRef(b.resource, child(field, 'resource'));
  const svc = b.service;
  const sp = child(field, 'service');
  if (!svc.name) errs.push(required(child(sp, 'name')));
  else errs.push(...isDNS1035Label(svc.name).map((m) => invalid(child(sp, 'name'), svc.name, m)));
  const port = obj(svc.port);
  const pp = child(sp, 'port');
  if (port.name && port.number) errs.push(invalid(pp, '', 'cannot set both port name & port number'));
  else if (port.name) errs.push(...isValidPortName(port.name).map((m) => invalid(child(pp, 'name'), port.name, m)));
  else if (port.number) errs.push(...isValidPortNum(port.number).map((m) => invalid(child(pp, 'number'), port.number, m)));
  else errs.push(required(pp, 'port name or number is required'));
  return errs;
}

function validateIngressSpec(spec: J): Errs {
  const errs: Errs = [];
  const rules = arr(spec.rules);
  if (!isObj(spec.defaultBackend) && rules.length === 0)
    errs.push(invalid('spec', '', 'either `defaultBackend` or `rules` must be specified'));
  if (isObj(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule: J, i) => {
    const rp = index('spec.rules', i);
    if (rule.host) errs.push(...validateHost(rule.host, child(rp, 'host')));
    if (!isObj(rule.http)) return;
    const paths = arr(rule.http.paths);
    const pp = child(rp, 'http.paths');
    if (paths.length === 0) errs.push(required(pp));
    paths.forEach((p: J, j) => {
      const f = index(pp, j);
      if (!p.pathType) errs.push(required(child(f, 'pathType'), 'pathType must be specified'));
      else if (!PATH_TYPES.includes(p.pathType)) errs.push(notSupported(child(f, 'pathType'), p.pathType, PATH_TYPES));
      else if (p.pathType !== 'ImplementationSpecific') {
        const path = String(p.path ?? '');
        if (!path.startsWith('/')) errs.push(invalid(child(f, 'path'), path, 'must be an absolute path'));
        else if (/\/\/|\/\.\.?(\/|$)/.test(path)) errs.push(invalid(child(f, 'path'), path, "must not contain '//', '/./' or '/../'"));
      } else if (p.path && !String(p.path).startsWith('/')) errs.push(invalid(child(f, 'path'), p.path, 'must be an absolute path'));
      errs.push(...validateBackend(obj(p.backend), child(f, 'backend')));
    });
  });
  arr(spec.tls).forEach((t: J, i) =>
    arr(t.hosts).forEach((h: unknown, j) => errs.push(...validateHost(String(h), index(child(index('spec.tls', i), 'hosts'), j)))),
  );
  if (isSet(spec.ingressClassName))
    errs.push(...isDNS1123Subdomain(String(spec.ingressClassName)).map((m) => invalid('spec.ingressClassName', spec.ingressClassName, m)));
  return errs;
}

export const validateIngress = (ing: J): Errs => [
  ...validateObjectMeta(ing.metadata, { namespaced: true }),
  ...validateIngressSpec(obj(ing.spec)),
];

const validateIngressStatus = (ing: J): Errs =>
  arr(ing.status?.loadBalancer?.ingress).flatMap((lb: J, i) => validateLoadBalancerIngress(lb, index('status.loadBalancer.ingress', i)));

export const ingressStrategy: Strategy = {
  prepareForCreate(o) {
    delete o.status;
  },
  validate: validateIngress,
  validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
  generationFields: ['spec'],
};
// Upstream's ingressStatusStrategy puts only the spec back: a /status write may change labels and annotations.
export const ingressStatusStrategy: Strategy = statusStrategy({
  validateUpdate: (o) => validateIngressStatus(o),
  keepsRequestLabels: true,
});

const SCOPES = ['Cluster', 'Namespace'];
const MAX_CONTROLLER_LEN = 250;

/** IsDomainPrefixedPath: `example.com/path`. */
function validateController(c: unknown): Errs {
  const f = 'spec.controller';
  if (typeof c !== 'string' || c === '') return [required(f)];
  if (c.length > MAX_CONTROLLER_LEN) return [tooLong(f, MAX_CONTROLLER_LEN)];
  const slash = c.indexOf('/');
  if (slash <= 0) return [invalid(f, c, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(c.slice(0, slash)).map((m) => invalid(f, c, m));
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(c.slice(slash + 1)))
    errs.push(invalid(f, c, 'path must consist of characters that are valid in a URL path'));
  return errs;
}

function validateIngressClassParams(p: J): Errs {
  const f = 'spec.parameters';
  const errs = validateTypedRef(p, f);
  if (!SCOPES.includes(p.scope)) {
    errs.push(p.scope ? notSupported(child(f, 'scope'), p.scope, SCOPES) : required(child(f, 'scope')));
  } else if (p.scope === 'Namespace') {
    if (!p.namespace) errs.push(required(child(f, 'namespace'), "`parameters.scope` is set to 'Namespace'"));
    else errs.push(...isDNS1123Label(p.namespace).map((m) => invalid(child(f, 'namespace'), p.namespace, m)));
  } else if (isSet(p.namespace)) errs.push(forbidden(child(f, 'namespace'), "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

export function validateIngressClass(ic: J): Errs {
  const spec = obj(ic.spec);
  const errs = [...validateObjectMeta(ic.metadata, { namespaced: false }), ...validateController(spec.controller)];
  if (isObj(spec.parameters)) errs.push(...validateIngressClassParams(spec.parameters));
  return errs;
}

export const ingressClassStrategy: Strategy = {
  defaults(o) {
    const p = (o as J).spec?.parameters;
    if (isObj(p) && !p.scope) p.scope = 'Cluster';
  },
  validate: validateIngressClass,
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(o.metadata, old.metadata),
    ...immutable((o as J).spec?.controller, (old as J).spec?.controller, 'spec.controller'),
  ],
  generationFields: ['spec'],
};
