// Label and field selectors applied to stored objects (lists, watches, deletecollection).
import { parseLabelSelector, type LabelSelector } from '../machinery/labels.js';
import { parseFieldSelector, validateFieldSelector, type FieldSelector } from '../machinery/fields.js';
import type { KObject, ResourceDef } from './types.js';

export class ObjectFilter {
  private labels?: LabelSelector;
  private fields?: FieldSelector;
  private getters: Record<string, (o: KObject) => string | undefined>;

  constructor(def: ResourceDef, labelSelector?: string, fieldSelector?: string) {
    this.getters = {
      'metadata.name': (o) => o.metadata.name ?? '',
      ...(def.namespaced ? { 'metadata.namespace': (o: KObject) => o.metadata.namespace ?? '' } : {}),
      ...(def.fieldSelectors ?? {}),
    };
    if (labelSelector && labelSelector.trim()) this.labels = parseLabelSelector(labelSelector);
    if (fieldSelector && fieldSelector.trim()) {
      this.fields = parseFieldSelector(fieldSelector);
      validateFieldSelector(this.fields, Object.keys(this.getters), def.group ? `${def.kind}.${def.group}` : def.kind);
    }
  }

  isEmpty(): boolean {
    return !this.labels && !this.fields;
  }

  matches(o: KObject): boolean {
    if (this.labels && !this.labels.matches(o.metadata.labels)) return false;
    if (this.fields && !this.fields.matches((f) => this.getters[f]?.(o))) return false;
    return true;
  }
}
