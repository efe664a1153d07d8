// An object request body decoded into a kind, as the apiserver's decoder does it for every create and update
// (and for binding, eviction, scale): a type error fails the request whatever fieldValidation says, unknown and
// duplicate fields follow fieldValidation, and fields the kind does not have are dropped.
import type { Request } from 'express';
import type { GVK } from '../openapi/definitions.js';
import { checkFields, pruneUnknownFields } from '../openapi/field-validation.js';
import { decodeBody } from './request-body.js';
import { badRequest } from '../machinery/api/errors.js';
import type { FieldValidationMode } from './write-options.js';

export async function decodeTypedBody(
  req: Request,
  gvk: GVK,
  mode: FieldValidationMode,
  warnings: string[],
): Promise<Record<string, unknown>> {
  const body = await decodeBody(req);
  const obj = body.value;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request was not a JSON object');
  // Protobuf is typed on the wire and drops unknown fields silently; only a JSON object carried inside
  // runtime.Unknown can still be of the wrong shape, so it is type-checked like JSON.
  const protobuf = body.format === 'protobuf';
  const { error, warnings: w } = checkFields(
    gvk,
    obj,
    protobuf ? undefined : body.raw,
    body.format === 'yaml' ? 'yaml' : 'json',
    protobuf ? 'Ignore' : mode,
  );
  if (error) throw error;
  warnings.push(...w);
  pruneUnknownFields(gvk, obj);
  return obj as Record<string, unknown>;
}
