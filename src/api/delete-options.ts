// DeleteOptions of a DELETE (one object or a collection), read as the apiserver's delete handlers read them: from the
// body when there is one (decoded into the typed struct: the kind must be DeleteOptions and every field must have its
// Go type), otherwise from the query (the parameter codec's conversions); then ValidateDeleteOptions. Every problem
// is answered before anything is deleted.
import type { Request } from 'express';
import type { DeleteOptions } from '../registry/service.js';
import { validateDeleteOptions } from '../registry/deletion.js';
import { decodeProblems, pruneUnknownFields } from '../openapi/field-validation.js';
import { jsonKindNoun } from '../machinery/patch/go-format.js';
import { decodeBody, rawBody } from './request-body.js';
import { queryFirst, queryInt } from './context.js';
import { badRequest } from '../machinery/api/errors.js';

const GVK = { group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' };
/** The OpenAPI definitions list DeleteOptions under each group version; the core one finds the (shared) schema. */
const SCHEMA_GVK = { group: '', version: 'v1', kind: 'DeleteOptions' };
/** runtime.NewScheme() names a scheme after the line that created it; errors from the meta scheme quote it. */
const META_SCHEME = 'k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27';
// What json.Unmarshal calls the struct the serializer reads apiVersion and kind into first.
const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

const versionKindError = (detail: string) => badRequest(`couldn't get version/kind; json parse error: ${detail}`);

/** SimpleMetaFactory.Interpret plus the scheme lookup: which kind the body claims to be, and whether it may be. */
function checkTypeMeta(body: Record<string, unknown>): void {
  for (const field of ['apiVersion', 'kind']) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw versionKindError(`json: cannot unmarshal ${jsonKindNoun(v)} into Go struct field .${field} of type string`);
    }
  }
  const apiVersion = (body.apiVersion as string | undefined) || '';
  if (apiVersion.split('/').length > 2) throw badRequest(`unexpected GroupVersion string: ${apiVersion}`);
  const kind = (body.kind as string | undefined) || GVK.kind;
  // DeleteOptions is registered unversioned: any group/version names it.
  if (kind !== GVK.kind) {
    throw badRequest(
      `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion || `${GVK.group}/${GVK.version}`)} in scheme ${JSON.stringify(META_SCHEME)}`,
    );
  }
}

const optional = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

async function fromBody(req: Request): Promise<DeleteOptions> {
  const decoded = await decodeBody(req);
  const value = decoded.value;
  if (value === null) return {}; // `null` decodes into an untouched DeleteOptions
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw versionKindError(`json: cannot unmarshal ${jsonKindNoun(value)} into Go value of type ${FIND_KIND_TYPE}`);
  }
  const body = value as Record<string, unknown>;
  checkTypeMeta(body);
  const { typeError } = decodeProblems(SCHEMA_GVK, body, decoded.format === 'json' ? decoded.raw : undefined);
  if (typeError) throw badRequest(typeError);
  // Fields DeleteOptions does not have are dropped by the typed decode.
  pruneUnknownFields(SCHEMA_GVK, body);
  const pre = optional<Record<string, unknown>>(body.preconditions);
  return {
    gracePeriodSeconds: optional<number>(body.gracePeriodSeconds),
    propagationPolicy: optional<DeleteOptions['propagationPolicy']>(body.propagationPolicy),
    orphanDependents: optional<boolean>(body.orphanDependents),
    preconditions: pre && { uid: optional<string>(pre.uid), resourceVersion: optional<string>(pre.resourceVersion) },
    dryRun: optional<string[]>(body.dryRun),
  };
}

/** The parameter codec: int64 and bool conversions of the first value; dryRun keeps every value. */
function fromQuery(req: Request): DeleteOptions {
  const opts: DeleteOptions = {};
  const grace = queryInt(req, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = queryFirst(req, 'propagationPolicy');
  if (policy !== undefined) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  const orphan = queryFirst(req, 'orphanDependents');
  // Convert_Slice_string_To_Pointer_bool: "0" and "false" (any case) are false, anything else true.
  if (orphan !== undefined) opts.orphanDependents = !(orphan === '0' || orphan.toLowerCase() === 'false');
  const dry = (req.query as Record<string, unknown>).dryRun;
  if (dry !== undefined) opts.dryRun = (Array.isArray(dry) ? dry : [dry]).map(String);
  return opts;
}

/** The request's DeleteOptions, validated (400 for an undecodable body, 422 for invalid options). */
export async function deleteOptionsOf(req: Request): Promise<DeleteOptions> {
  // A body replaces the query entirely, as in the apiserver.
  const opts = rawBody(req).length ? await fromBody(req) : fromQuery(req);
  validateDeleteOptions(opts);
  return opts;
}
