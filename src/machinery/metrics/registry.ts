// The one Prometheus registry every layer records into and /metrics serves (the HTTP layer reads it; controllers,
// below it, write their workqueue metrics to it).
import client from 'prom-client';

export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });
