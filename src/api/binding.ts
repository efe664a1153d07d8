// POST pods/NAME/binding: assign a pod to a node, as the apiserver's BindingREST does, answering 201 with a
// Success Status.
import type { Request, Response } from 'express';
import type { UserInfo } from '../machinery/api/user.js';
import { assignPod, type Binding } from '../registry/strategies/pod/binding.js';
import type { ResourceRequest } from './resource-path.js';
import { sendObject, setWarnings } from './respond.js';
import { writeContext, type ApiDeps } from './context.js';
import { badRequest } from '../machinery/api/errors.js';
import { writeOptionsOf, type FieldValidationMode } from './write-options.js';
import { decodeTypedBody } from './typed-body.js';

const BINDING_GVK = { group: '', version: 'v1', kind: 'Binding' };

async function decodeBinding(req: Request, mode: FieldValidationMode, warnings: string[]): Promise<Binding> {
  const obj = await decodeTypedBody(req, BINDING_GVK, mode, warnings);
  if (obj.kind !== undefined && obj.kind !== 'Binding') throw badRequest(`not a Binding object: ${String(obj.kind)}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== 'v1') {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (v1)`);
  }
  return obj as Binding;
}

/** Serves POST .../pods/NAME/binding (rr addresses the pod). */
export async function handleBinding(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const opts = writeOptionsOf(req, 'CreateOptions');
  const ctx = writeContext(req, user, opts);
  const binding = await decodeBinding(req, opts.fieldValidation, ctx.warnings);
  const bodyNs = (binding.metadata as { namespace?: string } | undefined)?.namespace;
  if (bodyNs && bodyNs !== rr.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (binding.metadata?.name !== rr.name) throw badRequest('name in URL does not match name in Binding object');
  await assignPod(deps.service, rr.def, rr.namespace!, binding, ctx);
  setWarnings(res, ctx.warnings);
  sendObject(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
