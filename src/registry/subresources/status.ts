// The metav1.Status a subresource that makes no object of its own answers with (binding, eviction).
import type { KObject } from '../types.js';

export const successStatus = (code: number): KObject =>
  ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code }) as KObject;
