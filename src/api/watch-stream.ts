// Watch responses: chunked newline-delimited events, headers flushed at once (kubectl waits for them).
import type { Request, Response } from 'express';
import type { ResourceDef, KObject } from '../registry/types.js';
import type { ApiDeps } from './context.js';
import { queryBool, queryInt, queryString } from './context.js';
import { ObjectFilter } from '../registry/object-filter.js';
import { renderObject } from './representation.js';
import type { ResponseShape } from './negotiation.js';
import { StatusError, badRequest } from './errors.js';
import { apiVersionOf } from '../registry/types.js';
import { watchGauge } from './metrics.js';

/** Mutable so API tests can see bookmarks without waiting 10 s; nothing else should change it. */
export const watchSettings = { bookmarkIntervalMs: 10_000 };

export async function serveWatch(req: Request, res: Response, deps: ApiDeps, def: ResourceDef, namespace: string | undefined,
  shape: ResponseShape): Promise<void> {
  const filter = new ObjectFilter(def, queryString(req, 'labelSelector'), queryString(req, 'fieldSelector'));
  const timeoutSeconds = queryInt(req, 'timeoutSeconds');
  // A malformed resourceVersion is a 400 before the stream starts, not an ERROR event inside it.
  const rv = queryString(req, 'resourceVersion');
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const bookmarks = queryBool(req, 'allowWatchBookmarks');

  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.flushHeaders();

  const write = (type: string, object: unknown) => { res.write(JSON.stringify({ type, object }) + '\n'); };
  const send = (type: string, obj: KObject) => {
    write(type, shape.kind === 'object' ? obj : renderObject(req, def, obj, shape));
  };

  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  let watcher: { stop(): void } | undefined;
  const finish = () => {
    if (closed) return;
    closed = true;
    watcher?.stop();
    timers.forEach(clearTimeout);
    watchGauge.dec({ resource: def.plural, group: def.group });
    res.end();
  };
  watchGauge.inc({ resource: def.plural, group: def.group });
  res.on('close', finish);

  try {
    watcher = await deps.service.watch(def, namespace, queryString(req, 'resourceVersion'), filter, (type, obj) => {
      if (!closed) send(type, obj);
    });
  } catch (e) {
    if (e instanceof StatusError) { write('ERROR', e.toStatus()); finish(); return; }
    throw e;
  }
  if (closed) { watcher.stop(); return; }
  if (timeoutSeconds && timeoutSeconds > 0) timers.push(setTimeout(finish, timeoutSeconds * 1000));
  if (bookmarks) {
    // Bookmarks carry the latest revision, so clients resume from it and idle streams stay alive.
    const tick = () => {
      if (closed) return;
      const rv = String(deps.service.revision());
      write('BOOKMARK', { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: rv } });
      timers.push(setTimeout(tick, watchSettings.bookmarkIntervalMs));
    };
    timers.push(setTimeout(tick, watchSettings.bookmarkIntervalMs));
  }
}
