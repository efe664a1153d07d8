// JSON.parse, but a syntax error carries the message Go's encoding/json gives for the same input
// ("invalid character 'x' looking for beginning of value", "unexpected end of JSON input"), because
// the apiserver returns that text in its 400 Status. Nesting past MAX_DEPTH is refused as encoding/json refuses
// nesting past its own bound ("invalid character '{' exceeded max depth").
import { MAX_DEPTH, jsonTooDeep } from '../decode/limits.js';

export class GoJSONSyntaxError extends Error {}

export function parseJSONLikeGo(text: string): unknown {
  // Too deep: the scanner reports what Go reports first, a syntax error before the bracket or the depth at it,
  // without building the nested value.
  if (jsonTooDeep(text)) throw new GoJSONSyntaxError(goSyntaxError(text));
  try {
    return JSON.parse(text);
  } catch {
    throw new GoJSONSyntaxError(goSyntaxError(text));
  }
}

const EOF = 'unexpected end of JSON input';

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c)
    .slice(1, -1)
    .replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
  return `'${q}'`;
}

class Scanner {
  i = 0;
  private depth = 0;
  constructor(private s: string) {}

  /** Entering an object or array: one level past MAX_DEPTH is an error at its bracket (and bounds the recursion). */
  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('exceeded max depth');
  }

  fail(context: string): never {
    if (this.i >= this.s.length) throw new GoJSONSyntaxError(EOF);
    throw new GoJSONSyntaxError(`invalid character ${quoteChar(this.s[this.i])} ${context}`);
  }
  ws(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++;
  }
  peek(): string | undefined {
    return this.s[this.i];
  }

  value(): void {
    this.ws();
    const c = this.peek();
    if (c === undefined) this.fail('');
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true');
    if (c === 'f') return this.literal('false');
    if (c === 'n') return this.literal('null');
    this.fail('looking for beginning of value');
  }

  object(): void {
    this.enter();
    this.i++;
    this.ws();
    if (this.peek() === '}') {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.ws();
      if (this.peek() !== '"') this.fail('looking for beginning of object key string');
      this.string();
      this.ws();
      if (this.peek() !== ':') this.fail('after object key');
      this.i++;
      this.value();
      this.ws();
      const c = this.peek();
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        this.depth--;
        return;
      }
      this.fail('after object key:value pair');
    }
  }

  array(): void {
    this.enter();
    this.i++;
    this.ws();
    if (this.peek() === ']') {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.peek();
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        this.depth--;
        return;
      }
      this.fail('after array element');
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('');
      if (c === '"') {
        this.i++;
        return;
      }
      if (c < ' ') this.fail('in string literal');
      if (c === '\\') {
        this.i++;
        const e = this.peek();
        if (e === undefined) this.fail('');
        if (e === 'u') {
          this.i++;
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(this.peek() ?? '')) this.fail('in \\u hexadecimal character escape');
            this.i++;
          }
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) this.fail('in string escape code');
      }
      this.i++;
    }
  }

  digits(): void {
    while (/[0-9]/.test(this.peek() ?? '')) this.i++;
  }

  number(): void {
    if (this.peek() === '-') {
      this.i++;
      if (!/[0-9]/.test(this.peek() ?? '')) this.fail('in numeric literal');
    }
    if (this.peek() === '0') this.i++;
    else this.digits();
    if (this.peek() === '.') {
      this.i++;
      if (!/[0-9]/.test(this.peek() ?? '')) this.fail('after decimal point in numeric literal');
      this.digits();
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.i++;
      if (this.peek() === '+' || this.peek() === '-') this.i++;
      if (!/[0-9]/.test(this.peek() ?? '')) this.fail('in exponent of numeric literal');
      this.digits();
    }
  }

  literal(word: string): void {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.peek() !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k])})`);
      this.i++;
    }
  }
}

function goSyntaxError(text: string): string {
  const sc = new Scanner(text);
  try {
    sc.value();
    sc.ws();
    if (sc.peek() !== undefined) sc.fail('after top-level value');
  } catch (e) {
    if (e instanceof GoJSONSyntaxError) return e.message;
    throw e;
  }
  return EOF; // JSON.parse refused something the scanner accepts (should not happen).
}
