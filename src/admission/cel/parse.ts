// Parsing a CEL expression with cel-go's has(): the presence test takes any selection `has(e.f)`, whatever the
// operand `e` is (`has(self.items[0].name)`, `has(self.m['k'].x)`, `has(f(x).y)`). cel-js' has() macro walks the
// selections down to an identifier and refuses any other operand ("has() invalid argument") when it type-checks the
// macro; its evaluation already runs the operand as an expression. So after parsing, each has() call gets a type check
// that stops at the first operand that is not a selection and checks it as an ordinary expression.
import type { Environment, ParseResult, TypeCheckResult } from '@marcbachmann/cel-js';

interface Node {
  op?: string;
  args?: unknown;
  meta?: { macro?: HasMacro; alternate?: unknown };
}
interface HasMacro {
  args?: Node[];
  macroHasProps?: Node[];
  typeCheck?: (checker: Checker, macro: HasMacro, ctx: unknown) => unknown;
}
interface Checker {
  check(node: Node, ctx: unknown): unknown;
  getType(name: string): unknown;
  createError(code: string, message: string, node: Node): Error;
}

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && typeof (v as Node).op === 'string';

/** has() over any selection: the selections outermost first, then the operand they apply to (type-checked whole). */
function typeCheckHas(checker: Checker, macro: HasMacro, ctx: unknown): unknown {
  let node = macro.args?.[0];
  if (!node || node.op !== '.') throw checker.createError('invalid_macro_argument', 'has() invalid argument', node ?? {});
  if (!macro.macroHasProps) {
    const props: Node[] = [];
    while (node.op === '.' || node.op === '.?') {
      props.push(node);
      node = (node.args as [Node, string])[0];
    }
    checker.check(node, ctx);
    props.push(node);
    macro.macroHasProps = props;
  }
  return checker.getType('bool');
}

/** Gives every has() call in an AST cel-go's operand rule. */
export function generalizeHas(ast: unknown): void {
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isNode(v)) return Object.values(v).forEach(visit);
    const macro = v.meta?.macro;
    if (macro && v.op === 'call' && (v.args as unknown[] | undefined)?.[0] === 'has') macro.typeCheck = typeCheckHas;
    visit(v.args);
    visit(macro?.args);
    visit(v.meta?.alternate);
  };
  visit(ast);
}

/** `env.parse` with cel-go's has(): the parsed expression, whose check and evaluation accept any has() operand. */
export function parseCel(env: Environment, expression: string): ParseResult {
  const parsed = env.parse(expression);
  generalizeHas(parsed.ast);
  return parsed;
}

/** `env.check` on a parse with cel-go's has(). */
export function checkCel(env: Environment, expression: string): TypeCheckResult {
  let parsed: ParseResult;
  try {
    parsed = parseCel(env, expression);
  } catch (error) {
    return { valid: false, error: error as TypeCheckResult['error'] };
  }
  return parsed.check();
}
