// Watch responses: chunked newline-delimited events, headers flushed at once (kubectl waits for them).
import type { Request, Response } from 'express';
import type { ResourceDef } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import type { ApiDeps } from './context.js';
import { queryBool, queryInt, queryString } from './context.js';
import { ObjectFilter } from '../registry/object-filter.js';
import { renderObject } from './representation.js';
import { PROTOBUF_MEDIA_TYPE, type ResponseShape } from './negotiation.js';
import { loadProtobufEncoder } from './protobuf-response.js';
import { StatusError, badRequest } from '../machinery/api/errors.js';
import { apiVersionOf } from '../registry/types.js';
import { terminatedWatchers, watchGauge } from './metrics.js';
import { watchEventLine } from './watch-encoding.js';
import { WatchBacklog } from './watch-backlog.js';

/** Mutable so API tests can see bookmarks without waiting 10 s; nothing else should change it. */
export const watchSettings = { bookmarkIntervalMs: 10_000 };

export async function serveWatch(
  req: Request,
  res: Response,
  deps: ApiDeps,
  def: ResourceDef,
  namespace: string | undefined,
  shape: ResponseShape,
): Promise<void> {
  const filter = new ObjectFilter(def, queryString(req, 'labelSelector'), queryString(req, 'fieldSelector'));
  const timeoutSeconds = queryInt(req, 'timeoutSeconds');
  // A malformed resourceVersion is a 400 before the stream starts, not an ERROR event inside it.
  const rv = queryString(req, 'resourceVersion');
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const bookmarks = queryBool(req, 'allowWatchBookmarks');

  // Protobuf watches are length-prefixed WatchEvent frames (client-go's default for built-in kinds).
  const protobuf = shape.kind === 'object' && shape.format === 'protobuf' ? await loadProtobufEncoder() : undefined;
  /** One event in the stream's encoding; undefined when the object cannot be framed (no wire message). */
  const encodeEvent = (type: string, object: KObject | Record<string, unknown>): string | Buffer | undefined => {
    if (protobuf) return protobuf.encodeWatchFrame(type, object);
    if (shape.kind === 'object') return watchEventLine(type, object as KObject);
    return JSON.stringify({ type, object: renderObject(req, def, object as KObject, shape) }) + '\n';
  };

  res.status(200);
  res.setHeader('Content-Type', protobuf ? `${PROTOBUF_MEDIA_TYPE};stream=watch` : 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.flushHeaders();

  let closed = false;
  // Only the pending timers: a long-lived watch must not collect one per bookmark it sent.
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let watcher: { stop(): void } | undefined;
  /** Ends the watch; `abort` drops the connection with whatever is still buffered for it. */
  const finish = (abort = false) => {
    if (closed) return;
    closed = true;
    watcher?.stop();
    timers.forEach(clearTimeout);
    watchGauge.dec({ resource: def.plural, group: def.group });
    if (abort) res.destroy();
    else res.end();
  };

  const backlog = new WatchBacklog(res);
  const write = (line: string | Buffer | undefined) => {
    if (line === undefined) {
      // An object the stream's encoding cannot carry: the client watches again (and lists, as after any close).
      finish();
      return;
    }
    if (backlog.hasRoom()) {
      res.write(line);
      return;
    }
    // The client stopped reading, or reads too slowly: it resumes from the last resourceVersion it saw.
    terminatedWatchers.inc({ resource: def.group ? `${def.plural}.${def.group}` : def.plural });
    finish(true);
  };
  const send = (type: string, obj: KObject) => write(encodeEvent(type, obj));
  watchGauge.inc({ resource: def.plural, group: def.group });
  res.on('close', () => finish());

  try {
    // The cache may end a watch (it listed its store again): the client watches again, as after any close.
    watcher = await deps.service.watch(
      def,
      namespace,
      queryString(req, 'resourceVersion'),
      filter,
      (type, obj) => {
        if (!closed) send(type, obj);
      },
      () => finish(),
    );
  } catch (e) {
    if (e instanceof StatusError) {
      const event = protobuf ? protobuf.encodeWatchFrame('ERROR', e.toStatus()) : undefined;
      res.write(event ?? JSON.stringify({ type: 'ERROR', object: e.toStatus() }) + '\n');
      finish();
      return;
    }
    throw e;
  }
  if (closed) {
    watcher.stop();
    return;
  }
  backlog.replayed();
  if (timeoutSeconds && timeoutSeconds > 0) later(() => finish(), timeoutSeconds * 1000);
  if (bookmarks) {
    // Bookmarks carry the latest revision, so clients resume from it and idle streams stay alive.
    const tick = () => {
      if (closed) return;
      const rv = String(deps.service.revision());
      const object = { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: rv } };
      write(protobuf ? protobuf.encodeWatchFrame('BOOKMARK', object) : JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
      later(tick, watchSettings.bookmarkIntervalMs);
    };
    later(tick, watchSettings.bookmarkIntervalMs);
  }
}
