// `net.IP` and `net.CIDR` as type values (`type(ip(s)) == net.IP`): cel-js reads a dotted name as a field of a
// value, so `net` is a constant whose fields are the two registered types.
import type { Environment } from '@marcbachmann/cel-js';

export function registerNetTypeNames(env: Environment): void {
  // The type values are cel-js' own; the simplest way to obtain them is to ask for them.
  const IP = env.evaluate('type(ip("0.0.0.0"))');
  const CIDR = env.evaluate('type(cidr("0.0.0.0/0"))');
  class NetNamespace {
    readonly IP = IP;
    readonly CIDR = CIDR;
  }
  env.registerType('kubernetes.NetNamespace', { ctor: NetNamespace, fields: { IP: 'type', CIDR: 'type' } });
  env.registerConstant('net', 'kubernetes.NetNamespace', new NetNamespace());
}
