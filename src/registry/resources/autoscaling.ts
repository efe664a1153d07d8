// autoscaling/v2 HorizontalPodAutoscalers (stored) with /status, and autoscaling/v1 served from the same objects
// (converted on every read and write, as events.k8s.io/v1 Events are core/v1 Events); listed by `kubectl get all`.
import type { ResourceDef } from '../types.js';
import { horizontalPodAutoscalerStrategy, horizontalPodAutoscalerV1Strategy } from '../strategies/horizontalpodautoscaler.js';
import { horizontalPodAutoscalersTable, horizontalPodAutoscalersV1Table } from '../tables/horizontalpodautoscalers.js';
import { defaultHorizontalPodAutoscaler } from '../strategies/horizontalpodautoscaler.js';
import { v1ToV2, v2ToV1 } from '../autoscaling/convert-v1.js';
import type { KObject } from '../types.js';

const base: Omit<ResourceDef, 'version' | 'strategy'> = {
  group: 'autoscaling',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  statusSubresource: true,
};

/** A v1 write in the stored form, with the v2 defaults (the 80% CPU target of an HPA that names no metric). */
function v1ToStorage(obj: KObject): KObject {
  const v2 = v1ToV2(obj);
  defaultHorizontalPodAutoscaler(v2);
  return v2;
}

export const horizontalpodautoscalers: ResourceDef = {
  ...base,
  version: 'v2',
  strategy: horizontalPodAutoscalerStrategy,
  table: horizontalPodAutoscalersTable,
};

export const horizontalpodautoscalersV1: ResourceDef = {
  ...base,
  version: 'v1',
  strategy: horizontalPodAutoscalerV1Strategy,
  table: horizontalPodAutoscalersV1Table,
  storage: { group: 'autoscaling', plural: 'horizontalpodautoscalers', toStorage: v1ToStorage, fromStorage: v2ToV1 },
};
