// networking.k8s.io printers (pkg/printers/internalversion): Ingress, IngressClass, NetworkPolicy, ServiceCIDR, IPAddress.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, get, nameColumn, nameOf, rec, str } from './columns.js';
import { formatLabelSelector, type LabelSelectorObject } from '../../machinery/labels.js';

/** formatHosts: the first three hosts, `*` when no rule names one. */
function formatHosts(rules: Record<string, unknown>[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    if (!more && str(r.host)) list.push(str(r.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

export const ingressesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Class', 'string', 'The name of the IngressClass resource that should be used for ingress'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn(),
  ],
  cells: (ing, now) => {
    const spec = rec(ing.spec);
    const lb = arr(get(ing, 'status', 'loadBalancer', 'ingress'))
      .map((i) => str(i.ip) || str(i.hostname))
      .filter(Boolean);
    return [
      nameOf(ing),
      str(spec.ingressClassName) || '<none>',
      formatHosts(arr(spec.rules)),
      lb.join(','),
      arr(spec.tls).length > 0 ? '80, 443' : '80',
      ageOf(ing, now),
    ];
  },
};

export const ingressClassesTable: TableDef = {
  columns: [
    nameColumn(),
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn(),
  ],
  cells: (ic, now) => {
    const p = get(ic, 'spec', 'parameters');
    let params = '<none>';
    if (p && typeof p === 'object') {
      const r = rec(p);
      params = str(r.kind) + (typeof r.apiGroup === 'string' ? `.${r.apiGroup}` : '') + `/${str(r.name)}`;
    }
    return [nameOf(ic), str(get(ic, 'spec', 'controller')), params, ageOf(ic, now)];
  },
};

export const networkPoliciesTable: TableDef = {
  columns: [
    nameColumn(),
    column(
      'Pod-Selector',
      'string',
      'Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.',
    ),
    ageColumn(),
  ],
  cells: (np, now) => [nameOf(np), formatLabelSelector(get(np, 'spec', 'podSelector') as LabelSelectorObject | undefined), ageOf(np, now)],
};

export const serviceCIDRsTable: TableDef = {
  columns: [
    nameColumn(),
    column(
      'CIDRs',
      'string',
      'CIDRs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable.',
    ),
    ageColumn(),
  ],
  cells: (sc, now) => [nameOf(sc), arr<string>(get(sc, 'spec', 'cidrs')).join(','), ageOf(sc, now)],
};

export const ipAddressesTable: TableDef = {
  columns: [
    nameColumn(),
    column(
      'ParentRef',
      'string',
      'ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.',
    ),
  ],
  cells: (ip) => {
    const ref = get(ip, 'spec', 'parentRef');
    if (!ref || typeof ref !== 'object') return [nameOf(ip), '<none>'];
    const r = rec(ref);
    const gr = (str(r.group) ? `${str(r.resource)}.${str(r.group)}` : str(r.resource)).toLowerCase();
    return [nameOf(ip), `${gr}${str(r.namespace) ? `/${str(r.namespace)}` : ''}/${str(r.name)}`];
  },
};
