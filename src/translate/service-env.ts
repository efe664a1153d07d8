// Service environment variables, as the kubelet gives them to every container (getServiceEnvVarMap over
// pkg/kubelet/envvars.FromServices): for each service of the pod's namespace with a ClusterIP (not headless, not
// ExternalName), FOO_SERVICE_HOST/FOO_SERVICE_PORT/FOO_SERVICE_PORT_<NAME> and the Docker-links style FOO_PORT,
// FOO_PORT_80_TCP(_PROTO|_PORT|_ADDR); unless enableServiceLinks is false. The `kubernetes` service of `default` is
// always included (the "master service"), whatever the pod's namespace and enableServiceLinks.

/** The parts of a core/v1 Service the variables are made of. */
export interface ServiceForEnv {
  metadata: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: { name?: string; port?: number; protocol?: string }[] };
}

const MASTER_SERVICES = new Set(['kubernetes']);

/** `my-svc` → `MY_SVC` (makeEnvVariableName). */
const envName = (s: string) => s.replace(/-/g, '_').toUpperCase();

/** IsServiceIPSet: a ClusterIP that is neither empty nor None. */
const hasClusterIP = (svc: ServiceForEnv) => !!svc.spec?.clusterIP && svc.spec.clusterIP !== 'None';

/** The variables of one service (FromServices for one). */
export function serviceVariables(svc: ServiceForEnv): [string, string][] {
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  if (!hasClusterIP(svc) || !ports.length) return [];
  const prefix = envName(svc.metadata.name ?? '');
  const hostPort = (port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  const out: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0]!.port)],
  ];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const protocol = (p.protocol || 'TCP').toLowerCase();
    const url = `${protocol}://${hostPort(Number(p.port))}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]); // Docker special-cases the first port
    const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service variables of a pod in `namespace` (getServiceEnvVarMap): `services` may hold any namespaces' services;
 * the pod's own namespace counts only with enableServiceLinks, `default/kubernetes` always.
 */
export function serviceEnvVarMap(services: ServiceForEnv[], namespace: string, enableServiceLinks: boolean): Record<string, string> {
  const byName = new Map<string, ServiceForEnv>();
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === 'default' && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (svc.metadata.namespace === namespace && enableServiceLinks) byName.set(name, svc);
  }
  return Object.fromEntries([...byName.values()].flatMap(serviceVariables));
}
