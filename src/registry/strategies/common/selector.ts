// metav1.LabelSelector: validation (ValidateLabelSelector) and matching against a label set.
import { child, forbidden, index, invalid, isObj, required, type Errs, type J } from './field.js';
import { validateLabelName, validateLabels } from './meta.js';

export function validateLabelSelector(sel: J, field: string): Errs {
  if (!isObj(sel)) return [];
  const errs: Errs = [];
  (Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []).forEach((r: J, i: number) => {
    const p = index(child(field, 'matchExpressions'), i);
    const op = r?.operator;
    const values = Array.isArray(r?.values) ? r.values : [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(child(p, 'operator'), op ?? '', 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(String(r?.key ?? ''), child(p, 'key')));
  });
  errs.push(...validateLabels(sel.matchLabels, child(field, 'matchLabels')));
  return errs;
}

/** LabelSelectorAsSelector(sel).Matches(labels). A missing selector matches nothing; an empty one everything. */
export function selectorMatches(sel: J, labels: unknown): boolean {
  if (!isObj(sel)) return false;
  const l: Record<string, string> = isObj(labels) ? (labels as Record<string, string>) : {};
  for (const [k, v] of Object.entries(isObj(sel.matchLabels) ? sel.matchLabels : {})) if (l[k] !== v) return false;
  for (const r of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    const has = Object.prototype.hasOwnProperty.call(l, r?.key);
    const values: string[] = Array.isArray(r?.values) ? r.values : [];
    switch (r?.operator) {
      case 'In':
        if (!has || !values.includes(l[r.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export const selectorIsEmpty = (sel: J) =>
  !isObj(sel) ||
  Object.keys(isObj(sel.matchLabels) ? sel.matchLabels : {}).length +
    (Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0) ===
    0;
