import { csiNodeStrategy } from '../../src/registry/strategies/storage/csi.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const node = (drivers: unknown[]): KObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'CSINode',
  metadata: { name: 'n1' },
  spec: { drivers },
});
const driver = (name: string, nodeID = 'id-1', topologyKeys?: string[]) => ({ name, nodeID, ...(topologyKeys ? { topologyKeys } : {}) });
const update = (next: KObject, old: KObject) => csiNodeStrategy.validateUpdate!(next, old).map((e) => `${e.field}: ${e.detail}`);

describe('CSINode update', () => {
  test("a registered driver's nodeID and topology keys are immutable; drivers come and go", () => {
    const old = node([driver('a.csi.io', 'id-a', ['zone']), driver('b.csi.io')]);
    expect(update(node([driver('c.csi.io'), driver('a.csi.io', 'id-a', ['zone'])]), old)).toEqual([]);
    expect(update(node([driver('a.csi.io', 'id-z', ['zone'])]), old)).toEqual(['spec.drivers: field is immutable']);
    expect(update(node([driver('b.csi.io', 'id-1', ['rack'])]), old)).toEqual(['spec.drivers: field is immutable']);
    // with a name twice, the first is the one compared
    expect(update(node([driver('b.csi.io'), driver('b.csi.io', 'other')]), old)).toEqual([]);
    expect(update(node([driver('b.csi.io', 'other'), driver('b.csi.io')]), old)).toEqual(['spec.drivers: field is immutable']);
  });

  test('150,000 drivers are matched by name quickly (a find per old driver took 7.5 s for 60,000)', () => {
    const names = Array.from({ length: 150_000 }, (_, i) => `d${i}.csi.io`);
    const old = node(names.map((n) => driver(n)));
    const next = node([...names].reverse().map((n, i) => driver(n, i === 0 ? 'changed' : 'id-1')));
    const started = Date.now();
    expect(update(next, old)).toEqual(['spec.drivers: field is immutable']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
