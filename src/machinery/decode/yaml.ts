// YAML request bodies to JSON values, as Kubernetes' sigs.k8s.io/yaml does it (go-yaml decode, then JSON
// conversion), with go-yaml's defences against hostile documents (CVE-2019-11253): nesting is bounded while
// parsing, aliases are expanded under go-yaml's ratio rule ("document contains excessive aliasing"), an anchor may
// not contain its own alias, and the expanded value may not grow past the body limit. The `yaml` package parses;
// the document is converted here, because its own toJS shares aliased objects, builds cycles for self-references
// and resolves each alias by rescanning the whole document.
//
// Scalars follow the YAML 1.2 core schema (as the js-yaml decoding before did); duplicate keys decode last-wins
// (they are reported by field validation); merge keys (`<<`) merge with explicit keys winning.
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import { DecodeLimitError, MAX_DECODED_BYTES, MAX_DEPTH, jsonTooDeep } from './limits.js';
import { setOwn } from '../own-keys.js';

// The `yaml` package (~200 files) is loaded by the first YAML body, not at start-up; its CommonJS build loads
// synchronously, so decoding stays synchronous.
let lib: typeof import('yaml') | undefined;
const yamlLib = (): typeof import('yaml') => (lib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
type Yaml = typeof import('yaml');
export const isAlias = ((n) => yamlLib().isAlias(n)) as Yaml['isAlias'];
export const isMap = ((n) => yamlLib().isMap(n)) as Yaml['isMap'];
export const isScalar = ((n) => yamlLib().isScalar(n)) as Yaml['isScalar'];
export const isSeq = ((n) => yamlLib().isSeq(n)) as Yaml['isSeq'];

/** A YAML body that cannot be decoded; `message` is go-yaml's wording (`yaml: line 3: ...`). */
export class YamlDecodeError extends Error {}

export interface ParsedYaml {
  doc: Document.Parsed | undefined;
  lines: LineCounter;
}

const depthMessage = (line: number, max: number) => `yaml: line ${line}: exceeded max depth of ${max}`;

/**
 * The last document parsed, for the same body's next reader in the same turn of the event loop (decoding, then
 * finding duplicate keys): parsing is the costly part (about 0.3 s per MiB).
 */
let recent: { text: string; maxDepth: number; parsed: ParsedYaml } | undefined;

/**
 * Parses one YAML document (an empty stream is `doc: undefined`). Refuses more nesting than `maxDepth` while
 * parsing, before the recursive composition into nodes can run out of stack or time.
 */
export function parseYamlDocument(text: string, maxDepth = MAX_DEPTH): ParsedYaml {
  if (recent && recent.text === text && recent.maxDepth === maxDepth) return recent.parsed;
  const parsed = parse(text, maxDepth);
  if (!recent)
    setImmediate(() => {
      recent = undefined;
    });
  recent = { text, maxDepth, parsed };
  return parsed;
}

function parse(text: string, maxDepth: number): ParsedYaml {
  const { Composer, Lexer, LineCounter, Parser } = yamlLib();
  const lines = new LineCounter();
  lines.addNewLine(0);
  const parser = new Parser(lines.addNewLine);
  const tokens = [];
  // The parser's stack holds one entry per open collection (plus the document and a pending scalar or two).
  for (const lexeme of new Lexer().lex(text, false)) {
    for (const t of parser.next(lexeme)) tokens.push(t);
    if (parser.stack.length > maxDepth + 16) throw new YamlDecodeError(depthMessage(lines.linePos(parser.offset).line, maxDepth));
  }
  for (const t of parser.end()) tokens.push(t);
  const docs = [
    ...new Composer({ merge: true, uniqueKeys: false, schema: 'core', intAsBigInt: false }).compose(tokens, false, text.length),
  ];
  if (docs.length > 1) throw new YamlDecodeError('yaml: expected a single document in the stream, but found more');
  const doc = docs[0];
  const err = doc?.errors[0];
  if (err) {
    const at = err.pos ? lines.linePos(err.pos[0]).line : 0;
    const what =
      err.code === 'RESOURCE_EXHAUSTION'
        ? `exceeded max depth of ${maxDepth}`
        : err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlDecodeError(`yaml: ${at ? `line ${at}: ` : ''}${what}`);
  }
  return { doc, lines };
}

/** Every alias's target: the last node anchored with its name before it, in document order (one pass). */
function aliasTargets(root: Node | null | undefined): Map<Node, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Node, Node | undefined>();
  const visit = (n: Node | null | undefined): void => {
    if (!n) return;
    if (isAlias(n)) {
      targets.set(n, anchors.get(n.source));
      return;
    }
    if (n.anchor) anchors.set(n.anchor, n);
    if (isMap(n))
      for (const p of n.items) {
        visit(p.key as Node | null);
        visit(p.value as Node | null);
      }
    else if (isSeq(n)) for (const item of n.items) visit(item as Node | null);
  };
  visit(root);
  return targets;
}

/** go-yaml's allowedAliasRatio: 99% of the decoded nodes may come from aliases in small documents, 10% in huge ones. */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000,
    high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

/** How sigs.k8s.io/yaml turns a decoded map key into a JSON member name. */
function keyString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  throw new YamlDecodeError('yaml: invalid map key');
}

const MERGE_REQUIRES = 'yaml: map merge requires map or sequence of maps as the value';

/** Decodes a parsed document into a JSON value with go-yaml's alias rules and the decoded-size bound. */
class Converter {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private bytes = 0;
  /** Nodes being converted (ancestors, through aliases): an alias to one of them is a self-reference. */
  private open = new Set<Node>();
  private targets: Map<Node, Node | undefined>;

