// policy/v1: PodDisruptionBudgets, with a /status the disruption controller and the eviction subresource write.
import { podDisruptionBudgetStrategy } from '../strategies/index.js';
import { TABLES } from '../tables/index.js';
import type { ResourceDef } from '../types.js';

export const poddisruptionbudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  statusSubresource: true,
  strategy: podDisruptionBudgetStrategy,
  table: TABLES['policy/poddisruptionbudgets'],
};
