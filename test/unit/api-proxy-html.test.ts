// The HTML rewriting of apimachinery's proxy transport (rewriteHTML, rewriteResponse): every URL attribute of the
// atomsToAttrs table, absolute paths and the backend's own host under the proxy prefix, other hosts and relative links
// left alone, untouched tags kept byte for byte, gzip and deflate bodies decoded and encoded again, and which responses
// are rewritten at all (text/html only, no Location, a known encoding).
import { Readable, Writable } from 'node:stream';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { htmlRewriter, URL_ATTRIBUTES } from '../../src/api/proxy/html-rewrite.js';
import { pipeRewrittenHtml, rewritesHtml } from '../../src/api/proxy/html-response.js';
import { rewriteLocation } from '../../src/api/proxy/rewrite.js';

const prefix = '/api/v1/namespaces/ns/services/web:80/proxy';
const backend = '10.244.0.5:8080';
const client = '127.0.0.1:8001';
const rw = (url: string) => rewriteLocation(url, backend, client, prefix);

async function rewrite(html: string, chunkSize = html.length): Promise<string> {
  const chunks: string[] = [];
  for (let i = 0; i < html.length; i += chunkSize) chunks.push(html.slice(i, i + chunkSize));
  let out = '';
  const stream = htmlRewriter(rw);
  stream.on('data', (s: string) => (out += s));
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve).on('error', reject);
    for (const c of chunks) stream.write(c);
    stream.end();
  });
  return out;
}

test('every attribute of the table is rewritten, on its own tag only', async () => {
  for (const [tag, attrs] of Object.entries(URL_ATTRIBUTES)) {
    for (const attr of attrs) {
      const out = await rewrite(`<${tag} ${attr}="/x/y">`);
      expect(out).toBe(`<${tag} ${attr}="${prefix}/x/y">`);
    }
  }
  // href is a URL on <a>, not on <div>; src is not a URL attribute of <a>.
  expect(await rewrite('<div href="/x"></div><a src="/x">t</a>')).toBe('<div href="/x"></div><a src="/x">t</a>');
});

test('absolute paths and URLs on the backend host go under the prefix; other hosts and relative links stay', async () => {
  const page = [
    '<!DOCTYPE html><html><head><link rel="stylesheet" href="/style.css"></head><body>',
    '<a href="/other">o</a><img src="/x.png" alt="x">',
    `<a href="http://${backend}/login?next=%2Fa#top">l</a>`,
    `<a href="http://${client}/here">c</a>`,
    '<a href="https://example.com/away">a</a>',
    '<a href="rel/page">r</a><a href="../up">u</a><a href="#frag">f</a>',
    `<a href="${prefix}/already">p</a>`,
    '<form action="/submit" method="post"><input type="image" src="/btn.png" formaction="/go"></form>',
    '</body></html>',
  ].join('');
  expect(await rewrite(page)).toBe(
    [
      `<!DOCTYPE html><html><head><link rel="stylesheet" href="${prefix}/style.css"></head><body>`,
      `<a href="${prefix}/other">o</a><img src="${prefix}/x.png" alt="x">`,
      `<a href="${prefix}/login?next=%2Fa#top">l</a>`,
      `<a href="http://${client}${prefix}/here">c</a>`,
      '<a href="https://example.com/away">a</a>',
      '<a href="rel/page">r</a><a href="../up">u</a><a href="#frag">f</a>',
      `<a href="${prefix}/already">p</a>`,
      `<form action="${prefix}/submit" method="post"><input type="image" src="${prefix}/btn.png" formaction="${prefix}/go"></form>`,
      '</body></html>',
    ].join(''),
  );
});

test('untouched markup goes out byte for byte, split across chunks anywhere', async () => {
  const page =
    "<!-- c --><P CLASS='k'>caf\u00e9 &amp; <b>x</b></P><script>if (a < b) location = '/nope';</script>" +
    '<A HREF=\'/up\'>u</A><textarea><a href="/not-a-tag"></textarea>';
  const expected =
    "<!-- c --><P CLASS='k'>caf\u00e9 &amp; <b>x</b></P><script>if (a < b) location = '/nope';</script>" +
    `<a href="${prefix}/up">u</A><textarea><a href="/not-a-tag"></textarea>`;
  expect(await rewrite(page)).toBe(expected);
  expect(await rewrite(page, 3)).toBe(expected);
});

function response(headers: Record<string, string>, body: Buffer, statusCode = 200): IncomingMessage {
  const res = Readable.from([body]) as unknown as IncomingMessage;
  Object.assign(res, { headers, statusCode });
  return res;
}

async function collect(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(Buffer.from(chunk));
      cb();
    },
  });
  await new Promise<void>((resolve, reject) => pipeRewrittenHtml(res, sink, rw, (err) => (err ? reject(err) : resolve())));
  return Buffer.concat(parts);
}

test('a gzip body is decoded, rewritten and gzipped again; deflate likewise; a plain one as is', async () => {
  const page = '<html><body><a href="/other">o</a><img src="/x.png"></body></html>';
  const want = `<html><body><a href="${prefix}/other">o</a><img src="${prefix}/x.png"></body></html>`;
  const gz = await collect(response({ 'content-type': 'text/html', 'content-encoding': 'gzip' }, zlib.gzipSync(page)));
  expect(zlib.gunzipSync(gz).toString()).toBe(want);
  const df = await collect(response({ 'content-type': 'text/html', 'content-encoding': 'deflate' }, zlib.deflateSync(page)));
  expect(zlib.inflateSync(df).toString()).toBe(want);
  const plain = await collect(response({ 'content-type': 'text/html; charset=utf-8' }, Buffer.from(page)));
  expect(plain.toString()).toBe(want);
});

test('a body that is not the gzip it claims is an error, not a silent pass', async () => {
  await expect(
    collect(response({ 'content-type': 'text/html', 'content-encoding': 'gzip' }, Buffer.from('<a href="/x">'))),
  ).rejects.toThrow();
});

test('only text/html without a Location, with a body and a known encoding, is rewritten', () => {
  const r = (headers: Record<string, string>, statusCode = 200) => response(headers, Buffer.alloc(0), statusCode);
  expect(rewritesHtml('GET', r({ 'content-type': 'text/html' }))).toBe(true);
  expect(rewritesHtml('GET', r({ 'content-type': 'Text/HTML; charset=utf-8' }))).toBe(true);
  expect(rewritesHtml('POST', r({ 'content-type': 'text/html', 'content-encoding': 'gzip' }))).toBe(true);
  expect(rewritesHtml('GET', r({ 'content-type': 'text/html', 'content-encoding': 'deflate' }))).toBe(true);
  expect(rewritesHtml('GET', r({ 'content-type': 'application/json' }))).toBe(false);
  expect(rewritesHtml('GET', r({ 'content-type': 'text/plain' }))).toBe(false);
  expect(rewritesHtml('GET', r({ 'content-type': 'application/xhtml+xml' }))).toBe(false);
  expect(rewritesHtml('GET', r({}))).toBe(false);
  expect(rewritesHtml('GET', r({ 'content-type': 'text/html', 'content-encoding': 'br' }))).toBe(false);
  expect(rewritesHtml('GET', r({ 'content-type': 'text/html', location: '/x' }, 302))).toBe(false);
  expect(rewritesHtml('HEAD', r({ 'content-type': 'text/html' }))).toBe(false);
  expect(rewritesHtml('GET', r({ 'content-type': 'text/html' }, 304))).toBe(false);
});
