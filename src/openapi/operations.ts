// The REST operations of each resource, described once and rendered as Swagger 2.0 (v2.ts) or
// OpenAPI 3.0 (v3.ts). Names and actions follow upstream (listCoreV1NamespacedPod, x-kubernetes-action...).
import type { ResourceDef, Verb } from '../registry/types.js';
import { ALL_VERBS } from '../registry/types.js';
import { definitionNameFor, getDefinitions, type GVK } from './definitions.js';

export interface Param { name: string; in: 'query' | 'path'; description: string; type: 'string' | 'boolean' | 'integer'; required?: boolean }
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
export interface Operation {
  method: 'get' | 'put' | 'post' | 'patch' | 'delete';
  action: Action;
  operationId: string;
  description: string;
  /** Absent on operations that are not about one kind (the APIResourceList endpoint). */
  gvk?: GVK;
  params: Param[];
  /** Definition name of the request body; `patch` bodies are meta/v1 Patch in the four patch media types. */
  body?: string;
  patch?: boolean;
  /** status code → definition name of the response (undefined: no body schema). */
  responses: Record<string, string | undefined>;
  watchable?: boolean;
}
export interface PathItem { path: string; params: Param[]; ops: Operation[] }

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

const q = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });
const P = {
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  dryRun: q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values are: All (process all dry run stages).'),
  fieldManager: q('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes. It must be at most 128 printable characters. Required for apply requests (application/apply-patch); optional for other kinds of requests.'),
  fieldValidation: q('fieldValidation', 'string', 'fieldValidation instructs the server how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore (silently drop them), Warn (drop them and send a Warning header for each), Strict (fail the request with BadRequest). Defaults to Warn.'),
  force: q('force', 'boolean', 'Force re-acquires conflicting fields owned by other managers when applying. Must be unset for requests that are not apply patches.'),
  labelSelector: q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  fieldSelector: q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  limit: q('limit', 'integer', 'limit is the maximum number of items to return for a list call; when more exist, the list metadata carries a continue token.'),
  continue: q('continue', 'string', 'The continue option should be set when retrieving more results from the server, with the value returned by a previous paged list call.'),
  resourceVersion: q('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout for the list/watch call, regardless of any activity or inactivity.'),
  watch: q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers may ignore it.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'sendInitialEvents=true may be set with watch=true to begin the stream with synthetic events for the current state of the objects.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted. Zero means delete immediately.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned.'),
  propagationPolicy: q('propagationPolicy', 'string', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
};
const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];

/** `apps` → Apps, `rbac.authorization.k8s.io` → RbacAuthorization, core → Core (upstream operation ids). */
function groupWord(group: string): string {
  if (!group) return 'Core';
  return group.replace(/\.k8s\.io$/, '').split('.').map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');
}
/** Upstream tags: core_v1, apps_v1, rbacAuthorization_v1. */
export function tagOf(group: string, version: string): string {
  const w = groupWord(group);
  return `${w.charAt(0).toLowerCase()}${w.slice(1)}_${version}`;
}
/** URL prefix of a group-version without the leading slash: api/v1, apis/apps/v1. */
export const gvPathOf = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

const existing = (name: string | undefined) => (name && getDefinitions()[name] ? name : undefined);

