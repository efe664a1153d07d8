// The `kubernetes` service's environment variables kubelet gives every container (getServiceEnvVarMap for the
// master service), pointed at where pods really reach the API server while Service networking does not exist.

/** How pods reach the API server (KUBERNETES_SERVICE_HOST/PORT). */
export interface ApiEndpoint {
  host: string;
  port: number;
  /**
   * What the KUBERNETES_SERVICE_* variables name: the `kubernetes` Service's ClusterIP and port, as upstream (needs a
   * service proxy), or this endpoint (the default; a server with --proxy-mode none).
   */
  kubernetesService?: 'clusterIP' | 'endpoint';
}

/** KUBERNETES_SERVICE_HOST/PORT/PORT_HTTPS and the Docker-links style KUBERNETES_PORT* set, for one https port. */
export function kubernetesServiceEnv(ep: ApiEndpoint): Record<string, string> {
  const port = String(ep.port);
  const url = `tcp://${ep.host}:${port}`;
  const prefix = `KUBERNETES_PORT_${port}_TCP`;
  return {
    KUBERNETES_SERVICE_HOST: ep.host,
    KUBERNETES_SERVICE_PORT: port,
    KUBERNETES_SERVICE_PORT_HTTPS: port,
    KUBERNETES_PORT: url,
    [prefix]: url,
    [`${prefix}_PROTO`]: 'tcp',
    [`${prefix}_PORT`]: port,
    [`${prefix}_ADDR`]: ep.host,
  };
}
