// create, update, patch, delete and deletecollection over HTTP, for every kind.
import type { Request, Response } from 'express';
import type { KObject, UserInfo } from '../registry/types.js';
import { apiVersionOf } from '../registry/types.js';
import { definitionName } from '../registry/registry.js';
import type { DeleteOptions } from '../registry/service.js';
import { acceptedPatchTypes, applyPatch, unsupportedPatchType } from '../machinery/patch/index.js';
import { checkFields, pruneUnknownFields } from '../openapi/field-validation.js';
import type { ResourceRequest } from './resource-path.js';
import { decodeBody, mediaType, rawBody, type DecodedBody } from './request-body.js';
import { sendObject, setWarnings } from './respond.js';
import { fieldValidationOf, queryBool, queryInt, queryString, writeContext, type ApiDeps } from './context.js';
import { badRequest, invalid, methodNotAllowed, unsupportedMediaType } from './errors.js';
import { applyScale, getScale } from './scale.js';
import { serveApply } from '../machinery/apply/apply-request.js';

/** Decodes an object body and applies fieldValidation (unknown and duplicate fields). */
async function decodeObject(req: Request, rr: ResourceRequest, warnings: string[], kindOverride?: { group: string; version: string; kind: string }): Promise<KObject> {
  const body: DecodedBody = await decodeBody(req);
  const obj = body.value as KObject;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request was not a JSON object');
  if (body.format !== 'protobuf') {
    const gvk = kindOverride ?? { group: rr.group, version: rr.version, kind: rr.def.kind };
    const { error, warnings: w } = checkFields(gvk, obj, body.raw, body.format, fieldValidationOf(req));
    if (error) throw error;
    warnings.push(...w);
    pruneUnknownFields(gvk, obj);
  }
  obj.metadata = obj.metadata ?? {};
  return obj;
}

export async function handleCreate(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  // POST to an object's URL: no such route in Kubernetes, so 405 rather than 400.
  if (rr.name) throw methodNotAllowed();
  const ctx = writeContext(req, user);
  const obj = await decodeObject(req, rr, ctx.warnings);
  const created = await deps.service.create(rr.def, rr.namespace, obj, ctx);
  setWarnings(res, ctx.warnings);
  sendObject(res, 201, created);
}

export async function handleUpdate(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const ctx = writeContext(req, user);
  const { def, namespace, name, subresource } = rr;
  let updated: KObject;
  if (subresource === 'scale') {
    const scale = await decodeObject(req, rr, ctx.warnings, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    updated = getScale(def, await deps.service.update(def, namespace, name!, (cur) => applyScale(def, cur, scale), ctx));
  } else {
    const obj = await decodeObject(req, rr, ctx.warnings);
    updated = await deps.service.update(def, namespace, name!, obj, ctx, subresource);
  }
  setWarnings(res, ctx.warnings);
  sendObject(res, 200, updated);
}

export async function handlePatch(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const ctx = writeContext(req, user);
  const { def, namespace, name, subresource } = rr;
  const type = mediaType(req);
  // The patch type is checked before the object is read: a bad type is 415 even for a missing object.
  if (!acceptedPatchTypes().includes(type)) throw unsupportedPatchType();
  if (type === 'application/apply-patch+yaml') {
    if (subresource === 'scale') throw unsupportedMediaType(`${type} (server-side apply to /scale is not served)`);
    const { object, created } = await serveApply({ service: deps.service, schema: deps.schema, def, namespace, name: name!, subresource,
      body: rawBody(req).toString('utf8'), force: queryBool(req, 'force'), fieldValidation: fieldValidationOf(req), ctx });
    setWarnings(res, ctx.warnings);
    sendObject(res, created ? 201 : 200, object);
    return;
  }
  // PatchOptions validation: force only means something to apply.
  if (queryString(req, 'force') !== undefined) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' }]);
  }
  const body = rawBody(req);
  let updated: KObject;
  if (subresource === 'scale') {
    const schemaCtx = { schema: deps.schema, definition: 'io.k8s.api.autoscaling.v1.Scale' };
    updated = getScale(def, await deps.service.update(def, namespace, name!, (cur) =>
      applyScale(def, cur, applyPatch(type, getScale(def, cur), body, schemaCtx) as KObject), ctx));
  } else {
    const schemaCtx = { schema: deps.schema, definition: definitionName(def.group, def.version, def.kind) };
    updated = await deps.service.update(def, namespace, name!, (cur) => {
      const patched = applyPatch(type, cur, body, schemaCtx) as KObject;
      if (!patched || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('the patch produced something that is not an object');
      // Kubernetes decodes the patched JSON into the kind's struct, so fields it does not know are dropped.
      pruneUnknownFields({ group: def.group, version: def.version, kind: def.kind }, patched);
      return patched;
    }, ctx, subresource);
  }
  setWarnings(res, ctx.warnings);
  sendObject(res, 200, updated);
}

async function deleteOptionsOf(req: Request): Promise<DeleteOptions> {
  let opts: DeleteOptions & { orphanDependents?: boolean } = {};
  if (rawBody(req).length) opts = (await decodeBody(req)).value as DeleteOptions;
  const grace = queryInt(req, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = queryString(req, 'propagationPolicy');
  if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  // orphanDependents stays its own option: combined with a policy it is a 422 (registry/deletion.ts validates both).
  const orphan = queryString(req, 'orphanDependents');
  if (orphan === 'true' || orphan === 'false') opts.orphanDependents = orphan === 'true';
  return opts;
}

export async function handleDelete(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const opts = await deleteOptionsOf(req);
  const ctx = writeContext(req, user, opts.dryRun);
  const { object, finished } = await deps.service.delete(rr.def, rr.namespace, rr.name!, opts, ctx);
  // 202 only when the client explicitly asked for dependents to be deleted (orphanDependents=false), as the apiserver does.
  if (!finished || rr.def.returnDeletedObject) { sendObject(res, !finished && opts.orphanDependents === false ? 202 : 200, object); return; }
  const details: Record<string, unknown> = { name: rr.name, kind: rr.def.plural, uid: object.metadata.uid };
  if (rr.group) details.group = rr.group;
  sendObject(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

export async function handleDeleteCollection(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const opts = await deleteOptionsOf(req);
  const ctx = writeContext(req, user, opts.dryRun);
  const items = await deps.service.deleteCollection(rr.def, rr.namespace,
    { labelSelector: queryString(req, 'labelSelector'), fieldSelector: queryString(req, 'fieldSelector') }, opts, ctx);
  sendObject(res, 200, { kind: `${rr.def.kind}List`, apiVersion: apiVersionOf(rr.def), metadata: { resourceVersion: String(deps.service.revision()) }, items });
}
