import { StatusError } from '../../../src/machinery/api/errors.js';
import type { KObject } from '../../../src/machinery/api/meta.js';
import type { Client, Gvr } from '../../../src/client/types.js';
import { endpointsServiceResolver } from '../../../src/webhook/service-resolver.js';

function clientWith(objects: Record<string, KObject>): Client {
  return {
    get: async (gvr: Gvr, namespace: string | undefined, name: string) => {
      const o = objects[`${gvr.resource}/${namespace}/${name}`];
      if (!o) throw new StatusError(404, 'NotFound', `${gvr.resource} "${name}" not found`);
      return o;
    },
  } as unknown as Client;
}

const svc = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns' }, spec }) as KObject;
const eps = (name: string, subsets: object[]) =>
  ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'ns' }, subsets }) as KObject;

test('a service port resolves to a ready address carrying its name, at the target port', async () => {
  const client = clientWith({
    'services/ns/hooks': svc('hooks', {
      ports: [
        { name: 'web', port: 80 },
        { name: 'https', port: 443 },
      ],
    }),
    'endpoints/ns/hooks': eps('hooks', [
      { addresses: [{ ip: '10.244.0.5' }], ports: [{ name: 'web', port: 8080 }] },
      {
        addresses: [{ ip: '10.244.0.6' }, { ip: '10.244.0.7' }],
        notReadyAddresses: [{ ip: '10.244.0.8' }],
        ports: [{ name: 'https', port: 8443 }],
      },
    ]),
  });
  const picks = [0, 1];
  const r = endpointsServiceResolver(client, () => picks.shift()!);
  await expect(r.resolve('ns', 'hooks', 443)).resolves.toEqual({ host: '10.244.0.6', port: 8443 });
  await expect(r.resolve('ns', 'hooks', 443)).resolves.toEqual({ host: '10.244.0.7', port: 8443 });
});

test("upstream's errors: no service, no such port, no endpoints; ExternalName dialled by name", async () => {
  const client = clientWith({
    'services/ns/empty': svc('empty', { ports: [{ port: 443 }] }),
    'endpoints/ns/empty': eps('empty', [{ notReadyAddresses: [{ ip: '10.244.0.9' }], ports: [{ port: 8443 }] }]),
    'services/ns/ext': svc('ext', { type: 'ExternalName', externalName: 'hooks.example.com' }),
  });
  const r = endpointsServiceResolver(client);
  await expect(r.resolve('ns', 'gone', 443)).rejects.toThrow('service "gone" not found');
  await expect(r.resolve('ns', 'empty', 444)).rejects.toThrow('no service port 444 found for service "empty"');
  await expect(r.resolve('ns', 'empty', 443)).rejects.toThrow('no endpoints available for service "empty"');
  await expect(r.resolve('ns', 'ext', 443)).resolves.toEqual({ host: 'hooks.example.com', port: 443 });
});
