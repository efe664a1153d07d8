import { Buffer } from 'node:buffer';
import { buildEnv, dockerEnv } from '../../src/translate/env.js';
import { ContainerConfigError } from '../../src/translate/errors.js';
import { expand, expandCommandAndArgs, mappingFor } from '../../src/translate/expansion.js';
import { formatMap, podFieldValue, resourceFieldValue } from '../../src/translate/field-ref.js';
import type { ConfigMapData, Container, Pod } from '../../src/translate/k8s-types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('$(VAR) expansion (cases of Kubernetes expansion tests)', () => {
  const m = mappingFor({ VAR_A: 'A', VAR_B: 'B', VAR_C: 'C', VAR_REF: '$(VAR_A)', VAR_EMPTY: '' });
  test.each([
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_A)$(VAR_B)$(VAR_C)', 'ABC'],
    ['$(VAR_EMPTY)', ''],
    ['$(VAR_DNE)', '$(VAR_DNE)'],
    ['foo $(VAR_DNE) bar $(VAR_A)', 'foo $(VAR_DNE) bar A'],
    ['$$(VAR_B)', '$(VAR_B)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['$(VAR_A', '$(VAR_A'],
    ['$(', '$('],
    ['$VAR_A', '$VAR_A'],
    ['$', '$'],
    ['$$', '$'],
    ['$$$', '$$'],
    ['$()', '$()'],
    ['$(VAR_A)$', 'A$'],
    ['f000-$$VAR_A', 'f000-$VAR_A'],
    ['$(VAR_REF)', '$(VAR_A)'],
    ['$(VAR_A$(VAR_B))', '$(VAR_A$(VAR_B))'],
    ['\u00e9$(VAR_A)\u00e9', '\u00e9A\u00e9'],
    ['no refs here', 'no refs here'],
  ])('%s → %s', (input, want) => {
    expect(expand(input, m)).toBe(want);
  });

  test('earlier contexts win', () => {
    expect(expand('$(X)', mappingFor({ X: '1' }, { X: '2' }))).toBe('1');
    expect(expand('$(Y)', mappingFor({ X: '1' }, { Y: '2' }))).toBe('2');
  });

  test('command and args use the final environment', () => {
    const env = new Map([
      ['HOST', 'h'],
      ['PORT', '80'],
    ]);
    expect(expandCommandAndArgs(['sh', '-c', 'echo $(HOST):$(PORT) $$(HOST) $(NOPE)'], ['$(PORT)'], env)).toEqual({
      command: ['sh', '-c', 'echo h:80 $(HOST) $(NOPE)'],
      args: ['80'],
    });
    expect(expandCommandAndArgs(undefined, undefined, env)).toEqual({ command: undefined, args: undefined });
  });
});

const pod = (containers: Container[], extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'ns1', uid: 'u-1', labels: { app: 'web', tier: 'x"y' }, annotations: { a: '1' } },
  spec: { containers, nodeName: 'node-a', serviceAccountName: 'sa', ...extra },
});

