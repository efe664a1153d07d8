// POST pods/NAME/binding: assign a pod to a node, as the apiserver's BindingREST does, answering 201 with a
// Success Status.
import type { Request, Response } from 'express';
import type { UserInfo } from '../registry/types.js';
import { assignPod, type Binding } from '../registry/strategies/pod/binding.js';
import { checkFields, pruneUnknownFields } from '../openapi/field-validation.js';
import type { ResourceRequest } from './resource-path.js';
import { decodeBody } from './request-body.js';
import { sendObject, setWarnings } from './respond.js';
import { fieldValidationOf, writeContext, type ApiDeps } from './context.js';
import { badRequest } from './errors.js';

const BINDING_GVK = { group: '', version: 'v1', kind: 'Binding' };

async function decodeBinding(req: Request, warnings: string[]): Promise<Binding> {
  const body = await decodeBody(req);
  const obj = body.value as Record<string, unknown> | null;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request was not a JSON object');
  if (obj.kind !== undefined && obj.kind !== 'Binding') throw badRequest(`not a Binding object: ${String(obj.kind)}`);
  if (body.format !== 'protobuf') {
    const { error, warnings: w } = checkFields(BINDING_GVK, obj, body.raw, body.format, fieldValidationOf(req));
    if (error) throw error;
    warnings.push(...w);
    pruneUnknownFields(BINDING_GVK, obj);
  }
  return obj as Binding;
}

/** Serves POST .../pods/NAME/binding (rr addresses the pod). */
export async function handleBinding(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, user: UserInfo): Promise<void> {
  const ctx = writeContext(req, user);
  const binding = await decodeBinding(req, ctx.warnings);
  const bodyNs = (binding.metadata as { namespace?: string } | undefined)?.namespace;
  if (bodyNs && bodyNs !== rr.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (binding.metadata?.name !== rr.name) throw badRequest('name in URL does not match name in Binding object');
  await assignPod(deps.service, rr.def, rr.namespace!, binding, ctx);
  setWarnings(res, ctx.warnings);
  sendObject(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
