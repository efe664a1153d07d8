// Builders for field.Error values with Kubernetes' wording, and path helpers shaped like field.Path.
import type { FieldError } from '../../../machinery/api/errors.js';

export type Errs = FieldError[];

/** Loose JSON view of an object; strategies read user-supplied JSON whose shape is not yet trusted. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type J = any;

export const child = (path: string, name: string) => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number) => `${path}[${i}]`;
export const key = (path: string, k: string) => `${path}[${k}]`;

export const required = (field: string, detail?: string): FieldError =>
  detail ? { type: 'FieldValueRequired', field, detail } : { type: 'FieldValueRequired', field };
export const invalid = (field: string, value: unknown, detail?: string): FieldError =>
  detail === undefined ? { type: 'FieldValueInvalid', field, value } : { type: 'FieldValueInvalid', field, value, detail };
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  supported,
});
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
/** field.TooLong: the value is never echoed. */
export const tooLong = (field: string, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`,
});
/**
 * field.NotFound ("Not found: <value>"). errors.ts has no FieldValueNotFound member yet, so the reason is
 * right but the rendered message falls back to "Invalid value" until it does.
 */
export const notFound = (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound' as FieldError['type'], field, value });
/**
 * Invalid value whose value Kubernetes 1.33 prints with Go's %#v (maps, structs). errors.ts renders objects as
 * JSON, so the Go rendering is carried in the detail with no value: "Invalid value: <go>: <detail>".
 */
export const invalidGo = (field: string, goValue: string, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  detail: `${goValue}: ${detail}`,
});

export const isSet = (v: unknown) => v !== undefined && v !== null;
export const isObj = (v: unknown): v is Record<string, J> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const arr = (v: unknown): J[] => (Array.isArray(v) ? v : []);
export const obj = (v: unknown): Record<string, J> => (isObj(v) ? v : {});

/** ValidateNonnegativeField. */
export function nonNegative(value: unknown, field: string): Errs {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}
/** ValidatePositiveField-ish (`must be greater than 0`). */
export function positive(value: unknown, field: string): Errs {
  return typeof value === 'number' && value <= 0 ? [invalid(field, value, 'must be greater than 0')] : [];
}
export const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;
