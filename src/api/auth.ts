// Authentication (who is calling) and a minimal authorization (may they do it), kept apart so RBAC can replace the latter.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Pki } from '../pki/certs.js';
import { ADMIN_USER, MONITORING_USER, VIEWER_USER } from '../pki/identities.js';
import type { UserInfo } from '../registry/types.js';
import { forbidden, type StatusError, type StatusDetails } from './errors.js';

export { ADMIN_USER, MONITORING_USER, VIEWER_USER, ANONYMOUS_USER } from '../pki/identities.js';

/** Synchronous for certificates and static tokens; a promise when a service account token needs store lookups. */
export type Authenticator = (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;
/** Checks a bearer token that is not one of the static ones (service account JWTs). */
export type TokenAuthenticator = (token: string) => Promise<UserInfo | undefined>;

const AUTHENTICATED = 'system:authenticated';
const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
/** Browsers cannot set headers on WebSockets, so Kubernetes also takes the token as a subprotocol. */
const WS_TOKEN_PREFIX = 'base64url.bearer.authorization.k8s.io.';

const digest = (s: string) => createHash('sha256').update(s).digest();
const withAuthenticatedGroup = (u: UserInfo): UserInfo =>
  u.groups.includes(AUTHENTICATED) ? u : { ...u, groups: [...u.groups, AUTHENTICATED] };

/** The bearer token of a request: `Authorization: Bearer <t>`, or the WebSocket subprotocol form. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization?.trim();
  if (header) {
    const [scheme, token] = header.split(/ +/, 3);
    if (scheme?.toLowerCase() === 'bearer' && token) return token;
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',')) {
      const v = p.trim();
      if (v.startsWith(WS_TOKEN_PREFIX)) {
        const token = Buffer.from(v.slice(WS_TOKEN_PREFIX.length), 'base64url').toString('utf8');
        if (token) return token;
      }
    }
  }
  return undefined;
}

/** The user of a client certificate our CA signed (the TLS layer verified it): CN is the name, O values the groups. */
function certificateUser(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.subject) return undefined;
  // Like the x509 authenticator, accept only certificates meant for client authentication.
  if (peer.ext_key_usage && !peer.ext_key_usage.includes(CLIENT_AUTH_EKU)) return undefined;
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const name = list(peer.subject.CN)[0];
  if (!name) return undefined;
  return { name, groups: list(peer.subject.O) };
}

/**
 * Authenticates a request as Kubernetes' union authenticator would with x509 before static tokens: a verified client
 * certificate first, then a bearer token. Undefined when neither identifies a user; the caller then answers 401,
 * or serves the request as system:anonymous on `isAnonymousAllowedPath` paths when no credentials were presented.
 */
export function createAuthenticator(pki: Pki, opts: { serviceAccountTokens?: TokenAuthenticator } = {}): Authenticator {
  const table = ([[pki.tokens.admin, ADMIN_USER], [pki.tokens.viewer, VIEWER_USER], [pki.tokens.monitoring, MONITORING_USER]] as const)
    .filter(([token]) => !!token).map(([token, user]) => ({ hash: digest(token), user }));
  // One verification per connection: the peer certificate cannot change on a kept-alive socket.
  const bySocket = new WeakMap<object, UserInfo | null>();

  return (req) => {
    let certUser = bySocket.get(req.socket);
    if (certUser === undefined) {
      certUser = certificateUser(req) ?? null;
      bySocket.set(req.socket, certUser);
    }
    if (certUser) return withAuthenticatedGroup(certUser);

    const token = bearerToken(req);
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: UserInfo | undefined;
    // Compare against every entry without stopping early, so timing reveals nothing about which token is near.
    for (const entry of table) if (timingSafeEqual(entry.hash, presented)) found = entry.user;
    if (found) return withAuthenticatedGroup(found);
    // Then the service account token authenticator (after static tokens, as kube-apiserver's union orders them).
    return opts.serviceAccountTokens?.(token).then((u) => u && withAuthenticatedGroup(u), () => undefined);
  };
}

/** True when the request carries credentials at all (a bad token must get 401, never anonymous access). */
export function hasCredentials(req: IncomingMessage): boolean {
  return bearerToken(req) !== undefined || !!(req.socket as Partial<TLSSocket>).getPeerCertificate?.()?.subject;
}

const PUBLIC_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

/** Paths anyone may read without credentials (Kubernetes' system:public-info-viewer). */
export function isAnonymousAllowedPath(path: string): boolean {
  const p = path.split('?')[0]!;
  return PUBLIC_PATHS.some((base) => p === base || p.startsWith(`${base}/`));
}

// ---- authorization ----

/** What a request does, as the apiserver's RequestInfo / authorizer.Attributes describe it. */
export interface RequestAttributes {
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection...) for resource requests;
   * the lower-case HTTP method for non-resource paths. */
  verb: string;
  resourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Request path; what non-resource requests are judged by. */
  path?: string;
}

export interface Decision { allowed: boolean; reason?: string }
export type Authorizer = (user: UserInfo, attrs: RequestAttributes) => Decision;

