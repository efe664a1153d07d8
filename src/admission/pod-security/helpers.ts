// Small formatting and traversal helpers shared by the checks (the wording follows pod-security-admission).
import type { Json, PodShape } from './types.js';
import { compareStrings } from '../../machinery/compare.js';

export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as unknown[]).map(obj) : []);
/** A list of strings (capabilities and the like); anything else reads as empty. */
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A present (non-null) object field: Go's `!= nil` on a pointer. */
export const has = (o: Json, k: string): boolean => o[k] !== undefined && o[k] !== null;

export const pluralize = (singular: string, plural: string, n: number) => (n === 1 ? singular : plural);
export const joinQuote = (items: string[]) => (items.length ? `"${items.join('", "')}"` : '');
/** Go's %q of a string, close enough for label/annotation values. */
export const quote = (s: string) => JSON.stringify(s);
/** sets.String.List(): unique and sorted (byte order). */
export const sortedUnique = (items: Iterable<string>) => [...new Set(items)].sort(byteOrder);
export const byteOrder = compareStrings;

/** Every container of the pod: init containers, then containers, then ephemeral containers (visitContainers order). */
export function containersOf(pod: PodShape): Json[] {
  return [...arr(pod.spec.initContainers), ...arr(pod.spec.containers), ...arr(pod.spec.ephemeralContainers)];
}

export const nameOf = (c: Json) => str(c.name);
export const securityContextOf = (c: Json): Json | undefined => (has(c, 'securityContext') ? obj(c.securityContext) : undefined);
export const podSecurityContext = (pod: PodShape): Json | undefined =>
  has(pod.spec, 'securityContext') ? obj(pod.spec.securityContext) : undefined;

/** `container "a"` / `containers "a", "b"`. */
export const containersPhrase = (names: string[]) => `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;

/** Windows pods are exempt from some restricted checks since policy 1.25 (the fields mean nothing there). */
export const isWindowsPod = (pod: PodShape) => str(obj(pod.spec.os).name) === 'windows';
