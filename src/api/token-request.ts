// POST /api/v1/namespaces/NS/serviceaccounts/NAME/token: decodes the TokenRequest body and answers 201 with what
// src/serviceaccount/token-request.ts made of it.
import type { Request, Response } from 'express';
import type { ResourceRequest } from './resource-path.js';
import type { ApiDeps } from './context.js';
import { fieldValidationOf } from './context.js';
import { decodeTypedBody } from './typed-body.js';
import { sendObject, setWarnings } from './respond.js';
import { badRequest, StatusError } from '../machinery/api/errors.js';
import { createTokenRequest, TOKEN_REQUEST_GVK, type TokenRequestObject } from '../serviceaccount/token-request.js';
import { lookupFrom, serviceAccountRuntime } from '../serviceaccount/runtime.js';

async function decodeTokenRequest(req: Request, warnings: string[]): Promise<TokenRequestObject> {
  // Decoded into the kind as every create body is (protobuf included): a value of the wrong type is a 400.
  const obj = await decodeTypedBody(req, TOKEN_REQUEST_GVK, fieldValidationOf(req), warnings);
  if (obj.kind !== undefined && obj.kind !== 'TokenRequest') throw badRequest(`not a TokenRequest object: ${String(obj.kind)}`);
  return obj as TokenRequestObject;
}

/** Serves POST .../serviceaccounts/NAME/token (rr addresses the service account). */
export async function handleTokenRequest(req: Request, res: Response, _deps: ApiDeps, rr: ResourceRequest): Promise<void> {
  const rt = serviceAccountRuntime();
  if (!rt) throw new StatusError(503, 'ServiceUnavailable', 'service account token issuing is not configured on this server');
  const warnings: string[] = [];
  const input = await decodeTokenRequest(req, warnings);
  const out = await createTokenRequest(rt.tokens, lookupFrom(rt.service), rr.namespace!, rr.name!, input);
  setWarnings(res, warnings);
  sendObject(res, 201, out);
}
