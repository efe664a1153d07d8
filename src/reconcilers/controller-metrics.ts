// Per-controller metrics named as client-go's workqueue and controller-runtime name them, on /metrics.
import client from 'prom-client';
import { metricsRegistry } from '../machinery/metrics/registry.js';

export const workqueueDepth = new client.Gauge({
  name: 'workqueue_depth',
  help: 'Current depth of workqueue',
  labelNames: ['name'],
  registers: [metricsRegistry],
});

export const workqueueAdds = new client.Counter({
  name: 'workqueue_adds_total',
  help: 'Total number of adds handled by workqueue',
  labelNames: ['name'],
  registers: [metricsRegistry],
});

export const workqueueRetries = new client.Counter({
  name: 'workqueue_retries_total',
  help: 'Total number of retries handled by workqueue',
  labelNames: ['name'],
  registers: [metricsRegistry],
});

export const reconcileTime = new client.Histogram({
  name: 'controller_runtime_reconcile_time_seconds',
  help: 'Length of time per reconciliation per controller',
  labelNames: ['controller'],
  registers: [metricsRegistry],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

export const reconcileTotal = new client.Counter({
  name: 'controller_runtime_reconcile_total',
  help: 'Total number of reconciliations per controller',
  labelNames: ['controller', 'result'],
  registers: [metricsRegistry],
});