describe('buildEnv', () => {
  const sources = {
    configMap: (n: string): ConfigMapData | undefined =>
      n === 'cm1'
        ? { data: { A: 'cm1-a', B: 'cm1-b', '1BAD': 'x', 'my.key': 'dot' }, binaryData: { BIN: b64('zz') } }
        : n === 'cm2'
          ? { data: { B: 'cm2-b' } }
          : undefined,
    secret: (n: string) => (n === 's1' ? { data: { PASS: b64('p@ss'), 'bad key': b64('v') } } : undefined),
    podIP: '10.244.0.5',
    hostIP: '192.0.2.2',
  };

  test('env overrides envFrom, later envFrom wins, binaryData is not exported, invalid keys are skipped with a warning', () => {
    const c: Container = {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cm1' } }, { configMapRef: { name: 'cm2' } }, { secretRef: { name: 's1' }, prefix: 'S_' }],
      env: [{ name: 'A', value: 'env-a' }],
    };
    const { env, warnings } = buildEnv(pod([c]), c, sources);
    expect(Object.fromEntries(env)).toEqual({ A: 'env-a', B: 'cm2-b', 'my.key': 'dot', S_PASS: 'p@ss' });
    expect(warnings).toEqual([
      {
        reason: 'InvalidEnvironmentVariableNames',
        message:
          'Keys [1BAD] from the EnvFrom configMap ns1/cm1 were skipped since they are considered invalid environment variable names.',
      },
      {
        reason: 'InvalidEnvironmentVariableNames',
        message:
          'Keys [S_bad key] from the EnvFrom secret ns1/s1 were skipped since they are considered invalid environment variable names.',
      },
    ]);
  });

  test('a prefix can make a key valid', () => {
    const c: Container = { name: 'c', envFrom: [{ configMapRef: { name: 'cm1' }, prefix: 'P_' }] };
    const { env, warnings } = buildEnv(pod([c]), c, sources);
    expect(env.get('P_1BAD')).toBe('x');
    expect(warnings).toEqual([]);
  });

  test('values expand against earlier variables only; valueFrom values are not expanded', () => {
    const c: Container = {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cm2' } }],
      env: [
        { name: 'LATER_REF', value: '$(X)' },
        { name: 'X', value: 'x' },
        { name: 'Y', value: '$(X)-$(B)-$$(X)' },
        { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cm1', key: 'A' } } },
        { name: 'RAW', valueFrom: { configMapKeyRef: { name: 'cm1', key: 'my.key' } } },
        { name: 'Z', value: '$(FROM_CM)' },
      ],
    };
    const { env } = buildEnv(pod([c]), c, sources);
    expect(env.get('LATER_REF')).toBe('$(X)');
    expect(env.get('Y')).toBe('x-cm2-b-$(X)');
    expect(env.get('Z')).toBe('cm1-a');
    expect(dockerEnv(env)).toContain('Y=x-cm2-b-$(X)');
  });

  test('fieldRef values', () => {
    const c: Container = {
      name: 'c',
      env: [
        { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      ],
    };
    expect(Object.fromEntries(buildEnv(pod([c]), c, sources).env)).toEqual({
      N: 'web',
      NS: 'ns1',
      UID: 'u-1',
      L: 'web',
      NODE: 'node-a',
      SA: 'sa',
      IP: '10.244.0.5',
      IPS: '10.244.0.5',
      HOST: '192.0.2.2',
    });
  });

  test('missing objects and keys: errors unless optional (optional ones are left out)', () => {
    const c = (env: Container['env'], envFrom?: Container['envFrom']): Container => ({ name: 'c', env, envFrom });
    const run = (x: Container) => () => buildEnv(pod([x]), x, sources);
    expect(run(c([{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cm1', key: 'nope' } } }]))).toThrow(
      "couldn't find key nope in ConfigMap ns1/cm1",
    );
    expect(run(c([{ name: 'K', valueFrom: { secretKeyRef: { name: 's1', key: 'nope' } } }]))).toThrow(
      "couldn't find key nope in Secret ns1/s1",
    );
    expect(run(c([{ name: 'K', valueFrom: { configMapKeyRef: { name: 'ghost', key: 'a' } } }]))).toThrow('configmap "ghost" not found');
    expect(run(c([], [{ secretRef: { name: 'ghost' } }]))).toThrow(ContainerConfigError);
    const opt = c(
      [
        { name: 'K1', valueFrom: { configMapKeyRef: { name: 'cm1', key: 'nope', optional: true } } },
        { name: 'K2', valueFrom: { secretKeyRef: { name: 'ghost', key: 'a', optional: true } } },
        { name: 'K3', value: 'ok' },
      ],
      [{ configMapRef: { name: 'ghost', optional: true } }],
    );
    expect(Object.fromEntries(buildEnv(pod([opt]), opt, sources).env)).toEqual({ K3: 'ok' });
  });

  test('service env is added last and never overrides; expansion can use it', () => {
    const c: Container = {
      name: 'c',
      env: [
        { name: 'URL', value: 'http://$(SVC_HOST)' },
        { name: 'SVC_PORT', value: 'mine' },
      ],
    };
    const { env } = buildEnv(pod([c]), c, { serviceEnv: { SVC_HOST: '10.96.0.7', SVC_PORT: '80' } });
    expect(Object.fromEntries(env)).toEqual({ URL: 'http://10.96.0.7', SVC_PORT: 'mine', SVC_HOST: '10.96.0.7' });
  });

  test('an empty value with no source is an empty variable', () => {
    const c: Container = { name: 'c', env: [{ name: 'E' }, { name: 'F', value: '' }] };
    expect(dockerEnv(buildEnv(pod([c]), c).env)).toEqual(['E=', 'F=']);
  });
});

describe('downward API values', () => {
  test('labels/annotations files are sorted key="value" lines', () => {
    expect(formatMap({ b: '2', a: 'x"y' })).toBe('a="x\\"y"\nb="2"');
    expect(podFieldValue(pod([]), 'metadata.annotations')).toBe('a="1"');
  });

  test('resourceFieldRef: ceil(value/divisor), limits default to node allocatable', () => {
    const c: Container = { name: 'c', resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '1500m' } } };
    const p = pod([c, { name: 'other' }]);
    expect(resourceFieldValue({ resource: 'limits.cpu' }, p, c)).toBe('1');
    expect(resourceFieldValue({ resource: 'limits.cpu', divisor: '1m' }, p, c)).toBe('250');
    expect(resourceFieldValue({ resource: 'requests.cpu' }, p, c)).toBe('2');
    expect(resourceFieldValue({ resource: 'limits.memory' }, p, c)).toBe(String(64 * 1024 * 1024));
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1Mi' }, p, c)).toBe('64');
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1M' }, p, c)).toBe('68');
    expect(resourceFieldValue({ containerName: 'other', resource: 'limits.cpu' }, p, undefined, { allocatable: { cpu: '2' } })).toBe('2');
    expect(resourceFieldValue({ containerName: 'other', resource: 'requests.memory' }, p, undefined)).toBe('0');
  });
});
