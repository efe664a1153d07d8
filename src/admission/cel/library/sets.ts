// cel-go's sets extension (ext.Sets, in Kubernetes' base environment since 1.29): lists read as sets, with CEL
// equality between elements.
import type { Environment } from '@marcbachmann/cel-js';
import { celEqual } from './equality.js';
import { registerFunctions, registerNamespace } from './register.js';

const has = (l: unknown[], x: unknown) => l.some((y) => celEqual(x, y));

/** Every element of `b` is in `a`. */
export const setContains = (a: unknown[], b: unknown[]) => b.every((x) => has(a, x));
export const setEquivalent = (a: unknown[], b: unknown[]) => setContains(a, b) && setContains(b, a);
export const setIntersects = (a: unknown[], b: unknown[]) => a.some((x) => has(b, x));

export function registerSetsLibrary(env: Environment): void {
  const ns = registerNamespace(env, 'sets');
  const fn = (name: string, f: (a: unknown[], b: unknown[]) => boolean) => ({
    name,
    receiverType: ns,
    returnType: 'bool',
    params: ['list', 'list'],
    handler: (_: unknown, a: unknown[], b: unknown[]) => f(a, b),
  });
  registerFunctions(env, [fn('contains', setContains), fn('equivalent', setEquivalent), fn('intersects', setIntersects)]);
}
