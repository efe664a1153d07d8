// Prometheus metrics named as kube-apiserver names them, so existing dashboards and queries apply.
import client from 'prom-client';
import { metricsRegistry } from '../machinery/metrics/registry.js';

export { metricsRegistry };

const labelNames = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'] as const;

export const requestTotal = new client.Counter({
  name: 'apiserver_request_total',
  help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
  labelNames,
  registers: [metricsRegistry],
});

export const requestDuration = new client.Histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
  labelNames: labelNames.filter((l) => l !== 'code'),
  buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  registers: [metricsRegistry],
});

export const watchGauge = new client.Gauge({
  name: 'apiserver_longrunning_requests',
  help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.',
  labelNames: ['group', 'resource'],
  registers: [metricsRegistry],
});

export const watchEventsTotal = new client.Counter({
  name: 'apiserver_watch_events_total',
  help: 'Number of events sent in watch clients',
  labelNames: ['group', 'version', 'kind'],
  registers: [metricsRegistry],
});

export const terminatedWatchers = new client.Counter({
  name: 'apiserver_terminated_watchers_total',
  help: 'Counter of watchers closed due to unresponsiveness broken by resource type.',
  labelNames: ['resource'],
  registers: [metricsRegistry],
});

export const storageObjects = new client.Gauge({
  name: 'apiserver_storage_objects',
  help: 'Number of stored objects at the time of last check split by kind.',
  labelNames: ['resource'],
  registers: [metricsRegistry],
});

export interface RequestInfo {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
}

/** Records one finished request; watches count when they end, not their duration. */
export function observeRequest(info: RequestInfo, code: number, seconds: number): void {
  const labels = { ...info, component: 'apiserver' };
  requestTotal.inc({ ...labels, code: String(code) });
  if (info.verb !== 'WATCH') requestDuration.observe(labels, seconds);
}
