// Services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE; wide SELECTOR.
import type { KObject, TableDef } from '../types.js';
import { formatLabels } from '../../machinery/labels.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, num, rec, str } from './columns.js';

/** Load-balancer ingress points: IPs (or hostnames), de-duplicated and sorted. The server prints wide, so never clipped. */
function loadBalancerIngress(svc: KObject): string[] {
  const set = new Set<string>();
  for (const ing of arr(get(svc, 'status', 'loadBalancer', 'ingress'))) {
    if (str(ing.ip)) set.add(str(ing.ip));
    else if (str(ing.hostname)) set.add(str(ing.hostname));
  }
  return [...set].sort();
}

export function serviceExternalIP(svc: KObject): string {
  const spec = rec(svc.spec);
  const externalIPs = arr<string>(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** `80/TCP`, or `80:30080/TCP` when a node port is allocated; comma-joined. */
export function servicePorts(ports: unknown): string {
  return arr(ports)
    .map((p) => {
      const proto = str(p.protocol) || 'TCP';
      return num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${proto}` : `${num(p.port)}/${proto}`;
    })
    .join(',');
}

export const servicesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The IP address of the service inside the cluster.'),
    column('External-IP', 'string', 'External addresses: externalIPs and load-balancer ingress.'),
    column('Port(s)', 'string', 'The ports exposed by the service.'),
    ageColumn(),
    column('Selector', 'string', 'Pods with these labels receive the traffic of the service.', 1),
  ],
  cells: (svc, now) => {
    const spec = rec(svc.spec);
    // Stored services always carry clusterIPs; clusterIP covers objects written before defaulting.
    const clusterIP = str(arr<string>(spec.clusterIPs)[0]) || str(spec.clusterIP) || '<none>';
    return [
      nameOf(svc),
      str(spec.type),
      clusterIP,
      serviceExternalIP(svc),
      servicePorts(spec.ports) || '<none>',
      ageOf(svc, now),
      formatLabels(spec.selector as Record<string, string> | undefined),
    ];
  },
};
