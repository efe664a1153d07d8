// cel-go's two-variable comprehensions (ext.TwoVarComprehensions, in Kubernetes' base environment since 1.32):
// `all`, `exists`, `existsOne`, `transformList`, `transformMap` and `transformMapEntry` with an index (lists) or key
// (maps) and a value variable. cel-js expands macros at parse time and asks them for a type check and an evaluation;
// the two variables are declared `dyn` in nested contexts the way cel-js' own comprehensions declare theirs.
import type { Environment } from '@marcbachmann/cel-js';
import { celEqual } from './equality.js';

// cel-js' macro interface (documented in its README, "Custom macros"), reduced to what these macros use.
interface AstNode {
  op: string;
  args: unknown;
}
interface Context {
  forkWithVariable(name: string, type: unknown): Context;
  reuse(parent: Context): Context;
  setIterValue(v: unknown, ev: Evaluator): Context;
}
interface Checker {
  check(node: AstNode, ctx: Context): unknown;
  getType(name: string): unknown;
}
interface Evaluator {
  run(node: AstNode, ctx: Context): unknown;
}
interface Macro {
  receiver: AstNode;
  key: string;
  value: string;
  filter?: AstNode;
  body: AstNode;
  keyCtx?: Context;
  valueCtx?: Context;
}

function identifier(node: AstNode, fn: string): string {
  if (node.op === 'id' && typeof node.args === 'string') return node.args;
  throw new Error(`${fn}() variable name must be a simple identifier`);
}

/** The (index or key, value) pairs of a list or map. */
function pairs(coll: unknown): [unknown, unknown][] {
  if (Array.isArray(coll)) return coll.map((v, i) => [BigInt(i), v]);
  if (coll instanceof Map) return [...coll.entries()];
  if (coll !== null && typeof coll === 'object' && !(coll instanceof Uint8Array)) return Object.entries(coll);
  throw new Error('expression does not evaluate to a list or map');
}

type Run = (m: Macro, ev: Evaluator, ctx: Context) => unknown;

function register(env: Environment, name: string, argc: 3 | 4, returnType: string, run: Run): void {
  const params = Array(argc).fill('ast').join(', ');
  env.registerFunction(`list.${name}(${params}): ${returnType}`, ({ args, receiver }: { args: AstNode[]; receiver: AstNode }) => {
    const m: Macro = {
      receiver,
      key: identifier(args[0]!, name),
      value: identifier(args[1]!, name),
      ...(argc === 4 ? { filter: args[2] } : {}),
      body: args[argc - 1]!,
    };
    return {
      async: false,
      typeCheck(checker: Checker, _m: unknown, ctx: Context) {
        checker.check(m.receiver, ctx);
        const dyn = checker.getType('dyn');
        m.keyCtx = ctx.forkWithVariable(m.key, dyn);
        m.valueCtx = m.keyCtx.forkWithVariable(m.value, dyn);
        if (m.filter) checker.check(m.filter, m.valueCtx);
        checker.check(m.body, m.valueCtx);
        return checker.getType(returnType);
      },
      evaluate: (ev: Evaluator, _m: unknown, ctx: Context) => run(m, ev, ctx),
    };
  });
}

/** Evaluates `node` with the two variables bound. */
function bound(m: Macro, ev: Evaluator, ctx: Context, k: unknown, v: unknown): (node: AstNode) => unknown {
  const c = m.valueCtx!.reuse(m.keyCtx!.reuse(ctx).setIterValue(k, ev)).setIterValue(v, ev);
  return (node) => ev.run(node, c);
}

/** all/exists: short-circuit on the deciding value; an error elsewhere stands only if nothing decided. */
const quantifier =
  (decisive: boolean): Run =>
  (m, ev, ctx) => {
    let error: unknown;
    for (const [k, v] of pairs(ev.run(m.receiver, ctx))) {
      try {
        if (bound(m, ev, ctx, k, v)(m.body) === decisive) return decisive;
      } catch (e) {
        error ??= e;
      }
    }
    if (error) throw error;
    return !decisive;
  };

/**
 * Calls `f` for each (key, value) the filter (if any) keeps, with the variables bound while it runs: the contexts are
 * reused from one element to the next, so a binding must be used before the next one is made.
 */
function forKept(m: Macro, ev: Evaluator, ctx: Context, f: (k: unknown, run: (node: AstNode) => unknown) => void): void {
  for (const [k, v] of pairs(ev.run(m.receiver, ctx))) {
    const run = bound(m, ev, ctx, k, v);
    if (!m.filter || run(m.filter) === true) f(k, run);
  }
}

const existsOne: Run = (m, ev, ctx) => {
  let n = 0;
  forKept(m, ev, ctx, (_, run) => void (run(m.body) === true && n++));
  return n === 1;
};

const transformList: Run = (m, ev, ctx) => {
  const out: unknown[] = [];
  forKept(m, ev, ctx, (_, run) => out.push(run(m.body)));
  return out;
};

const transformMap: Run = (m, ev, ctx) => {
  const out = new Map<unknown, unknown>();
  forKept(m, ev, ctx, (k, run) => out.set(k, run(m.body)));
  return out;
};

const transformMapEntry: Run = (m, ev, ctx) => {
  const out = new Map<unknown, unknown>();
  forKept(m, ev, ctx, (_, run) => {
    for (const [k, v] of pairs(run(m.body))) {
      if ([...out.keys()].some((x) => celEqual(x, k))) throw new Error(`insert failed: key ${String(k)} already exists`);
      out.set(k, v);
    }
  });
  return out;
};

export function registerComprehensions(env: Environment): void {
  register(env, 'all', 3, 'bool', quantifier(false));
  register(env, 'exists', 3, 'bool', quantifier(true));
  register(env, 'existsOne', 3, 'bool', existsOne);
  for (const argc of [3, 4] as const) {
    register(env, 'transformList', argc, 'list<dyn>', transformList);
    register(env, 'transformMap', argc, 'map<dyn, dyn>', transformMap);
    register(env, 'transformMapEntry', argc, 'map<dyn, dyn>', transformMapEntry);
  }
}
