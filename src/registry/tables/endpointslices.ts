// EndpointSlices (discovery.k8s.io): NAME ADDRESSTYPE PORTS ENDPOINTS AGE.
import type { TableDef } from '../types.js';
import { ageColumn, ageOf, arr, column, listWithMore, nameColumn, nameOf, str } from './columns.js';

function formatPorts(ports: unknown): string {
  const ps = arr(ports);
  const list = ps.map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*'));
  return listWithMore(list, ps.length);
}

function formatAddresses(endpoints: unknown): string {
  const addrs = arr(endpoints).flatMap((e) => arr<string>(e.addresses));
  return listWithMore(addrs, addrs.length);
}

export const endpointSlicesTable: TableDef = {
  columns: [
    nameColumn(),
    column('AddressType', 'string', 'The type of addresses in this slice (IPv4, IPv6 or FQDN).'),
    column('Ports', 'string', 'The ports exposed by the endpoints of this slice.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in this slice.'),
    ageColumn(),
  ],
  cells: (s, now) => [nameOf(s), str(s.addressType), formatPorts(s.ports), formatAddresses(s.endpoints), ageOf(s, now)],
};
