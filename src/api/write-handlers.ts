// create, update, patch, delete and deletecollection over HTTP, for every kind. Each write validates its options
// first, then decodes its body into the kind (a patch: the object the patch produced) through the same typed
// decode, then checks what the body says about itself (kind, name, namespace), and only then reaches the registry.
import type { Request, Response } from 'express';
import type { ResourceDef } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import type { UserInfo } from '../machinery/api/user.js';
import { apiVersionOf } from '../registry/types.js';
import { definitionName } from '../registry/registry.js';
import { APPLY_PATCH, acceptedPatchTypes, applyPatch, unsupportedPatchType } from '../machinery/patch/index.js';
import type { GVK } from '../openapi/definitions.js';
import type { ResourceRequest } from './resource-path.js';
import { mediaType, rawBody } from './request-body.js';
import { setWarnings } from './respond.js';
import { sendWriteAnswer } from './protobuf-response.js';
import { queryString, writeContext, type ApiDeps } from './context.js';
import { badRequest, methodNotAllowed, unsupportedMediaType } from '../machinery/api/errors.js';
import { applyScale, getScale } from './scale.js';
import { serveApply } from '../registry/apply-request.js';
import { writeOptionsOf, type FieldValidationMode } from './write-options.js';
import { decodeTypedBody } from './typed-body.js';
import { decodePatchedObject, patchDocumentErrors } from './patch-decode.js';
import { deleteOptionsOf } from './delete-options.js';

const SCALE: GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
const SCALE_DEFINITION = 'io.k8s.api.autoscaling.v1.Scale';
const gvkOf = (def: ResourceDef): GVK => ({ group: def.group, version: def.version, kind: def.kind });
const apiVersionOfGvk = (g: GVK) => (g.group ? `${g.group}/${g.version}` : g.version);

async function decodeObject(req: Request, gvk: GVK, mode: FieldValidationMode, warnings: string[]): Promise<KObject> {
  const obj = (await decodeTypedBody(req, gvk, mode, warnings)) as KObject;
  obj.metadata = obj.metadata ?? {};
  return obj;
}

