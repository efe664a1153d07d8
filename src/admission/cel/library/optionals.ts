// The parts of cel-go's optional types (cel.OptionalTypes, in Kubernetes' base environment since 1.28) that cel-js
// lacks: `optional.ofNonZeroValue(v)`, and the `optMap`/`optFlatMap` macros binding the value to a variable.
import { Optional, type Environment } from '@marcbachmann/cel-js';

interface AstNode {
  op: string;
  args: unknown;
}
interface Context {
  forkWithVariable(name: string, type: unknown): Context;
  reuse(parent: Context): Context;
  setIterValue(v: unknown, ev: unknown): Context;
}

/** CEL's zero values: null, 0, 0u, 0.0, "", b"", false, [], {}, the zero duration and timestamp 0001-01-01. */
function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Date) return v.toISOString() === '0001-01-01T00:00:00.000Z';
  if (v instanceof Map) return v.size === 0;
  if (typeof v === 'object') {
    const name = v.constructor?.name;
    if (name === 'UnsignedInt' || name === 'Duration') return String(v) === '0' || String(v) === '0s';
    if (name === 'Object' || name === undefined) return Object.keys(v).length === 0;
  }
  return false;
}

function optMacro(env: Environment, name: 'optMap' | 'optFlatMap'): void {
  env.registerFunction(`optional.${name}(ast, ast): optional<dyn>`, ({ args, receiver }: { args: AstNode[]; receiver: AstNode }) => {
    if (args[0]!.op !== 'id' || typeof args[0]!.args !== 'string') throw new Error(`${name}() variable name must be a simple identifier`);
    const variable = args[0]!.args;
    const body = args[1]!;
    let varCtx: Context | undefined;
    return {
      async: false,
      typeCheck(checker: { check(n: AstNode, c: Context): unknown; getType(t: string): unknown }, _m: unknown, ctx: Context) {
        checker.check(receiver, ctx);
        varCtx = ctx.forkWithVariable(variable, checker.getType('dyn'));
        checker.check(body, varCtx);
        return checker.getType('optional<dyn>');
      },
      evaluate(ev: { run(n: AstNode, c: Context): unknown }, _m: unknown, ctx: Context) {
        const opt = ev.run(receiver, ctx);
        if (!(opt instanceof Optional)) throw new Error(`${name}() receiver must be optional`);
        if (!opt.hasValue()) return Optional.none();
        const out = ev.run(body, varCtx!.reuse(ctx).setIterValue(opt.value(), ev));
        if (name === 'optMap') return Optional.of(out);
        if (!(out instanceof Optional)) throw new Error('optFlatMap() expression must return an optional');
        return out;
      },
    };
  });
}

export function registerOptionals(env: Environment): void {
  env.registerFunction({
    name: 'ofNonZeroValue',
    receiverType: 'OptionalNamespace',
    returnType: 'optional<dyn>',
    params: [{ name: 'v', type: 'dyn' }],
    handler: (_: unknown, v: unknown) => (isZero(v) ? Optional.none() : Optional.of(v)),
  });
  optMacro(env, 'optMap');
  optMacro(env, 'optFlatMap');
}