const READ_VERBS = new Set(['get', 'list', 'watch']);
/** Non-resource paths any authenticated user may GET (system:discovery, system:public-info-viewer). */
const DISCOVERY_PATHS = ['/api', '/apis', '/openapi', ...PUBLIC_PATHS];
/** system:monitoring's non-resource URLs (the ClusterRole of that name, bound to the group of that name). */
const MONITORING_GROUP = 'system:monitoring';
const MONITORING_PATHS = ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz'];
const MONITORING_URLS = ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'];
const isMonitoringPath = (path: string) =>
  MONITORING_PATHS.includes(path) || ['/livez', '/readyz', '/healthz'].some((b) => path.startsWith(`${b}/`));
/** Self-inspection every authenticated user may create (system:basic-user): `kubectl auth can-i`, `auth whoami`. */
const SELF_REVIEWS = new Set(['authorization.k8s.io/selfsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews', 'authentication.k8s.io/selfsubjectreviews']);

const underAny = (path: string, bases: string[]) => bases.some((b) => path === b || path.startsWith(`${b}/`));

/**
 * The built-in policy, standing in for RBAC (the one place it lives): system:masters may do anything; dockube:viewers may read every
 * resource except secrets (as Kubernetes' `view` role); every authenticated user may read discovery and health
 * paths and review its own permissions — all a service account (system:serviceaccount:NS:NAME, groups
 * system:serviceaccounts[:NS]) gets, as under Kubernetes' default RBAC; the system:monitoring group may also GET
 * /metrics (nobody else but system:masters may); anonymous users may read health and version only.
 */
export const authorize: Authorizer = (user, attrs) => {
  if (user.groups.includes('system:masters')) return { allowed: true };
  const authenticated = user.groups.includes(AUTHENTICATED);
  if (!attrs.resourceRequest) {
    const path = (attrs.path ?? '').split('?')[0]!;
    if (attrs.verb !== 'get' && attrs.verb !== 'head') return { allowed: false };
    if (user.groups.includes(MONITORING_GROUP) && isMonitoringPath(path)) return { allowed: true };
    return { allowed: authenticated ? underAny(path, DISCOVERY_PATHS) : isAnonymousAllowedPath(path) };
  }
  if (!authenticated) return { allowed: false };
  if (attrs.verb === 'create' && !attrs.subresource && SELF_REVIEWS.has(`${attrs.apiGroup ?? ''}/${attrs.resource ?? ''}`)) return { allowed: true };
  if (user.groups.includes(VIEWER_USER.groups[0]!) && READ_VERBS.has(attrs.verb) && attrs.resource !== 'secrets') return { allowed: true };
  return { allowed: false };
};

// Quotes are fine, but nothing in the message may look like HTML.
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const q = (s: string | undefined) => JSON.stringify(s ?? '');

/** The apiserver's denial sentence: `User "bob" cannot create resource "pods" in API group "" in the namespace "default"`. */
export function forbiddenMessage(user: UserInfo | undefined, attrs: RequestAttributes): string {
  const who = q(user?.name);
  if (!attrs.resourceRequest) return `User ${who} cannot ${attrs.verb} path ${q(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace ${q(attrs.namespace)}` : 'at the cluster scope';
  return `User ${who} cannot ${attrs.verb} resource ${q(resource)} in API group ${q(attrs.apiGroup)} ${where}`;
}

/** The 403 Status for a denied request, worded as Kubernetes' NewForbidden: `pods "x" is forbidden: User ...`. */
export function forbiddenError(user: UserInfo | undefined, attrs: RequestAttributes, reason?: string): StatusError {
  const msg = sanitize(forbiddenMessage(user, attrs));
  const err = reason ? `${msg}: ${reason}` : msg;
  const group = attrs.resourceRequest ? attrs.apiGroup ?? '' : '';
  const resource = attrs.resourceRequest ? attrs.resource ?? '' : '';
  const name = attrs.resourceRequest ? attrs.name ?? '' : '';
  const qualified = group ? `${resource}.${group}` : resource;
  const message = !qualified ? `forbidden: ${err}` : name ? `${qualified} ${q(name)} is forbidden: ${err}` : `${qualified} is forbidden: ${err}`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return forbidden(message, details);
}

export interface ResourceRule { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames?: string[] }
export interface NonResourceRule { verbs: string[]; nonResourceURLs: string[] }

/**
 * The same policy as `authorize`, listed as rules for SelfSubjectRulesReview (`kubectl auth can-i --list`).
 * `served` names every resource as [group, plural], since the viewer rule has to spell out "all but secrets".
 */
export function rulesFor(user: UserInfo, served: [string, string][]): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const selfReviews: ResourceRule[] = [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ];
  const discovery: NonResourceRule = { verbs: ['get'], nonResourceURLs: [...DISCOVERY_PATHS.flatMap((p) => [p, `${p}/*`])] };
  if (user.groups.includes('system:masters')) {
    return { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...selfReviews], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }, discovery] };
  }
  if (!user.groups.includes(AUTHENTICATED)) return { resourceRules: [], nonResourceRules: [] };
  const rules = [...selfReviews];
  const nonResourceRules = [discovery];
  if (user.groups.includes(MONITORING_GROUP)) nonResourceRules.push({ verbs: ['get'], nonResourceURLs: MONITORING_URLS });
  if (user.groups.includes(VIEWER_USER.groups[0]!)) {
    const byGroup = new Map<string, string[]>();
    for (const [g, r] of served) if (r !== 'secrets') byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
    for (const [g, rs] of byGroup) rules.push({ verbs: [...READ_VERBS], apiGroups: [g], resources: rs });
  }
  return { resourceRules: rules, nonResourceRules };
}
