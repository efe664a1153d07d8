// kube-aggregator's OpenAPI aggregation over this server's own documents: the v3 root also links each Available
// extension server's group/version (its document served as that server sent it), and /openapi/v2 gains the extension
// servers' paths and definitions where this server has none of that name (its own win, as in discovery). Without
// remote documents the local ones pass through untouched.
import { createHash } from 'node:crypto';
import type { CachedDocument, OpenAPIDocuments } from '../openapi/documents.js';

/** OpenAPI of group/versions served elsewhere (the aggregation layer's RemoteDiscovery). */
export interface RemoteOpenAPISource {
  /** v3 documents by path (`apis/<group>/<version>`). */
  openapiV3(): Map<string, string>;
  openapiV2(): { paths: Record<string, unknown>; definitions: Record<string, unknown> }[];
  onChange(fn: () => void): unknown;
}

type Docs = Pick<OpenAPIDocuments, 'v2' | 'v3' | 'v3Root'>;

const hashOf = (body: string) => createHash('sha512').update(body).digest('hex').toUpperCase();
const cached = (body: string): CachedDocument => ({ body, hash: hashOf(body) });

export class AggregatedOpenAPI {
  /** Merged documents, each kept with the local hash it was built from; all dropped when the remote ones change. */
  private v2Doc?: { from: string; doc: CachedDocument };
  private rootDoc?: { from: string; doc: CachedDocument };
  private remoteDocs = new Map<string, CachedDocument>();

  constructor(
    private readonly local: Docs,
    private readonly remote: RemoteOpenAPISource,
  ) {
    remote.onChange(() => {
      this.v2Doc = undefined;
      this.rootDoc = undefined;
      this.remoteDocs.clear();
    });
  }

  async v2(): Promise<CachedDocument> {
    const local = await this.local.v2();
    const parts = this.remote.openapiV2();
    if (!parts.length) return local;
    if (this.v2Doc?.from !== local.hash) {
      const doc = JSON.parse(local.body) as { paths?: Record<string, unknown>; definitions?: Record<string, unknown> };
      const paths = { ...doc.paths };
      const definitions = { ...doc.definitions };
      for (const p of parts) {
        for (const [k, v] of Object.entries(p.paths)) if (!(k in paths)) paths[k] = v;
        for (const [k, v] of Object.entries(p.definitions)) if (!(k in definitions)) definitions[k] = v;
      }
      this.v2Doc = { from: local.hash, doc: cached(JSON.stringify({ ...doc, paths, definitions })) };
    }
    return this.v2Doc.doc;
  }

  async v3(gvPath: string): Promise<CachedDocument | undefined> {
    const local = await this.local.v3(gvPath);
    if (local) return local;
    let doc = this.remoteDocs.get(gvPath);
    if (!doc) {
      const body = this.remote.openapiV3().get(gvPath);
      if (body === undefined) return undefined;
      doc = cached(body);
      this.remoteDocs.set(gvPath, doc);
    }
    return doc;
  }

  async v3Root(): Promise<CachedDocument> {
    const local = await this.local.v3Root();
    const remote = this.remote.openapiV3();
    if (!remote.size) return local;
    if (this.rootDoc?.from !== local.hash) {
      const root = JSON.parse(local.body) as { paths: Record<string, { serverRelativeURL: string }> };
      for (const gv of remote.keys()) {
        if (gv in root.paths) continue;
        const doc = (await this.v3(gv))!;
        root.paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.hash}` };
      }
      this.rootDoc = { from: local.hash, doc: cached(JSON.stringify(root)) };
    }
    return this.rootDoc.doc;
  }
}
