// pods/ephemeralcontainers: only spec.ephemeralContainers changes, existing ones stay as they are, names are unique
// across every container, no ports/probes/lifecycle/resources, and a target must be a container of the pod.
import { podEphemeralContainersStrategy as strategy } from '../../src/registry/strategies/pod/ephemeral-containers.js';
import type { KObject } from '../../src/registry/types.js';

const debug = (extra: Record<string, unknown> = {}) => ({
  name: 'debugger',
  image: 'dockube/busybox:test',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
  ...extra,
});

function stored(ephemeral: unknown[] = []): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '5' },
    spec: {
      containers: [{ name: 'app', image: 'dockube/busybox:test', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
      restartPolicy: 'Always',
      ...(ephemeral.length ? { ephemeralContainers: ephemeral } : {}),
    },
    status: { phase: 'Running' },
  } as KObject;
}

/** The subresource write as the generic update path runs it: prepare, then validate and validateUpdate. */
function write(old: KObject, proposed: KObject) {
  const next = JSON.parse(JSON.stringify(proposed)) as KObject;
  next.metadata = JSON.parse(JSON.stringify(old.metadata));
  strategy.prepareForUpdate!(next, old);
  const errs = [...(strategy.validate?.(next) ?? []), ...(strategy.validateUpdate?.(next, old) ?? [])];
  return { next, errs };
}

const withEphemeral = (old: KObject, ephemeral: unknown[], changes: Record<string, unknown> = {}) =>
  ({ ...old, spec: { ...(old.spec as object), ephemeralContainers: ephemeral, ...changes } }) as KObject;

describe('pods/ephemeralcontainers', () => {
  it('adds an ephemeral container and keeps every other field of the stored pod', () => {
    const old = stored();
    const { next, errs } = write(
      old,
      withEphemeral(old, [{ name: 'debugger', image: 'dockube/busybox:test', targetContainerName: 'app' }], {
        restartPolicy: 'Never',
        containers: [],
      }),
    );
    expect(errs).toEqual([]);
    const spec = next.spec as { restartPolicy: string; containers: unknown[]; ephemeralContainers: Record<string, unknown>[] };
    expect(spec.restartPolicy).toBe('Always');
    expect(spec.containers).toHaveLength(1);
    // Defaulted as a pod's containers are.
    expect(spec.ephemeralContainers[0]).toMatchObject({ terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' });
  });

  it('refuses removing or changing an existing ephemeral container', () => {
    // Stored as the first write left it (defaulted).
    const old = write(stored(), withEphemeral(stored(), [debug()])).next;
    const [existing] = (old.spec as { ephemeralContainers: Record<string, unknown>[] }).ephemeralContainers;
    expect(write(old, withEphemeral(old, [])).errs).toEqual([
      expect.objectContaining({
        type: 'FieldValueForbidden',
        field: 'spec.ephemeralContainers',
        detail: expect.stringContaining('"debugger" may not be removed'),
      }),
    ]);
    expect(write(old, withEphemeral(old, [{ ...existing, image: 'other:1' }])).errs).toEqual([
      expect.objectContaining({ type: 'FieldValueForbidden', detail: expect.stringContaining('"debugger" may not be changed') }),
    ]);
    expect(write(old, withEphemeral(old, [existing, debug({ name: 'second' })])).errs).toEqual([]);
  });

  it('refuses a name used by any container, fields ephemeral containers may not have, and a missing target', () => {
    const old = stored();
    const { errs } = write(
      old,
      withEphemeral(old, [
        debug({ name: 'app' }),
        debug({ name: 'x', ports: [{ containerPort: 80 }], readinessProbe: { exec: { command: ['true'] } } }),
        debug({ name: 'y', resources: { limits: { cpu: '1' } }, targetContainerName: 'nope' }),
      ]),
    );
    expect(errs.map((e) => `${e.type} ${e.field}`)).toEqual([
      'FieldValueDuplicate spec.ephemeralContainers[0].name',
      'FieldValueForbidden spec.ephemeralContainers[1].ports',
      'FieldValueForbidden spec.ephemeralContainers[1].readinessProbe',
      'FieldValueForbidden spec.ephemeralContainers[2].resources',
      'FieldValueNotFound spec.ephemeralContainers[2].targetContainerName',
    ]);
  });
});

describe('pods/ephemeralcontainers at request size', () => {
  it('checks 60,000 targets among 150,000 containers quickly (an includes per target took 17 s for 40,000 among 100,000)', () => {
    const old = stored();
    const containers = Array.from({ length: 150_000 }, (_, i) => ({
      name: `c${i}`,
      image: 'i',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    }));
    (old.spec as { containers: unknown[] }).containers = containers;
    const ephemeral = Array.from({ length: 60_000 }, (_, i) => debug({ name: `e${i}`, targetContainerName: i === 7 ? 'e6' : 'c149999' }));
    const started = Date.now();
    const { errs } = write(old, withEphemeral(old, ephemeral));
    expect(Date.now() - started).toBeLessThan(15_000);
    // another ephemeral container is no target
    expect(errs.map((e) => `${e.type} ${e.field}`)).toEqual(['FieldValueNotFound spec.ephemeralContainers[7].targetContainerName']);
  });
});