  constructor(
    private doc: Document.Parsed,
    private maxDepth: number,
    private maxBytes: number,
  ) {
    this.targets = aliasTargets(doc.contents as Node | null);
  }

  run(): unknown {
    this.count();
    return this.value(this.doc.contents as Node | null, 0);
  }

  private count(bytes = 0): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlDecodeError('yaml: document contains excessive aliasing');
    }
    this.bytes += bytes;
    if (this.bytes > this.maxBytes)
      throw new DecodeLimitError(`the YAML document expands to more than ${this.maxBytes} bytes of JSON`, true);
  }

  /** The node an alias stands for (following chains of aliases), counted as go-yaml counts alias decodes. */
  private deref(n: Node): { node: Node | null; aliases: number } {
    let cur: Node | null | undefined = n;
    let aliases = 0;
    while (cur && isAlias(cur)) {
      const target = this.targets.get(cur);
      if (!target) throw new YamlDecodeError(`yaml: unknown anchor '${cur.source}' referenced`);
      if (this.open.has(target)) throw new YamlDecodeError(`yaml: anchor '${cur.source}' value contains itself`);
      this.aliasDepth++;
      aliases++;
      cur = target;
      this.count();
    }
    return { node: cur ?? null, aliases };
  }

  private value(input: Node | null, depth: number): unknown {
    if (!input) {
      this.count(4);
      return null;
    }
    const { node: n, aliases } = isAlias(input) ? this.deref(input) : { node: input, aliases: 0 };
    try {
      if (!n) {
        this.count(4);
        return null;
      }
      if (isScalar(n)) return this.scalar(n.value);
      if (depth + 1 > this.maxDepth) throw new YamlDecodeError(`yaml: exceeded max depth of ${this.maxDepth}`);
      this.open.add(n);
      try {
        if (isSeq(n)) {
          this.count(2);
          return n.items.map((item) => {
            this.count(1);
            return this.value(item as Node | null, depth + 1);
          });
        }
        if (isMap(n)) {
          this.count(2);
          const out: Record<string, unknown> = {};
          this.mapInto(out, n, depth);
          return out;
        }
      } finally {
        this.open.delete(n);
      }
      return null;
    } finally {
      this.aliasDepth -= aliases;
    }
  }

  private scalar(v: unknown): unknown {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new YamlDecodeError(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
    }
    if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8'); // !!binary: go-yaml decodes it to a string
    if (typeof v === 'bigint') v = Number(v);
    this.count(typeof v === 'string' ? v.length + 2 : String(v).length);
    return v === undefined ? null : v;
  }

  private isMergeKey(p: Pair): boolean {
    return isScalar(p.key) && typeof p.key.value === 'symbol';
  }

  /**
   * Members of `map` into `out`: explicit members (the last of duplicates wins), then merged (`<<`) members for
   * the keys still missing, earlier merge sources first.
   */
  private mapInto(out: Record<string, unknown>, map: YAMLMap, depth: number): void {
    for (const p of map.items) {
      if (this.isMergeKey(p)) continue;
      const key = keyString(this.keyValue(p.key as Node | null));
      this.count(key.length + 4);
      setOwn(out, key, this.value(p.value as Node | null, depth + 1));
    }
    for (const p of map.items) {
      if (!this.isMergeKey(p)) continue;
      const { node: src, aliases } = isAlias(p.value as Node) ? this.deref(p.value as Node) : { node: p.value as Node | null, aliases: 0 };
      try {
        const sources = isSeq(src)
          ? src.items.map((i) => (isAlias(i as Node) ? this.deref(i as Node) : { node: i as Node | null, aliases: 0 }))
          : [{ node: src, aliases: 0 }];
        try {
          for (const s of sources) {
            if (!isMap(s.node)) throw new YamlDecodeError(MERGE_REQUIRES);
            const merged: Record<string, unknown> = {};
            this.open.add(s.node);
            try {
              this.mapInto(merged, s.node, depth);
            } finally {
              this.open.delete(s.node);
            }
            for (const k of Object.keys(merged)) if (!Object.hasOwn(out, k)) setOwn(out, k, merged[k]);
          }
        } finally {
          for (const s of sources) this.aliasDepth -= s.aliases;
        }
      } finally {
        this.aliasDepth -= aliases;
      }
    }
  }

  private keyValue(k: Node | null): unknown {
    if (!k) return null;
    const { node, aliases } = isAlias(k) ? this.deref(k) : { node: k, aliases: 0 };
    try {
      if (node && !isScalar(node)) throw new YamlDecodeError('yaml: invalid map key');
      this.count();
      return node ? node.value : null;
    } finally {
      this.aliasDepth -= aliases;
    }
  }
}

/** The JSON value of a parsed document (null for an empty one). */
export function yamlToJson(parsed: ParsedYaml, limits: { depth?: number; bytes?: number } = {}): unknown {
  if (!parsed.doc) return null;
  return new Converter(parsed.doc, limits.depth ?? MAX_DEPTH, limits.bytes ?? MAX_DECODED_BYTES).run();
}

/**
 * Parses and converts a YAML body; throws YamlDecodeError (malformed, hostile) or DecodeLimitError (too large).
 * A body that is JSON (as kubectl's server-side apply sends) decodes as JSON, which YAML 1.2 contains, much faster.
 */
export function decodeYaml(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    const json = asJson(text);
    if (json.ok) return json.value;
  }
  return yamlToJson(parseYamlDocument(text));
}

function asJson(text: string): { ok: true; value: unknown } | { ok: false } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (jsonTooDeep(text)) throw new YamlDecodeError(`yaml: exceeded max depth of ${MAX_DEPTH}`);
  return { ok: true, value };
}
