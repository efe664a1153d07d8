// GET /openapi/v2, /openapi/v3 and /openapi/v3/<gv>, with upstream's caching behaviour: ETag on every
// document, and for v3 GV documents the `hash` query as a cache key (matching → immutable; stale → 301).
import express, { type Request, type Response, type NextFunction } from 'express';
import type { ResourceDef } from '../registry/types.js';
import { StatusError, genericNotFound, notAcceptable } from '../machinery/api/errors.js';
import { OpenAPIDocuments, type OpenAPIOptions, type ResourceSource } from '../openapi/documents.js';
import { AggregatedOpenAPI, type RemoteOpenAPISource } from './openapi-aggregated.js';

/** True when the Accept header admits JSON (absent, application/json, application/*, or * / *). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part
      .trim()
      .split(';')
      .map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    if (qParam && Number(qParam.slice(2)) === 0) return false;
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

/** The protobuf media types of /openapi/v2 (kube-openapi's, with `@` and the older `.`), when Accept names one. */
const PROTOBUF_V2 = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];
function acceptsProtobufV2(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((p) => PROTOBUF_V2.includes(p.split(';')[0]!.trim().toLowerCase()));
}
/** True when JSON comes before protobuf in Accept (clients that take both get what they listed first). */
function acceptsJsonFirst(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((p) => p.split(';')[0]!.trim().toLowerCase());
  const json = types.findIndex((t) => t === 'application/json');
  const pb = types.findIndex((t) => PROTOBUF_V2.includes(t));
  return json >= 0 && (pb < 0 || json < pb);
}

function sendStatus(res: Response, err: StatusError): void {
  res.status(err.code).type('application/json').send(JSON.stringify(err.toStatus()));
}

function sendDocument(
  req: Request,
  res: Response,
  doc: { hash: string; body: string | Buffer },
  cacheControl: string,
  contentType = 'application/json',
): void {
  // Both encodings carry the JSON document's ETag, as kube-openapi's handler sets it (Vary: Accept keeps caches apart).
  const etag = `"${doc.hash}"`;
  res.setHeader('Content-Type', contentType);
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept');
  res.setHeader('Cache-Control', cacheControl);
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  res.status(200).send(doc.body);
}

export function openapiRouter(
  defs: ResourceDef[] | ResourceSource,
  opts: OpenAPIOptions = {},
  remote?: RemoteOpenAPISource,
): express.Router {
  const own = new OpenAPIDocuments(defs, opts);
  // With the aggregation layer, extension servers' documents are merged in (openapi-aggregated.ts).
  const docs = remote ? new AggregatedOpenAPI(own, remote) : own;
  const router = express.Router();
  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  // The protobuf form of the v2 document (kubectl 1.27/1.28 ask for it only), built from the JSON one on first use.
  let v2Protobuf: { hash: string; body: Buffer } | undefined;
  router.get(
    '/openapi/v2',
    wrap(async (req, res) => {
      const doc = await docs.v2();
      if (acceptsProtobufV2(req.headers.accept) && !acceptsJsonFirst(req.headers.accept)) {
        if (v2Protobuf?.hash !== doc.hash) {
          const { openapiV2Protobuf } = await import('../openapi/proto-v2.js');
          v2Protobuf = { hash: doc.hash, body: openapiV2Protobuf(doc.body) };
        }
        // Answered as the `.v1.0` subtype whichever was asked: the `@` of the deprecated one is no token for Go's mime parser.
        return sendDocument(req, res, v2Protobuf, 'no-cache, private', PROTOBUF_V2[1]);
      }
      if (!acceptsJson(req.headers.accept)) return sendStatus(res, notAcceptable());
      sendDocument(req, res, doc, 'no-cache, private');
    }),
  );

  router.get(
    '/openapi/v3',
    wrap(async (req, res) => {
      if (!acceptsJson(req.headers.accept)) return sendStatus(res, notAcceptable());
      sendDocument(req, res, await docs.v3Root(), 'no-cache, private');
    }),
  );

  router.get(
    /^\/openapi\/v3\/(.+)$/,
    wrap(async (req, res) => {
      const gv = req.path.slice('/openapi/v3/'.length).replace(/\/+$/, '');
      const doc = await docs.v3(gv);
      if (!doc) return sendStatus(res, genericNotFound());
      if (!acceptsJson(req.headers.accept)) return sendStatus(res, notAcceptable());
      const hash = typeof req.query.hash === 'string' ? req.query.hash : undefined;
      if (hash !== undefined && hash !== doc.hash) {
        // A stale link: send the client to the current document, as upstream does.
        res.redirect(301, `/openapi/v3/${gv}?hash=${doc.hash}`);
        return;
      }
      if (hash !== undefined) {
        res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
        sendDocument(req, res, doc, 'public, immutable');
      } else {
        sendDocument(req, res, doc, 'no-cache, private');
      }
    }),
  );

  return router;
}
