// core/v1 Service: defaults (type, affinity, ports, traffic policies, IP families), validation, clusterIP immutability.
import type { Strategy } from '../types.js';
import { arr, child, duplicate, forbidden, index, invalid, isObj, notSupported, required, type Errs, type J } from './common/field.js';
import { ipToBigInt, isValidIP, IP_EXAMPLE } from './common/ip.js';
import { validateObjectMeta, validateObjectMetaUpdate, immutable, validateLabels } from './common/meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum, nameIsDNS1035Label } from './common/names.js';
import { PROTOCOLS, validatePortNumOrName } from './pod/validation.js';

export { validateClusterIPInRange } from './common/ip.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 };

const isHeadless = (spec: J) => spec?.clusterIP === 'None';
const usesNodePorts = (type: unknown) => type === 'NodePort' || type === 'LoadBalancer';

export function defaultService(svc: J): void {
  const spec = isObj(svc.spec) ? svc.spec : (svc.spec = {});
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of arr(spec.ports)) {
    if (!isObj(p)) continue;
    p.protocol ||= 'TCP';
    // targetPort defaults to the port (a headless service keeps it too).
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (usesNodePorts(spec.type)) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ||= 'Cluster';
    // The REST layer fills IP family fields; dockube serves a single-stack IPv4 service network.
    if (spec.clusterIP && !spec.clusterIPs && spec.clusterIP !== '') spec.clusterIPs = [spec.clusterIP];
    if (!spec.ipFamilies || !arr(spec.ipFamilies).length) {
      const first = arr(spec.clusterIPs)[0];
      spec.ipFamilies = [first && first !== 'None' && ipToBigInt(first)?.family === 6 ? 'IPv6' : 'IPv4'];
    }
    spec.ipFamilyPolicy ||= 'SingleStack';
  }
}

function validatePorts(spec: J): Errs {
  const errs: Errs = [];
  const ports = arr(spec.ports);
  const names = new Set<string>();
  const requireName = ports.length > 1;
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const ip = index('spec.ports', i);
    if (requireName && !p?.name) errs.push(required(child(ip, 'name')));
    else if (p?.name) {
      errs.push(...isDNS1123Label(String(p.name)).map((m) => invalid(child(ip, 'name'), p.name, m)));
      if (names.has(p.name)) errs.push(duplicate(child(ip, 'name'), p.name));
      else names.add(p.name);
    }
    errs.push(...isValidPortNum(p?.port).map((m) => invalid(child(ip, 'port'), p?.port ?? 0, m)));
    if (!p?.protocol) errs.push(required(child(ip, 'protocol')));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(child(ip, 'protocol'), p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p?.targetPort, child(ip, 'targetPort')));
    if (p?.nodePort) {
      if (spec.type === 'ClusterIP') errs.push(forbidden(child(ip, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (spec.type === 'ExternalName') errs.push(forbidden(child(ip, 'nodePort'), "may not be used when `type` is 'ExternalName'"));
      else errs.push(...validateNodePortInRange(p.nodePort, child(ip, 'nodePort')));
    }
    const k = `${p?.port}/${p?.protocol}`;
    if (seen.has(k)) errs.push(duplicate(ip, { port: p?.port, protocol: p?.protocol }));
    seen.add(k);
  });
  return errs;
}

/** The node-port allocator's refusal of a port outside the range. */
export function validateNodePortInRange(port: number, field: string, range = DEFAULT_NODE_PORT_RANGE): Errs {
  return port >= range.min && port <= range.max
    ? []
    : [invalid(field, port, `provided port is not in the valid range. The range of valid ports is ${range.min}-${range.max}`)];
}

export function validateService(svc: J): Errs {
  const errs: Errs = validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
  const spec: J = isObj(svc.spec) ? svc.spec : {};
  if (!SERVICE_TYPES.includes(spec.type))
    errs.push(spec.type ? notSupported('spec.type', spec.type, SERVICE_TYPES) : required('spec.type'));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    else {
      const n = String(spec.externalName).replace(/\.$/, '');
      errs.push(...isDNS1123Subdomain(n).map((m) => invalid('spec.externalName', spec.externalName, m)));
    }
    if (spec.clusterIP) errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  }
  if (arr(spec.ports).length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  errs.push(...validatePorts(spec));
  if (spec.clusterIP && spec.clusterIP !== 'None' && !isValidIP(spec.clusterIP))
    errs.push(invalid('spec.clusterIPs[0]', spec.clusterIP, `must be a valid IP address, ${IP_EXAMPLE}`));
  if (Array.isArray(spec.clusterIPs) && spec.clusterIP && spec.clusterIPs[0] && spec.clusterIPs[0] !== spec.clusterIP) {
    errs.push(invalid('spec.clusterIPs', spec.clusterIPs, 'element [0] must match clusterIP'));
  }
  if (isHeadless(spec) && usesNodePorts(spec.type))
    errs.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services or NodePort services"));
  if (!AFFINITIES.includes(spec.sessionAffinity))
    errs.push(
      spec.sessionAffinity ? notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES) : required('spec.sessionAffinity'),
    );
  if (spec.externalTrafficPolicy) {
    if (!usesNodePorts(spec.type))
      errs.push(
        invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"),
      );
    else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy))
      errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  } else if (usesNodePorts(spec.type)) errs.push(required('spec.externalTrafficPolicy'));
  if (spec.internalTrafficPolicy && !TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy))
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  if (spec.type !== 'ExternalName') errs.push(...validateLabels(spec.selector, 'spec.selector'));
  arr(spec.externalIPs).forEach((ip, i) => {
    if (!isValidIP(ip)) errs.push(invalid(index('spec.externalIPs', i), ip, `must be a valid IP address, ${IP_EXAMPLE}`));
  });
  return errs;
}

export const serviceStrategy: Strategy = {
  defaults: defaultService,
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    // Allocated values the client did not send are kept (the REST layer's patchAllocatedValues).
    const spec: J = obj.spec;
    const oldSpec: J = old.spec;
    if (!isObj(spec) || !isObj(oldSpec)) return;
    if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
      if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      if ((!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) && oldSpec.clusterIPs && spec.clusterIP === oldSpec.clusterIP)
        spec.clusterIPs = oldSpec.clusterIPs;
    }
    if (usesNodePorts(spec.type) && usesNodePorts(oldSpec.type)) {
      for (const p of arr(spec.ports)) {
        if (!isObj(p) || p.nodePort) continue;
        const match = arr(oldSpec.ports).find((o) => o?.port === p.port && (o?.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (match?.nodePort) p.nodePort = match.nodePort;
      }
    }
    if (spec.healthCheckNodePort === undefined && oldSpec.healthCheckNodePort && spec.externalTrafficPolicy === 'Local')
      spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  },
  validate: validateService,
  validateUpdate(obj, old) {
    const errs: Errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const spec: J = obj.spec ?? {};
    const oldSpec: J = old.spec ?? {};
    if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' && oldSpec.clusterIP) {
      errs.push(...immutable(spec.clusterIP, oldSpec.clusterIP, 'spec.clusterIP'));
    }
    return errs;
  },
  generationFields: [],
};
