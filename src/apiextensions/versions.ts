// Kubernetes' version priority (version.CompareKubeAwareVersionStrings): GA before beta before alpha, higher
// numbers first, then versions that do not look like Kubernetes versions in alphabetical order.
import { compareStrings } from '../machinery/compare.js';

const KUBE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function rank(v: string): [number, number, number] | undefined {
  const m = KUBE.exec(v);
  if (!m) return undefined;
  const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [stage, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
}

/** Negative when `a` has the higher priority (sorts first). */
export function compareVersionPriority(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra && !rb) return -1;
  if (!ra && rb) return 1;
  if (!ra || !rb) return compareStrings(a, b);
  if (ra[0] !== rb[0]) return rb[0] - ra[0];
  if (ra[1] !== rb[1]) return rb[1] - ra[1];
  return rb[2] - ra[2];
}
