// Builds the /openapi/v2 and /openapi/v3 documents for the served resources, once, on first use,
// and keeps them as serialized JSON with their hashes (the v3 root links each GV as ?hash=<HASH>).
import { createHash } from 'node:crypto';
import type { ResourceDef } from '../registry/types.js';
import { addDefinitions, getDefinitions, getDefinitionsV2, type Definitions } from './definitions.js';
import { annotateListSemantics, loadMergeKeys } from './list-semantics.js';
import { gvPathOf, pathsOf, resourceListPath, type PathItem } from './operations.js';
import { renderV2 } from './render-v2.js';
import { renderV3 } from './render-v3.js';

/** A set of served resources that may change (the Registry): documents are rebuilt after a change. */
export interface ResourceSource {
  readonly defs: ResourceDef[];
  onChange(fn: () => void): unknown;
}

export interface OpenAPIOptions {
  /** Schemas for kinds the generated definitions lack (e.g. metrics.k8s.io). */
  extraDefinitions?: Definitions;
  /** info.version of the documents. */
  version?: string;
}

/** A serialized document and its hash (SHA-512, upper-case hex, as Kubernetes uses for v3 links). */
export interface CachedDocument { body: string; hash: string }

const hashOf = (body: string) => createHash('sha512').update(body).digest('hex').toUpperCase();
const cached = (doc: unknown): CachedDocument => { const body = JSON.stringify(doc); return { body, hash: hashOf(body) }; };

export class OpenAPIDocuments {
  private ready?: Promise<void>;
  private v2Doc?: CachedDocument;
  private v3Docs = new Map<string, CachedDocument>();
  private v3RootDoc?: CachedDocument;
  private readonly version: string;

  private readonly source: { readonly defs: ResourceDef[] };

  constructor(defs: ResourceDef[] | ResourceSource, private readonly opts: OpenAPIOptions = {}) {
    this.version = opts.version ?? 'v1.33.0';
    this.source = Array.isArray(defs) ? { defs } : defs;
    // Custom resources come and go: every document (and so every hash and ETag) is built again on next use.
    if (!Array.isArray(defs))
      defs.onChange(() => {
        this.v2Doc = undefined;
        this.v3Docs.clear();
        this.v3RootDoc = undefined;
      });
  }

  private get defs(): ResourceDef[] {
    return this.source.defs;
  }

  /** Loads definitions and the list-semantics table; every document depends on both. */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      if (this.opts.extraDefinitions) addDefinitions(this.opts.extraDefinitions);
      annotateListSemantics(getDefinitions(), await loadMergeKeys());
    })();
    return this.ready;
  }

  /** Group-versions in the order resources were given: 'api/v1', 'apis/apps/v1', ... */
  groupVersions(): string[] {
    return [...new Set(this.defs.map((d) => gvPathOf(d.group, d.version)))];
  }

  private pathsFor(gvPath?: string): PathItem[] {
    const out: PathItem[] = [];
    const seenGv = new Set<string>();
    for (const d of this.defs) {
      const gv = gvPathOf(d.group, d.version);
      if (gvPath && gv !== gvPath) continue;
      if (!seenGv.has(gv)) { seenGv.add(gv); out.push(resourceListPath(d.group, d.version)); }
      out.push(...pathsOf(d));
    }
    return out;
  }

  async v2(): Promise<CachedDocument> {
    await this.prepare();
    this.v2Doc ??= cached(renderV2(this.pathsFor(), getDefinitionsV2(), this.version));
    return this.v2Doc;
  }

  /** The document of one group-version path ('api/v1', 'apis/apps/v1'), or undefined if not served. */
  async v3(gvPath: string): Promise<CachedDocument | undefined> {
    await this.prepare();
    if (!this.groupVersions().includes(gvPath)) return undefined;
    let doc = this.v3Docs.get(gvPath);
    if (!doc) {
      doc = cached(renderV3(this.pathsFor(gvPath), getDefinitions(), this.version));
      this.v3Docs.set(gvPath, doc);
    }
    return doc;
  }

  /** `{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}}` */
  async v3Root(): Promise<CachedDocument> {
    if (!this.v3RootDoc) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const gv of this.groupVersions()) {
        const doc = (await this.v3(gv))!;
        paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.hash}` };
      }
      this.v3RootDoc = cached({ paths });
    }
    return this.v3RootDoc;
  }
}
