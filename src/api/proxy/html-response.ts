// Which proxied responses get their HTML rewritten, and the body stream that does it (apimachinery's rewriteResponse):
// only `text/html`, only without a Location (a redirect is rewritten in its header alone), only an encoding the proxy
// can undo and redo (none, gzip, deflate; any other passes untouched, as upstream logs and passes it). The body is
// decoded, rewritten and encoded again as it streams, so Content-Length no longer holds and is dropped. Every other
// response streams through untouched. Bodies are read as UTF-8, as upstream assumes.
import type { IncomingMessage } from 'node:http';
import { pipeline, type Transform, type Writable } from 'node:stream';
import zlib from 'node:zlib';
import { htmlRewriter } from './html-rewrite.js';

/** The media type without parameters, lower-cased (`text/html; charset=utf-8` → `text/html`). */
const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();

/** Per Content-Encoding the proxy can undo and redo: [decoder, encoder], both absent for a plain body. */
const CODECS: Record<string, () => [decode: Transform, encode: Transform] | undefined> = {
  '': () => undefined,
  identity: () => undefined,
  gzip: () => [zlib.createGunzip(), zlib.createGzip()],
  // HTTP's deflate is the zlib format (RFC 9110 §8.4.1.2); upstream reads raw flate, which real servers do not send.
  deflate: () => [zlib.createInflate(), zlib.createDeflate()],
};

const encodingOf = (res: IncomingMessage) => (res.headers['content-encoding'] ?? '').trim().toLowerCase();

/** Whether a response carries HTML whose links the proxy rewrites. */
export function rewritesHtml(method: string | undefined, res: IncomingMessage): boolean {
  if (mediaType(res.headers['content-type']) !== 'text/html' || res.headers.location) return false;
  if (method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) return false;
  return Object.hasOwn(CODECS, encodingOf(res));
}

/**
 * Streams the response's body to `to` with its links rewritten, in its original Content-Encoding; `done` hears of the
 * end or the first error. Call only when rewritesHtml said so, after dropping Content-Length from the headers.
 */
export function pipeRewrittenHtml(
  res: IncomingMessage,
  to: Writable,
  rewriteUrl: (url: string) => string,
  done: (err: Error | null) => void,
): void {
  const codec = CODECS[encodingOf(res)]!();
  const rewriter = htmlRewriter(rewriteUrl);
  // The rewriter takes and gives strings; the encoder (or the client's response) takes them as UTF-8.
  if (!codec) {
    res.setEncoding('utf8');
    pipeline(res, rewriter, to, done);
    return;
  }
  const [decode, encode] = codec;
  decode.setEncoding('utf8');
  pipeline(res, decode, rewriter, encode, to, done);
}
