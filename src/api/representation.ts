// Turns objects and lists into what the client negotiated: the object, a Table, or PartialObjectMetadata.
import type { Request } from 'express';
import { buildTable } from '../registry/tables/build.js';
import { defaultTable } from '../registry/tables/index.js';
import { apiVersionOf, type ResourceDef } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import type { ListPage } from '../registry/service.js';
import type { ResponseShape } from './negotiation.js';
import { badRequest } from '../machinery/api/errors.js';
import { queryString } from './context.js';

type IncludeObject = 'None' | 'Metadata' | 'Object';

function includeObjectOf(req: Request): IncludeObject {
  const v = queryString(req, 'includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') throw badRequest(`includeObject: unsupported value "${v}"`);
  return v;
}

const partial = (o: KObject) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });

export function renderList(req: Request, def: ResourceDef, page: ListPage, shape: ResponseShape): unknown {
  const listMeta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continue) listMeta.continue = page.continue;
  if (page.remainingItemCount !== undefined) listMeta.remainingItemCount = page.remainingItemCount;
  if (shape.kind === 'table') {
    return buildTable(def.table ?? defaultTable, page.items, {
      includeObject: includeObjectOf(req),
      now: new Date(),
      resourceVersion: page.resourceVersion,
      continue: page.continue,
      remainingItemCount: page.remainingItemCount,
    });
  }
  if (shape.kind === 'partial') {
    return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: page.items.map(partial) };
  }
  return { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: listMeta, items: page.items };
}

export function renderObject(req: Request, def: ResourceDef, obj: KObject, shape: ResponseShape): unknown {
  if (shape.kind === 'table') {
    return buildTable(def.table ?? defaultTable, [obj], {
      includeObject: includeObjectOf(req),
      now: new Date(),
      resourceVersion: obj.metadata.resourceVersion ?? '',
    });
  }
  if (shape.kind === 'partial') return partial(obj);
  return obj;
}
