// The HTML half of apimachinery's proxy transport (rewriteHTML): a streaming tokenizer (parse5's rewriting stream, not
// a tree builder, as Go's html.Tokenizer) passes the page through and, in the start tags whose attributes atomsToAttrs
// names as URLs, hands each such value to the URL rewriter. Tags with nothing changed go out byte for byte; a changed
// one is serialized again (its attribute values re-escaped), as Go's token.String() does.
import { RewritingStream } from 'parse5-html-rewriting-stream';

/** atomsToAttrs: which attributes of which tags hold URLs (HTML 4 and 5 attribute indexes). CSS urls are not rewritten. */
export const URL_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  a: new Set(['href']),
  applet: new Set(['codebase']),
  area: new Set(['href']),
  audio: new Set(['src']),
  base: new Set(['href']),
  blockquote: new Set(['cite']),
  body: new Set(['background']),
  button: new Set(['formaction']),
  command: new Set(['icon']),
  del: new Set(['cite']),
  embed: new Set(['src']),
  form: new Set(['action']),
  frame: new Set(['longdesc', 'src']),
  head: new Set(['profile']),
  html: new Set(['manifest']),
  iframe: new Set(['longdesc', 'src']),
  img: new Set(['longdesc', 'src', 'usemap']),
  input: new Set(['src', 'usemap', 'formaction']),
  ins: new Set(['cite']),
  link: new Set(['href']),
  object: new Set(['classid', 'codebase', 'data', 'usemap']),
  q: new Set(['cite']),
  script: new Set(['src']),
  source: new Set(['src']),
  video: new Set(['poster', 'src']),
};

/** A transform from HTML text to HTML text (strings both ways) with the URL attributes passed through `rewriteUrl`. */
export function htmlRewriter(rewriteUrl: (url: string) => string): RewritingStream {
  const stream = new RewritingStream();
  stream.on('startTag', (tag, raw) => {
    const urlAttrs = URL_ATTRIBUTES[tag.tagName];
    let changed = false;
    if (urlAttrs) {
      for (const attr of tag.attrs) {
        if (!urlAttrs.has(attr.name)) continue;
        const value = rewriteUrl(attr.value);
        if (value !== attr.value) [attr.value, changed] = [value, true];
      }
    }
    if (changed) stream.emitStartTag(tag);
    else stream.emitRaw(raw);
  });
  return stream;
}
