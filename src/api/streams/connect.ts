// The streams behind connect subresources that are plain HTTP (pods/log). Which resources have one, and which methods
// they take, is their definition's (`connect` on the subresource); this is only the HTTP side of serving it.
import type { Request, Response } from 'express';
import type { SubresourceDef } from '../../registry/types.js';
import type { ResourceRequest } from '../resource-path.js';
import type { ApiDeps } from '../context.js';
import { genericNotFound } from '../../machinery/api/errors.js';
import { serveLog } from './log.js';

type StreamHandler = (req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest) => Promise<void>;

/** Keyed by group/resource/subresource, as the apiserver installs a Connecter's route. */
const STREAMS: Record<string, StreamHandler> = { '/pods/log': serveLog };

export function serveConnect(req: Request, res: Response, deps: ApiDeps, rr: ResourceRequest, sub: SubresourceDef): Promise<void> {
  const handler = STREAMS[`${rr.def.group}/${rr.def.plural}/${sub.name}`];
  if (!handler) throw genericNotFound();
  return handler(req, res, deps, rr);
}
