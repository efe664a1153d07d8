import type { KObject } from '../../src/machinery/api/meta.js';
import { create, msgs, update } from '../support/strategy-steps.js';
import {
  endpointSliceStrategy,
  endpointsStrategy,
  leaseStrategy,
  nodeStrategy,
  persistentVolumeClaimStrategy,
  serviceAccountStrategy,
} from '../../src/registry/strategies/index.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const meta = { name: 'x', namespace: 'default' };

test('PVC: required access modes and storage, volumeMode default, spec immutable except requests', () => {
  expect(msgs(create(persistentVolumeClaimStrategy, { metadata: meta, spec: {} }).errs)).toEqual([
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  const { obj, errs } = create(persistentVolumeClaimStrategy, {
    metadata: meta,
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } },
  });
  expect(errs).toEqual([]);
  expect(obj.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
  expect(obj.status).toEqual({ phase: 'Pending' });
  const changed = clone(obj);
  (changed.spec as any).accessModes = ['ReadWriteMany'];
  expect(msgs(update(persistentVolumeClaimStrategy, changed, obj).errs)).toEqual([
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  ]);
});

test('EndpointSlice: addressType required and enum, addresses checked', () => {
  expect(msgs(create(endpointSliceStrategy, { metadata: meta, endpoints: [] }).errs)).toEqual(['addressType: Required value']);
  const m = msgs(
    create(endpointSliceStrategy, {
      metadata: meta,
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1', 'fe80::1'] }, { addresses: [] }],
      ports: [{ port: 80 }],
    }).errs,
  );
  expect(m).toEqual([
    'endpoints[0].addresses[1]: Invalid value: "fe80::1": must be a valid IPv4 address',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
  ]);
  expect(msgs(create(endpointSliceStrategy, { metadata: meta, addressType: 'IP' }).errs)).toEqual([
    'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"',
  ]);
});

test('Endpoints: IPs and port protocol default', () => {
  const { obj, errs } = create(endpointsStrategy, {
    metadata: meta,
    subsets: [{ addresses: [{ ip: '10.1.2.3' }, { ip: 'nope' }], ports: [{ port: 80 }] }],
  });
  expect((obj.subsets as any)[0].ports[0].protocol).toBe('TCP');
  expect(msgs(errs)).toEqual([
    'subsets[0].addresses[1].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

test('Node: cluster-scoped, status kept on update, taint effects', () => {
  const node: KObject = {
    metadata: { name: 'node-1' },
    spec: { taints: [{ key: 'a', effect: 'Sometimes' }] },
    status: { capacity: { cpu: '2' } },
  };
  const { obj, errs } = create(nodeStrategy, node);
  expect(msgs(errs)).toEqual([
    'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
  ]);
  expect((obj.status as any).allocatable).toEqual({ cpu: '2' });
  const upd = update(nodeStrategy, { metadata: { name: 'node-1' }, spec: { unschedulable: true }, status: {} }, obj);
  expect(upd.obj.status).toEqual(obj.status);
  expect(msgs(create(nodeStrategy, { metadata: { name: 'n', namespace: 'default' } }).errs)).toEqual([
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
});

test('Lease and ServiceAccount', () => {
  expect(msgs(create(leaseStrategy, { metadata: meta, spec: { leaseDurationSeconds: 0 } }).errs)).toEqual([
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
  ]);
  expect(create(serviceAccountStrategy, { metadata: meta }).errs).toEqual([]);
  expect(leaseStrategy.generationFields).toEqual([]);
});
