// The create and update paths as the generic registry runs a strategy, for strategy unit tests.
import { fieldErrorMessage } from '../../src/machinery/api/errors.js';
import type { Strategy } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

export function create(s: Strategy, obj: KObject) {
  const o = clone(obj);
  s.prepareForCreate?.(o);
  s.defaults?.(o);
  return { obj: o, errs: s.validate?.(o) ?? [] };
}

export function update(s: Strategy, obj: KObject, old: KObject) {
  const o = clone(obj);
  s.prepareForUpdate?.(o, old);
  s.defaults?.(o);
  return { obj: o, errs: [...(s.validate?.(o) ?? []), ...(s.validateUpdate?.(o, old) ?? [])] };
}

/** Field errors as kubectl prints them: `field: message`. */
export const msgs = (errs: { field: string }[]) => errs.map((e) => `${e.field}: ${fieldErrorMessage(e as never)}`);
