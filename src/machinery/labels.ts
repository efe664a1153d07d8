// Label selectors: the string syntax of apimachinery's labels.Parse (query parameter `labelSelector`)
// and metav1.LabelSelector objects (matchLabels / matchExpressions), with Kubernetes' error texts,
// because kubectl shows those messages to users verbatim.
import { StatusError } from './api/errors.js';

/** selection.Operator values, as Kubernetes spells them. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** As given (the parser hands them over sorted and de-duplicated). */
  values: string[];
}

export interface LabelSelector {
  /** Sorted by key, as Kubernetes sorts them. */
  readonly requirements: LabelRequirement[];
  /** True for a selector that selects everything (no requirements). */
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined | null): boolean;
  /** Kubernetes' canonical form: `app=web,tier in (a,b),!legacy`. */
  toString(): string;
}

/** metav1.LabelSelector as stored in objects. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

// ---- validation of keys and values (apimachinery util/validation) ----

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const maxLenError = (n: number) => `must be no more than ${n} characters`;
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Kubernetes renders the examples as "'a',  or 'b', " (sic: double space); clients match on it.
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

function dns1123SubdomainErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(v)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** Problems with a label key (IsQualifiedName); empty when valid. */
export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME_RE.test(name))
    errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** Problems with a label value (IsValidLabelValue); empty when valid. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** field.Invalid(...).Error(): `<path>: Invalid value: "<v>": <detail>`. A nil path prints as `<nil>`. */
const invalidMsg = (path: string, value: unknown, detail: string) => `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;

/** utilerrors.Aggregate's Error(): one message alone, several de-duplicated inside brackets. */
function aggregate(msgs: string[]): string | undefined {
  const uniq = [...new Set(msgs)];
  if (uniq.length === 0) return undefined;
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}

const INT64 = /^[+-]?\d+$/;
const isInt64 = (s: string) => INT64.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n;

/** labels.NewRequirement's checks; returns the aggregated message or undefined. */
function requirementError(key: string, op: LabelOperator, values: string[], path = ''): string | undefined {
  const at = (child: string) => (path ? `${path}.${child}` : child);
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length) errs.push(invalidMsg(at('key'), key, keyErrs.join('; ')));
  const goList = (vs: string[]) => `[]string{${vs.map((v) => JSON.stringify(v)).join(', ')}}`;
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push(`${at('values')}: Invalid value: ${goList(values)}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push(`${at('values')}: Invalid value: ${goList(values)}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push(`${at('values')}: Invalid value: ${goList(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1)
        errs.push(`${at('values')}: Invalid value: ${goList(values)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (!isInt64(v)) errs.push(invalidMsg(`${at('values')}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const vErrs = labelValueErrors(v);
    if (vErrs.length) errs.push(invalidMsg(`${at('values')}[${i}][${key}]`, v, vErrs.join('; ')));
  });
  return aggregate(errs);
}

