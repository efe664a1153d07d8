// Go %#v renderings that Kubernetes 1.33 puts in some Invalid messages (maps, label selectors, string slices).
import { isObj, type J } from './field.js';

const q = (s: unknown) => JSON.stringify(String(s));

/** map[string]string{"a":"1", "b":"2"} (Go sorts map keys); nil → map[string]string(nil). */
export function goStringMap(m: unknown): string {
  if (!isObj(m)) return 'map[string]string(nil)';
  const parts = Object.keys(m)
    .sort()
    .map((k) => `${q(k)}:${q(m[k])}`);
  return `map[string]string{${parts.join(', ')}}`;
}
/** []string{"a", "b"}; nil → []string(nil). */
export function goStringSlice(v: unknown): string {
  return Array.isArray(v) ? `[]string{${v.map(q).join(', ')}}` : '[]string(nil)';
}
/** v1.LabelSelector{MatchLabels:..., MatchExpressions:...} as a dereferenced *metav1.LabelSelector prints. */
export function goLabelSelector(sel: J): string {
  if (!isObj(sel)) return 'null';
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map(
          (r: J) =>
            `v1.LabelSelectorRequirement{Key:${q(r?.key ?? '')}, Operator:${q(r?.operator ?? '')}, Values:${goStringSlice(r?.values)}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}
