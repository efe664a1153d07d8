// The ConfigMap workload the benchmarks share: typical objects, namespaces, paths, and a bounded-parallel loop.

/** A ConfigMap of typical size (~700 bytes stored): a few labels and small config files (and `extra` data keys). */
export function configMap(name: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench', tier: 'backend', release: 'r1' }, annotations: { 'bench.dockube.io/owner': 'bench' } },
    data: {
      'app.properties': 'server.port=8080\nserver.threads=16\nlog.level=info\ncache.ttl=300\nfeature.flags=a,b,c\n',
      'config.yaml': 'database:\n  host: db.bench.svc\n  port: 5432\n  pool: 10\nqueue:\n  url: amqp://mq.bench.svc\n  prefetch: 50\n',
      'motd.txt': 'x'.repeat(200),
      ...extra,
    },
  });
}

export const ns = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
export const cmPath = (namespace: string, name = '') => `/api/v1/namespaces/${namespace}/configmaps${name ? `/${name}` : ''}`;

/** Runs op(0..n-1) with at most `width` in flight. */
export async function parallel(n: number, width: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await op(next++);
    }),
  );
}