// ---- matching and rendering ----

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(val!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(val!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !isInt64(val!) || r.values.length !== 1 || !isInt64(r.values[0]!)) return false;
      const a = BigInt(val!);
      const b = BigInt(r.values[0]!);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** Requirement.String(): values sorted when there are several. */
export function requirementToString(r: LabelRequirement): string {
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${vals})`;
    case 'notin':
      return `${r.key} notin (${vals})`;
    case 'gt':
      return `${r.key}>${vals}`;
    case 'lt':
      return `${r.key}<${vals}`;
    default:
      return `${r.key}${r.operator}${vals}`;
  }
}

function makeSelector(reqs: LabelRequirement[]): LabelSelector {
  // Stable sort by key, as Kubernetes orders requirements.
  const requirements = reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map((x) => x.r);
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
    toString: () => requirements.map(requirementToString).join(','),
  };
}

/** Selects everything (labels.Everything()). */
export const everything = (): LabelSelector => makeSelector([]);

/** Selects nothing (labels.Nothing()): what a missing metav1.LabelSelector means. */
export const nothing = (): LabelSelector => ({
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '',
});

// ---- the string syntax: lexer and recursive-descent parser, same grammar and messages as labels.Parse ----

enum Tok {
  Error,
  End,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const LITERALS: Record<string, Tok> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => '=!(),><'.includes(c);
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

interface Item {
  tok: Tok;
  lit: string;
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isSpace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: Tok.End, lit: '' });
      return items;
    }
    if (isSpecial(s[pos]!)) {
      // Longest run of symbols that still forms an operator ("!=" rather than "!" then "=").
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        if (has(LITERALS, buf)) {
          last = { tok: LITERALS[buf]!, lit: buf };
          pos++;
        } else if (last) break;
        else pos++;
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      while (pos < s.length && !isSpecial(s[pos]!) && !isSpace(s[pos]!)) buf += s[pos++];
      items.push(has(LITERALS, buf) ? { tok: LITERALS[buf]!, lit: buf } : { tok: Tok.Identifier, lit: buf });
    }
  }
}

class ParseError extends Error {}

class Parser {
  private pos = 0;
  constructor(private items: Item[]) {}

  /** In a value position the keywords `in` / `notin` are plain identifiers. */
  private adjust(it: Item, values: boolean): Item {
    return values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? { tok: Tok.Identifier, lit: it.lit } : it;
  }
  private lookahead(values = true): Item {
    return this.adjust(this.items[this.pos]!, values);
  }
  private consume(values = true): Item {
    return this.adjust(this.items[this.pos++]!, values);
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        try {
          reqs.push(this.parseRequirement());
        } catch (e) {
          throw new ParseError(`unable to parse requirement: ${(e as Error).message}`);
        }
        const next = this.consume();
        if (next.tok === Tok.End) return reqs;
        if (next.tok === Tok.Comma) {
          const after = this.lookahead();
          if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist)
            throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
        } else {
          throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === Tok.End) {
        return reqs;
      } else {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return this.newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // A set: de-duplicated and sorted, as sets.String.List() hands them to NewRequirement.
    return this.newRequirement(key, op, [...values].sort());
  }

  private newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
    const err = requirementError(key, operator, values);
    if (err) throw new ParseError(err);
    return { key, operator, values };
  }

  private parseKeyAndInferOperator(): { key: string; operator?: LabelOperator } {
    let operator: LabelOperator | undefined;
    let it = this.consume();
    if (it.tok === Tok.DoesNotExist) {
      operator = '!';
      it = this.consume();
    }
    if (it.tok !== Tok.Identifier) throw new ParseError(`found '${it.lit}', expected: identifier`);
    const keyErrs = labelKeyErrors(it.lit);
    if (keyErrs.length) throw new ParseError(invalidMsg('<nil>', it.lit, keyErrs.join('; ')));
    const next = this.lookahead().tok;
    if ((next === Tok.End || next === Tok.Comma) && operator !== '!') operator = 'exists';
    return { key: it.lit, operator };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new ParseError(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume();
    if (open.tok !== Tok.OpenPar) throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = this.parseIdentifiersList();
      // Kubernetes reports the token seen before the list here, not the offending one.
      if (this.consume().tok !== Tok.ClosedPar) throw new ParseError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === Tok.ClosedPar) {
      this.consume();
      return new Set(['']);
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume();
      if (tok === Tok.Identifier) {
        s.add(lit);
        const next = this.lookahead();
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosedPar) return s;
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        // Empty members ("(,a)", "(a,,b)", "(a,)") stand for the empty value.
        if (s.size === 0) s.add('');
        const next = this.lookahead().tok;
        if (next === Tok.ClosedPar) {
          s.add('');
          return s;
        }
        if (next === Tok.Comma) s.add('');
      } else {
        throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead().tok;
    if (next === Tok.End || next === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume();
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parse the `labelSelector` query syntax (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>1`, `a<1`; comma = AND). Throws a 400 BadRequest StatusError with Kubernetes' message.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return makeSelector(new Parser(lex(s)).parse());
  } catch (e) {
    if (e instanceof ParseError) throw new StatusError(400, 'BadRequest', e.message);
    throw e;
  }
}

const OBJECT_OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: matchLabels AND matchExpressions. A missing selector selects nothing,
 * an empty one everything. Throws a 400 StatusError (Kubernetes' message) for an invalid selector.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (!sel) return nothing();
  const reqs: LabelRequirement[] = [];
  const fail = (msg: string) => new StatusError(400, 'BadRequest', msg);
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    const err = requirementError(k, '=', [v]);
    if (err) throw fail(err);
    reqs.push({ key: k, operator: '=', values: [v] });
  }
  for (const expr of sel.matchExpressions ?? []) {
    const op = has(OBJECT_OPERATORS, expr.operator) ? OBJECT_OPERATORS[expr.operator] : undefined;
    if (!op) throw fail(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    const values = [...(expr.values ?? [])];
    const err = requirementError(expr.key, op, values);
    if (err) throw fail(err);
    reqs.push({ key: expr.key, operator: op, values });
  }
  return makeSelector(reqs);
}

/**
 * The selector's string form, as `LabelSelectorAsSelector(sel).String()` (Scale's status.selector,
 * the Deployment SELECTOR column): `app=web,tier in (a,b)`; '' for a missing or empty selector.
 * Throws like labelSelectorFromObject when invalid.
 */
export function selectorToString(sel: LabelSelectorObject | null | undefined): string {
  return labelSelectorFromObject(sel).toString();
}

/** metav1.FormatLabelSelector (ReplicaSet SELECTOR column): `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelectorObject | null | undefined): string {
  try {
    return selectorToString(sel) || '<none>';
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels for a plain map (Service SELECTOR column): `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}
