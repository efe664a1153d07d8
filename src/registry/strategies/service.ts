// core/v1 Service: defaults (type, affinity, ports, traffic policies, IP families), validation, clusterIP immutability.
import { statusStrategy } from './common/status.js';
import type { Strategy } from '../types.js';
import { clone } from '../../machinery/api/equality.js';
import {
  arr,
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  invalidGo,
  isObj,
  notSupported,
  required,
  type Errs,
  type J,
} from './common/field.js';
import { goStringSlice } from './common/gorender.js';
import { ipToBigInt, isValidIP, IP_EXAMPLE, parseCIDR } from './common/ip.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateLabels } from './common/meta.js';
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
  // A load balancer's ingress IP is a VIP unless it says otherwise (LoadBalancerIPMode defaulting).
  for (const ing of arr(svc.status?.loadBalancer?.ingress)) if (isObj(ing) && ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
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
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ||= 'Cluster';
    // The REST layer fills IP family fields; dockube serves a single-stack IPv4 service network.
    if (spec.clusterIP && !spec.clusterIPs && spec.clusterIP !== '') spec.clusterIPs = [spec.clusterIP];
    // clusterIPs alone names the primary address too (the REST layer's normalizeClusterIPs).
    if (!spec.clusterIP && typeof arr(spec.clusterIPs)[0] === 'string' && spec.clusterIPs[0]) spec.clusterIP = spec.clusterIPs[0];
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
  const nodePorts = new Set<string>();
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
      else errs.push(...isValidPortNum(p.nodePort).map((m) => invalid(child(ip, 'nodePort'), p.nodePort, m)));
      // The range is the allocator's business (--service-node-port-range); one node port serves one protocol.
      const np = `${p.nodePort}/${p.protocol}`;
      if (nodePorts.has(np)) errs.push(duplicate(child(ip, 'nodePort'), p.nodePort));
      nodePorts.add(np);
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

/** NodePort and LoadBalancer services, and ClusterIP ones with externalIPs (upstream ExternallyAccessible). */
const externallyAccessible = (spec: J) => usesNodePorts(spec.type) || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);

/** clusterIP and clusterIPs agree, 'None' alone, at most one address per family (ValidateServiceClusterIPsRelatedFields). */
function validateClusterIPsFields(spec: J): Errs {
  const errs: Errs = [];
  const ips = arr(spec.clusterIPs);
  const asGo = () => goStringSlice(ips);
  if (spec.clusterIP) {
    if (!ips.length) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== spec.clusterIP) errs.push(invalidGo('spec.clusterIPs', asGo(), 'first value must match `clusterIP`'));
  } else if (ips.length) errs.push(invalidGo('spec.clusterIPs', asGo(), 'must be empty when `clusterIP` is not specified'));
  if (ips[0] === 'None' && ips.length > 1) errs.push(invalidGo('spec.clusterIPs', asGo(), "'None' must be the first and only value"));
  if (ips.length > 2) errs.push(invalidGo('spec.clusterIPs', asGo(), 'may only hold up to 2 values'));
  else if (ips.length === 2 && ips[0] !== 'None' && ipToBigInt(String(ips[0]))?.family === ipToBigInt(String(ips[1]))?.family)
    errs.push(invalidGo('spec.clusterIPs', asGo(), 'may specify no more than one IP for each IP family'));
  return errs;
}