/** A body whose kind or apiVersion is not the one the URL addresses is a 400 (the main resource is checked by the registry). */
function checkKind(obj: KObject, gvk: GVK): void {
  if (obj.kind && obj.kind !== gvk.kind) {
    throw badRequest(`the kind "${String(obj.kind)}" of the request body does not match the kind "${gvk.kind}" of the URL`);
  }
  const expected = apiVersionOfGvk(gvk);
  if (obj.apiVersion && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
}

const metaOf = (obj: KObject) => (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * What a PUT body must say about itself, before anything is read: rest.EnsureObjectNamespaceMatchesRequestNamespace,
 * then the handler's checkName (a missing name does not match either).
 */
function checkPutIdentity(rr: ResourceRequest, obj: KObject, namespaced: boolean): void {
  const { name, namespace } = metaOf(obj);
  if (namespaced && str(namespace) && str(namespace) !== rr.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (str(name) !== rr.name) throw badRequest(`the name of the object (${str(name)}) does not match the name on the URL (${rr.name})`);
}

/** checkName on the object a patch produced (patch.go): it may not rename the object or move it to another namespace. */
function checkPatchedIdentity(rr: ResourceRequest, obj: KObject): void {
  const { name, namespace } = metaOf(obj);
  if (str(name) !== rr.name) throw badRequest(`the name of the object (${str(name)}) does not match the name on the URL (${rr.name})`);
  if (rr.namespace && str(namespace) && str(namespace) !== rr.namespace) {
    throw badRequest(`the namespace of the object (${str(namespace)}) does not match the namespace on the request (${rr.namespace})`);
  }
}

export async function handleCreate(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  // POST to an object's URL: no such route in Kubernetes, so 405 rather than 400.
  if (rr.name) throw methodNotAllowed();
  const opts = writeOptionsOf(req, 'CreateOptions');
  const ctx = writeContext(req, user, opts);
  const obj = await decodeObject(req, gvkOf(rr.def), opts.fieldValidation, ctx.warnings);
  const created = await deps.service.create(rr.def, rr.namespace, obj, ctx);
  setWarnings(res, ctx.warnings);
  await sendWriteAnswer(req, res, rr.def, 201, created);
}

export async function handleUpdate(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const { def, namespace, name, subresource } = rr;
  // PUT on a collection: no such route.
  if (!name) throw methodNotAllowed();
  const opts = writeOptionsOf(req, 'UpdateOptions');
  const ctx = writeContext(req, user, opts);
  let updated: KObject;
  if (subresource === 'scale') {
    const scale = await decodeObject(req, SCALE, opts.fieldValidation, ctx.warnings);
    checkKind(scale, SCALE);
    checkPutIdentity(rr, scale, def.namespaced);
    updated = getScale(def, await deps.service.update(def, namespace, name, (cur) => applyScale(def, cur, scale), ctx));
  } else {
    const obj = await decodeObject(req, gvkOf(def), opts.fieldValidation, ctx.warnings);
    checkKind(obj, gvkOf(def));
    checkPutIdentity(rr, obj, def.namespaced);
    updated = await deps.service.update(def, namespace, name, obj, ctx, subresource);
  }
  setWarnings(res, ctx.warnings);
  await sendWriteAnswer(req, res, def, 200, updated);
}

export async function handlePatch(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const { def, namespace, name, subresource } = rr;
  if (!name) throw methodNotAllowed();
  const type = mediaType(req);
  // The patch type is checked before the object is read: a bad type is 415 even for a missing object.
  if (!acceptedPatchTypes().includes(type)) throw unsupportedPatchType();
  const opts = writeOptionsOf(req, 'PatchOptions', type);
  const ctx = writeContext(req, user, opts);
  const body = rawBody(req).toString('utf8');
  if (type === APPLY_PATCH) {
    if (subresource === 'scale') throw unsupportedMediaType(`${type} (server-side apply to /scale is not served)`);
    const { object, created } = await serveApply({
      service: deps.service,
      schema: deps.schema,
      def,
      namespace,
      name,
      subresource,
      body,
      force: opts.force ?? false,
      fieldValidation: opts.fieldValidation,
      ctx,
    });
    setWarnings(res, ctx.warnings);
    await sendWriteAnswer(req, res, def, created ? 201 : 200, object);
    return;
  }
  const documentErrors = opts.fieldValidation === 'Ignore' ? [] : patchDocumentErrors(type, body);
  const decodeAs = (gvk: GVK, patched: unknown) =>
    decodePatchedObject(patched, { gvk, patchType: type, body, mode: opts.fieldValidation, warnings: ctx.warnings }, documentErrors);
  let updated: KObject;
  if (subresource === 'scale') {
    const schemaCtx = { schema: deps.schema, definition: SCALE_DEFINITION, fieldValidation: opts.fieldValidation };
    updated = getScale(
      def,
      await deps.service.update(
        def,
        namespace,
        name,
        (cur) => {
          const scale = decodeAs(SCALE, applyPatch(type, getScale(def, cur), body, schemaCtx));
          checkKind(scale, SCALE);
          checkPatchedIdentity(rr, scale);
          return applyScale(def, cur, scale);
        },
        ctx,
      ),
    );
  } else {
    const schemaCtx = {
      schema: deps.schema,
      definition: definitionName(def.group, def.version, def.kind),
      fieldValidation: opts.fieldValidation,
    };
    updated = await deps.service.update(
      def,
      namespace,
      name,
      (cur) => {
        const patched = decodeAs(gvkOf(def), applyPatch(type, cur, body, schemaCtx));
        checkPatchedIdentity(rr, patched);
        return patched;
      },
      ctx,
      subresource,
    );
  }
  setWarnings(res, ctx.warnings);
  await sendWriteAnswer(req, res, def, 200, updated);
}

export async function handleDelete(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const opts = await deleteOptionsOf(req);
  const ctx = writeContext(req, user, { dryRun: opts.dryRun ?? [] });
  const { object, finished } = await deps.service.delete(rr.def, rr.namespace, rr.name!, opts, ctx);
  // 202 only when the client explicitly asked for dependents to be deleted (orphanDependents=false), as the apiserver does.
  if (!finished || rr.def.returnDeletedObject) {
    await sendWriteAnswer(req, res, rr.def, !finished && opts.orphanDependents === false ? 202 : 200, object);
    return;
  }
  const details: Record<string, unknown> = { name: rr.name, kind: rr.def.plural, uid: object.metadata.uid };
  if (rr.group) details.group = rr.group;
  await sendWriteAnswer(req, res, rr.def, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

export async function handleDeleteCollection(
  req: Request,
  res: Response,
  deps: ApiDeps,
  rr: ResourceRequest,
  user: UserInfo,
): Promise<void> {
  const opts = await deleteOptionsOf(req);
  const ctx = writeContext(req, user, { dryRun: opts.dryRun ?? [] });
  const items = await deps.service.deleteCollection(
    rr.def,
    rr.namespace,
    { labelSelector: queryString(req, 'labelSelector'), fieldSelector: queryString(req, 'fieldSelector') },
    opts,
    ctx,
  );
  await sendWriteAnswer(req, res, rr.def, 200, {
    kind: `${rr.def.kind}List`,
    apiVersion: apiVersionOf(rr.def),
    metadata: { resourceVersion: String(deps.service.revision()) },
    items,
  });
}