/** Every path of one resource (collection, item, all-namespaces list, status, scale, extra subresources). */
export function pathsOf(def: ResourceDef): PathItem[] {
  const gvk: GVK = { group: def.group, version: def.version, kind: def.kind };
  const kindDef = definitionNameFor(gvk);
  const listDef = existing(definitionNameFor({ ...gvk, kind: `${def.kind}List` }) ?? (kindDef ? `${kindDef}List` : undefined));
  const verbs = new Set<Verb>(def.verbs ?? ALL_VERBS);
  const id = `${groupWord(def.group)}${def.version.charAt(0).toUpperCase()}${def.version.slice(1)}`;
  const ns = def.namespaced ? 'Namespaced' : '';
  const base = `/${gvPathOf(def.group, def.version)}`;
  const coll = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
  const nsParam: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };
  const nameParam: Param = { name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${def.kind}` };
  const collParams = def.namespaced ? [nsParam, P.pretty] : [P.pretty];
  const itemParams = def.namespaced ? [nameParam, nsParam, P.pretty] : [nameParam, P.pretty];
  const K = def.kind;
  const out: PathItem[] = [];

  const collOps: Operation[] = [];
  if (verbs.has('list')) collOps.push({ method: 'get', action: 'list', operationId: `list${id}${ns}${K}`, description: `list or watch objects of kind ${K}`, gvk, params: LIST_PARAMS, responses: { '200': listDef }, watchable: true });
  if (verbs.has('create')) collOps.push({ method: 'post', action: 'post', operationId: `create${id}${ns}${K}`, description: `create ${article(K)} ${K}`, gvk, params: WRITE_PARAMS, body: kindDef, responses: { '200': kindDef, '201': kindDef, '202': kindDef } });
  if (verbs.has('deletecollection')) collOps.push({ method: 'delete', action: 'deletecollection', operationId: `delete${id}Collection${ns}${K}`, description: `delete collection of ${K}`, gvk, params: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')], body: `${META}.DeleteOptions`, responses: { '200': `${META}.Status` } });
  if (collOps.length) out.push({ path: coll, params: collParams, ops: collOps });

  const itemOps: Operation[] = [];
  if (verbs.has('get')) itemOps.push({ method: 'get', action: 'get', operationId: `read${id}${ns}${K}`, description: `read the specified ${K}`, gvk, params: [], responses: { '200': kindDef } });
  if (verbs.has('update')) itemOps.push({ method: 'put', action: 'put', operationId: `replace${id}${ns}${K}`, description: `replace the specified ${K}`, gvk, params: WRITE_PARAMS, body: kindDef, responses: { '200': kindDef, '201': kindDef } });
  if (verbs.has('patch')) itemOps.push({ method: 'patch', action: 'patch', operationId: `patch${id}${ns}${K}`, description: `partially update the specified ${K}`, gvk, params: [...WRITE_PARAMS, P.force], body: `${META}.Patch`, patch: true, responses: { '200': kindDef, '201': kindDef } });
  if (verbs.has('delete')) itemOps.push({ method: 'delete', action: 'delete', operationId: `delete${id}${ns}${K}`, description: `delete ${article(K)} ${K}`, gvk, params: DELETE_PARAMS, body: `${META}.DeleteOptions`, responses: { '200': `${META}.Status`, '202': `${META}.Status` } });
  if (itemOps.length) out.push({ path: `${coll}/{name}`, params: itemParams, ops: itemOps });

  if (def.namespaced && verbs.has('list')) {
    out.push({ path: `${base}/${def.plural}`, params: [P.pretty], ops: [{ method: 'get', action: 'list', operationId: `list${id}${K}ForAllNamespaces`, description: `list or watch objects of kind ${K}`, gvk, params: LIST_PARAMS, responses: { '200': listDef }, watchable: true }] });
  }

  const sub = (name: string, word: string, subGvk: GVK, subDef: string | undefined) => {
    out.push({
      path: `${coll}/{name}/${name}`, params: itemParams, ops: [
        { method: 'get', action: 'get', operationId: `read${id}${ns}${K}${word}`, description: `read ${name} of the specified ${K}`, gvk: subGvk, params: [], responses: { '200': subDef } },
        { method: 'put', action: 'put', operationId: `replace${id}${ns}${K}${word}`, description: `replace ${name} of the specified ${K}`, gvk: subGvk, params: WRITE_PARAMS, body: subDef, responses: { '200': subDef, '201': subDef } },
        { method: 'patch', action: 'patch', operationId: `patch${id}${ns}${K}${word}`, description: `partially update ${name} of the specified ${K}`, gvk: subGvk, params: [...WRITE_PARAMS, P.force], body: `${META}.Patch`, patch: true, responses: { '200': subDef, '201': subDef } },
      ],
    });
  };
  if (def.statusSubresource) sub('status', 'Status', gvk, kindDef);
  if (def.scale) {
    const scaleGvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    sub('scale', 'Scale', scaleGvk, definitionNameFor(scaleGvk));
  }
  for (const x of def.extraSubresources ?? []) {
    const xGvk = { group: x.group ?? def.group, version: x.version ?? def.version, kind: x.kind };
    const xDef = definitionNameFor(xGvk);
    const word = x.name.charAt(0).toUpperCase() + x.name.slice(1);
    const ops: Operation[] = [];
    if (x.verbs.includes('get')) ops.push({ method: 'get', action: 'get', operationId: `read${id}${ns}${K}${word}`, description: `read ${x.name} of the specified ${K}`, gvk: xGvk, params: [], responses: { '200': xDef } });
    if (x.verbs.includes('create')) ops.push({ method: 'post', action: 'post', operationId: `create${id}${ns}${K}${word}`, description: `create ${x.name} of ${article(K)} ${K}`, gvk: xGvk, params: WRITE_PARAMS, body: xDef, responses: { '200': xDef, '201': xDef, '202': xDef } });
    if (ops.length) out.push({ path: `${coll}/{name}/${x.name}`, params: itemParams, ops });
  }
  return out;
}

/** The `GET /apis/<g>/<v>/` (APIResourceList) path upstream documents for each group-version. */
export function resourceListPath(group: string, version: string): PathItem {
  const id = `${groupWord(group)}${version.charAt(0).toUpperCase()}${version.slice(1)}`;
  return {
    path: `/${gvPathOf(group, version)}/`, params: [], ops: [{
      method: 'get', action: 'get', operationId: `get${id}APIResources`, description: 'get available resources',
      params: [], responses: { '200': `${META}.APIResourceList` },
    }],
  };
}

const article = (kind: string) => (/^[AEIOU]/.test(kind) ? 'an' : 'a');