/** status.loadBalancer (ValidateLoadBalancerStatus): ingress only on LoadBalancers, IPs valid, ipMode with an ip. */
function validateLoadBalancerStatus(svc: J): Errs {
  const errs: Errs = [];
  const ingress = arr(svc.status?.loadBalancer?.ingress);
  if (!ingress.length) return errs;
  if (svc.spec?.type !== 'LoadBalancer')
    return [forbidden('status.loadBalancer.ingress', "may only be used when `spec.type` is 'LoadBalancer'")];
  ingress.forEach((ing, i) => {
    const at = index('status.loadBalancer.ingress', i);
    if (ing?.ip && !isValidIP(ing.ip)) errs.push(invalid(child(at, 'ip'), ing.ip, `must be a valid IP address, ${IP_EXAMPLE}`));
    if (ing?.ipMode && !ing?.ip) errs.push(forbidden(child(at, 'ipMode'), 'may not be specified when `ip` is not set'));
    else if (ing?.ipMode && !['VIP', 'Proxy'].includes(ing.ipMode))
      errs.push(notSupported(child(at, 'ipMode'), ing.ipMode, ['Proxy', 'VIP']));
  });
  return errs;
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
    if (spec.clusterIP || arr(spec.clusterIPs).length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
  }
  if (arr(spec.ports).length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  errs.push(...validatePorts(spec));
  if (spec.clusterIP && spec.clusterIP !== 'None' && !isValidIP(spec.clusterIP))
    errs.push(invalid('spec.clusterIPs[0]', spec.clusterIP, `must be a valid IP address, ${IP_EXAMPLE}`));
  if (spec.type !== 'ExternalName') errs.push(...validateClusterIPsFields(spec));
  if (isHeadless(spec) && usesNodePorts(spec.type))
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`));
  errs.push(...validateTypeDependentFields(spec));
  if (!AFFINITIES.includes(spec.sessionAffinity))
    errs.push(
      spec.sessionAffinity ? notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES) : required('spec.sessionAffinity'),
    );
  if (spec.externalTrafficPolicy) {
    if (!externallyAccessible(spec))
      errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy))
      errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  } else if (externallyAccessible(spec)) errs.push(required('spec.externalTrafficPolicy'));
  if (spec.internalTrafficPolicy && !TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy))
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  if (spec.type !== 'ExternalName') errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateLoadBalancerStatus(svc));
  arr(spec.externalIPs).forEach((ip, i) => {
    if (!isValidIP(ip)) errs.push(invalid(index('spec.externalIPs', i), ip, `must be a valid IP address, ${IP_EXAMPLE}`));
  });
  return errs;
}

/** Fields that belong to some types only (upstream ValidateService's per-type checks). */
function validateTypeDependentFields(spec: J): Errs {
  const errs: Errs = [];
  const lbOnly = "may only be used when `type` is 'LoadBalancer'";
  const isLB = spec.type === 'LoadBalancer';
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && !isLB)
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', lbOnly));
  if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null && !isLB)
    errs.push(forbidden('spec.loadBalancerClass', lbOnly));
  // Upstream's path is spelled LoadBalancerSourceRanges.
  if (arr(spec.loadBalancerSourceRanges).length && !isLB) errs.push(forbidden('spec.LoadBalancerSourceRanges', lbOnly));
  if (spec.healthCheckNodePort && !(isLB && spec.externalTrafficPolicy === 'Local'))
    errs.push(
      invalid(
        'spec.healthCheckNodePort',
        spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  arr(spec.loadBalancerSourceRanges).forEach((r, i) => {
    if (!parseCIDR(String(r).trim()))
      errs.push(invalid(index('spec.LoadBalancerSourceRanges', i), r, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  // The service network is single-stack IPv4 (the REST layer's initIPFamilyFields against the cluster's families).
  if (spec.type !== 'ExternalName') {
    if (spec.ipFamilyPolicy === 'RequireDualStack')
      errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
    else if (spec.ipFamilyPolicy && !['SingleStack', 'PreferDualStack'].includes(spec.ipFamilyPolicy))
      errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
    arr(spec.ipFamilies).forEach((f, i) => {
      if (f !== 'IPv4') errs.push(invalid(index('spec.ipFamilies', i), f, `${f} is not configured on this cluster`));
    });
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && timeout !== undefined && !(timeout > 0 && timeout <= 86400))
    errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig)
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  return errs;
}

const needsClusterIP = (spec: J) => spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
const needsNodePorts = (spec: J) => usesNodePorts(spec.type);
const needsHealthCheckNodePort = (spec: J) => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * A type change drops what the old type had and the new one does not need, when the client left it as it was
 * (upstream dropTypeDependentFields): `kubectl edit` to ExternalName or ClusterIP just works.
 */
function dropTypeDependentFields(spec: J, oldSpec: J): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (spec.clusterIP === oldSpec.clusterIP && (spec.clusterIPs === undefined || sameJSON(spec.clusterIPs, oldSpec.clusterIPs))) {
      if (spec.clusterIP !== 'None') delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (spec.type === 'ExternalName') {
      if (sameJSON(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
      if (spec.ipFamilyPolicy === oldSpec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
      if (spec.internalTrafficPolicy === oldSpec.internalTrafficPolicy) delete spec.internalTrafficPolicy;
    }
  }
  const nodePortsOf = (sp: J) => arr(sp.ports).map((p) => p?.nodePort ?? 0);
  if (needsNodePorts(oldSpec) && !needsNodePorts(spec) && sameJSON(nodePortsOf(spec), nodePortsOf(oldSpec)))
    for (const p of arr(spec.ports)) if (isObj(p)) delete p.nodePort;
  if (needsHealthCheckNodePort(oldSpec) && !needsHealthCheckNodePort(spec) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort)
    delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (needsNodePorts(oldSpec) && !needsNodePorts(spec) && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy)
    delete spec.externalTrafficPolicy;
}

/** Allocated values an update left out are kept (the REST layer's patchAllocatedValues); node ports by port name. */
function patchAllocatedValues(spec: J, oldSpec: J): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!arr(spec.clusterIPs).length && arr(oldSpec.clusterIPs).length) spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (needsNodePorts(oldSpec) && needsNodePorts(spec)) {
    const oldPorts = new Set(arr(oldSpec.ports).map((p) => p?.nodePort));
    const used = new Set(
      arr(spec.ports)
        .map((p) => p?.nodePort)
        .filter((n) => oldPorts.has(n)),
    );
    const byName = new Map(arr(oldSpec.ports).map((p) => [p?.name ?? '', p?.nodePort]));
    for (const p of arr(spec.ports)) {
      if (!isObj(p) || p.nodePort) continue;
      const was = byName.get(p.name ?? '');
      if (was && !used.has(was)) p.nodePort = was;
    }
  }
  if (needsHealthCheckNodePort(oldSpec) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort)
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
}

export const serviceStrategy: Strategy = {
  defaults: defaultService,
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
  },
  prepareForUpdate(obj, old) {
    // A copy: defaulting fills ipMode into the status, and the stored object is frozen.
    obj.status = clone(old.status);
    const spec: J = obj.spec;
    const oldSpec: J = old.spec;
    if (!isObj(spec) || !isObj(oldSpec)) return;
    dropTypeDependentFields(spec, oldSpec);
    patchAllocatedValues(spec, oldSpec);
    // A client that changed clusterIP alone (kubectl patch) meant clusterIPs too (upstream normalizeClusterIPs).
    if (spec.clusterIP !== oldSpec.clusterIP && sameJSON(spec.clusterIPs, oldSpec.clusterIPs)) {
      if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
      else delete spec.clusterIPs;
    }
    // A load balancer's status means nothing once the service is no longer one.
    if (spec.type !== 'LoadBalancer' && isObj(obj.status)) obj.status = { ...obj.status, loadBalancer: {} };
  },
  validate: validateService,
  validateUpdate(obj, old) {
    const errs: Errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
    const spec: J = obj.spec ?? {};
    const oldSpec: J = old.spec ?? {};
    // The primary ClusterIP and family never change, unless the service goes from, to or stays ExternalName
    // (validateUpgradeDowngradeClusterIPs/IPFamilies).
    const ips = arr(spec.clusterIPs).length ? arr(spec.clusterIPs) : spec.clusterIP ? [spec.clusterIP] : [];
    const oldIPs = arr(oldSpec.clusterIPs).length ? arr(oldSpec.clusterIPs) : oldSpec.clusterIP ? [oldSpec.clusterIP] : [];
    const bothHeadless = isHeadless(spec) && isHeadless(oldSpec);
    if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' && !bothHeadless) {
      if (oldIPs.length && !ips.length)
        errs.push(invalidGo('spec.clusterIPs[0]', goStringSlice(ips), 'primary clusterIP can not be unset'));
      else if (ips.length && oldIPs.length && ips[0] !== oldIPs[0])
        errs.push(invalidGo('spec.clusterIPs[0]', goStringSlice(ips), 'may not change once set'));
      const fam = arr(spec.ipFamilies);
      const oldFam = arr(oldSpec.ipFamilies);
      if (!isHeadless(spec) && fam.length && oldFam.length && fam[0] !== oldFam[0])
        errs.push(invalidGo('spec.ipFamilies[0]', goStringSlice(fam), 'may not change once set'));
    }
    if (
      needsHealthCheckNodePort(spec) &&
      needsHealthCheckNodePort(oldSpec) &&
      oldSpec.healthCheckNodePort &&
      spec.healthCheckNodePort !== oldSpec.healthCheckNodePort
    )
      errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
    if (
      oldSpec.type === 'LoadBalancer' &&
      spec.type === 'LoadBalancer' &&
      (oldSpec.loadBalancerClass ?? null) !== (spec.loadBalancerClass ?? null)
    )
      errs.push(invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
    return errs;
  },
  generationFields: [],
};

/**
 * /status (upstream's serviceStatusStrategy): only the spec comes back from the stored object, so a status write may
 * change labels and annotations; the whole service is validated as before.
 */
export const serviceStatusStrategy: Strategy = statusStrategy({ validateUpdate: (o) => validateService(o), keepsRequestLabels: true });
