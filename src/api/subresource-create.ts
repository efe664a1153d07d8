// POST .../NAME/SUBRESOURCE for subresources that create (binding, eviction, token): the body is decoded into the
// subresource's kind as every create body is (protobuf included, fieldValidation honoured), checked against the
// request's namespace as the apiserver's create handler does, and handed to the resource definition's `create`.
import type { Request, Response } from 'express';
import type { SubresourceDef, UserInfo } from '../registry/types.js';
import type { ResourceRequest } from './resource-path.js';
import { decodeBody } from './request-body.js';
import { decodeTypedBody } from './typed-body.js';
import { setWarnings } from './respond.js';
import { sendWriteAnswer } from './protobuf-response.js';
import { writeContext, type ApiDeps } from './context.js';
import { writeOptionsOf, type FieldValidationMode } from './write-options.js';
import { badRequest } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';

async function decodeSubresourceBody(
  req: Request,
  rr: ResourceRequest,
  sub: SubresourceDef,
  mode: FieldValidationMode,
  warnings: string[],
): Promise<KObject> {
  const group = sub.group ?? rr.def.group;
  let version = sub.version ?? rr.def.version;
  if (sub.bodyVersions) {
    // The version is read first: the body is decoded as the version it names.
    const peek = (await decodeBody(req)).value as Record<string, unknown> | null;
    const named = peek !== null && typeof peek === 'object' && !Array.isArray(peek) ? peek.apiVersion : undefined;
    const expected = sub.bodyVersions[0]!;
    if (named !== undefined && !sub.bodyVersions.includes(String(named))) {
      throw badRequest(`the API version in the data (${String(named)}) does not match the expected API version (${expected})`);
    }
    const apiVersion = typeof named === 'string' ? named : expected;
    version = apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion;
  }
  const obj = await decodeTypedBody(req, { group, version, kind: sub.kind }, mode, warnings);
  if (obj.kind !== undefined && obj.kind !== sub.kind) throw badRequest(`not a ${sub.kind} object: ${String(obj.kind)}`);
  return obj as KObject;
}

/** Serves a create on `sub` of the object rr addresses. */
export async function handleSubresourceCreate(
  req: Request,
  res: Response,
  deps: ApiDeps,
  rr: ResourceRequest,
  user: UserInfo,
  sub: SubresourceDef,
): Promise<void> {
  const opts = writeOptionsOf(req, 'CreateOptions');
  const write = writeContext(req, user, opts);
  const body = await decodeSubresourceBody(req, rr, sub, opts.fieldValidation, write.warnings);
  const bodyNs = (body.metadata as { namespace?: string } | undefined)?.namespace;
  if (bodyNs && bodyNs !== rr.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const out = await sub.create!({ def: rr.def, service: deps.service, write, dryRun: opts.dryRun }, rr.namespace, rr.name!, body);
  setWarnings(res, write.warnings);
  await sendWriteAnswer(req, res, rr.def, 201, out);
}
