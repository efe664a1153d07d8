// A load balancer's ingress point (Service and Ingress status): an IP, or a hostname that is no IP.
import { child, invalid, type Errs, type J } from '../common/field.js';
import { validateIP, isValidIP } from '../common/ip.js';
import { isDNS1123Subdomain } from '../common/names.js';

export function validateLoadBalancerIngress(lb: J, field: string): Errs {
  const errs: Errs = [];
  if (lb.ip) errs.push(...validateIP(lb.ip, child(field, 'ip')));
  if (lb.hostname) {
    if (isValidIP(lb.hostname)) errs.push(invalid(child(field, 'hostname'), lb.hostname, 'must be a DNS name, not an IP address'));
    else errs.push(...isDNS1123Subdomain(lb.hostname).map((m) => invalid(child(field, 'hostname'), lb.hostname, m)));
  }
  return errs;
}
