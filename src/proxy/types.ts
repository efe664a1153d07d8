// The service proxy's vocabulary (kube-proxy's ServicePort and Endpoint, reduced to what the rules need), and the
// interface every mode implements. Built from Services and EndpointSlices by state.ts; read by the rule generator.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One backend of a service port (upstream's BaseEndpointInfo). */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** On this proxy's node (endpoint.nodeName === the node's name). */
  local: boolean;
}

/** One port of one service (upstream's ServicePortName + BaseServicePortInfo). */
export interface ProxyServicePort {
  namespace: string;
  name: string;
  /** The port's name ('' for a single unnamed port). */
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when none. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip: set only when the LoadBalancer got its address (ServiceLB). */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** The service answers on its port on the node's own addresses (a LoadBalancer with an ingress, as ServiceLB). */
  hostPortOnNode: boolean;
  /** 0 when sessionAffinity is None. */
  affinitySeconds: number;
  internalLocal: boolean;
  externalLocal: boolean;
  endpoints: ProxyEndpoint[];
}

/** What every sync works from: every service port, sorted (same state → same text). */
export interface ProxyState {
  ports: ProxyServicePort[];
}

/** A way of carrying service traffic on this host (kube-proxy's Provider). */
export interface ServiceProxier {
  readonly mode: 'iptables' | 'userspace';
  /** Applies `state` (rate-limited; resolves once it is in place). */
  sync(state: ProxyState): Promise<void>;
  /** Stops; removes what it installed unless told to keep the rules. */
  stop(): Promise<void>;
}

/** `ns/name:port` as upstream's ServicePortName.String() (no `:` suffix for an unnamed port). */
export const servicePortName = (p: Pick<ProxyServicePort, 'namespace' | 'name' | 'portName'>) =>
  `${p.namespace}/${p.name}${p.portName ? `:${p.portName}` : ''}`;
