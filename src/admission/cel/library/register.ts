// One way for every library to declare its overloads to cel-js: a name, an optional receiver type, typed parameters
// and a handler (throwing an Error is a CEL evaluation error with that message).
import type { Environment } from '@marcbachmann/cel-js';

export interface CelFunction {
  name: string;
  receiverType?: string;
  returnType: string;
  params: string[];
  handler: (...a: never[]) => unknown;
}

export function registerFunctions(env: Environment, fns: readonly CelFunction[]): void {
  for (const f of fns) {
    env.registerFunction({
      name: f.name,
      ...(f.receiverType ? { receiverType: f.receiverType } : {}),
      returnType: f.returnType,
      params: f.params.map((type, i) => ({ name: `a${i}`, type })),
      handler: f.handler as (...a: unknown[]) => unknown,
    });
  }
}

/**
 * Upstream's namespaced functions (`ip.isCanonical`, `format.named`, `sets.contains`) are receiver functions of a
 * constant here: cel-js reads `a.b(x)` as a call on the value `a`.
 */
export function registerNamespace(env: Environment, name: string): string {
  const type = `kubernetes.${name}Namespace`;
  class Namespace {}
  Object.defineProperty(Namespace, 'name', { value: type });
  env.registerType(type, Namespace);
  env.registerConstant(name, type, new Namespace());
  return type;
}
