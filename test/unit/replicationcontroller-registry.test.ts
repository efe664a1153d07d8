// core/v1 ReplicationController as served: defaults (selector and labels from the template, replicas 1), validation
// (non-empty selector matching the template, restart Always), a mutable selector, and kubectl's table columns.
import type { KObject } from '../../src/machinery/api/meta.js';
import { replicationControllerStrategy } from '../../src/registry/strategies/replicationcontroller.js';
import { TABLES } from '../../src/registry/tables/index.js';
import { getScale } from '../../src/api/scale.js';
import { replicationcontrollers } from '../../src/registry/resources/replication-controllers.js';
import { create, msgs, update } from '../support/strategy-steps.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rc = (spec: J = {}, meta: J = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'legacy', namespace: 'default', ...meta },
  spec: { template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
});

describe('ReplicationController strategy', () => {
  test('defaults: selector and labels from the template, one replica, status replicas 0', () => {
    const { obj, errs } = create(replicationControllerStrategy, rc());
    expect(errs).toEqual([]);
    expect((obj as J).spec.selector).toEqual({ app: 'legacy' });
    expect(obj.metadata.labels).toEqual({ app: 'legacy' });
    expect((obj as J).spec.replicas).toBe(1);
    expect((obj as J).status).toEqual({ replicas: 0 });
    expect((obj as J).spec.template.spec.restartPolicy).toBe('Always');
  });

  test('a given selector and labels are kept', () => {
    const { obj } = create(replicationControllerStrategy, rc({ selector: { app: 'legacy' } }, { labels: { team: 'x' } }));
    expect(obj.metadata.labels).toEqual({ team: 'x' });
  });

  test('a selector that does not match the template, a missing template, negative replicas', () => {
    expect(msgs(create(replicationControllerStrategy, rc({ selector: { app: 'other' } })).errs)).toEqual([
      expect.stringMatching(/^spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`$/),
    ]);
    const noTemplate = create(replicationControllerStrategy, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'x', namespace: 'd' },
      spec: {},
    });
    expect(msgs(noTemplate.errs)).toEqual(['spec.selector: Required value', 'spec.template: Required value']);
    expect(msgs(create(replicationControllerStrategy, rc({ replicas: -1 })).errs)).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  test('the selector may change (unlike apps/v1), as long as it matches the template', () => {
    const old = create(replicationControllerStrategy, rc()).obj;
    const next = rc({
      selector: { app: 'legacy', v: '2' },
      template: { metadata: { labels: { app: 'legacy', v: '2' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    next.metadata = { ...old.metadata };
    expect(update(replicationControllerStrategy, next, old).errs).toEqual([]);
  });
});

describe('ReplicationController table and scale', () => {
  test('NAME DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES SELECTOR (a label map)', () => {
    const now = new Date('2026-01-01T00:10:00Z');
    const obj = { ...create(replicationControllerStrategy, rc({ replicas: 3 })).obj, status: { replicas: 2, readyReplicas: 1 } };
    obj.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const table = TABLES['replicationcontrollers']!;
    expect(table.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Desired', 0],
      ['Current', 0],
      ['Ready', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
    expect(table.cells(obj, now)).toEqual(['legacy', 3, 2, 1, '10m', 'c', 'busybox', 'app=legacy']);
  });

  test('/scale renders the map selector', () => {
    const obj = { ...create(replicationControllerStrategy, rc({ replicas: 3 })).obj, status: { replicas: 2 } };
    expect(getScale(replicationcontrollers, obj)).toMatchObject({ spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=legacy' } });
  });
});
