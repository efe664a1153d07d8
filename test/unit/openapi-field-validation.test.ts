// fieldValidation=Strict|Warn|Ignore: unknown and duplicate fields, with upstream's wording and order.
import yaml from 'js-yaml';
import {
  checkApplyDuplicates,
  checkFields,
  findDuplicateFields,
  findUndeclaredApplyFields,
  findUnknownFields,
  warningHeader,
} from '../../src/openapi/field-validation.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };

// The body of upstream's field validation integration test, as JSON and as YAML.
const badJson = `{
 "apiVersion": "apps/v1", "kind": "Deployment",
 "metadata": {"name": "x", "name": "y", "unknownMeta": "u", "labels": {"app": "nginx"}},
 "spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
  "selector": {"matchLabels": {"app": "nginx"}},
  "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest",
   "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}`;
const badYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
  name: b
  unknownMeta: x
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  template:
    spec:
      containers:
      - name: nginx
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never
`;

describe('findUnknownFields', () => {
  test('finds unknown fields in nested lists and metadata, not in maps or known fields', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', foo: 1, labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
      spec: {
        containers: [
          { name: 'a', image: 'x', ports: [{ containerPort: 80, bogus: true }] },
          {
            name: 'b',
            imagee: 'y',
            resources: { limits: { cpu: '1', 'example.com/gpu': '2' } },
            env: [{ name: 'E', valueFrom: { fieldRef: { fieldPath: 'x', extra: 1 } } }],
          },
        ],
        nodeSelector: { disk: 'ssd' },
      },
      status: { phase: 'Running', weird: 1 },
    };
    expect(findUnknownFields(POD, pod)).toEqual([
      'metadata.foo',
      'spec.containers[0].ports[0].bogus',
      'spec.containers[1].imagee',
      'spec.containers[1].env[0].valueFrom.fieldRef.extra',
      'status.weird',
    ]);
  });

  test("server-side apply's paths name list elements as structured-merge-diff does: by key, by value, else by index", () => {
    const pod = {
      metadata: { name: 'p', finalizers: ['example.com/f'] },
      spec: {
        containers: [
          { name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'TCP', bogus: true }] },
          { name: 'b', imagee: 'y', env: [{ name: 'E', valueFrom: { fieldRef: { fieldPath: 'x', extra: 1 } } }] },
        ],
        tolerations: [{ key: 'k', odd: 1 }],
      },
    };
    expect(findUndeclaredApplyFields(POD, pod)).toEqual([
      'spec.containers[name="a"].ports[containerPort=80,protocol="TCP"].bogus',
      'spec.containers[name="b"].imagee',
      'spec.containers[name="b"].env[name="E"].valueFrom.fieldRef.extra',
      'spec.tolerations[0].odd',
    ]);
  });

  test('free-form fields (RawExtension, managedFields.fieldsV1, CRD schemas) accept anything', () => {
    expect(findUnknownFields(POD, { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:x': {} } } }] } })).toEqual([]);
    expect(
      findUnknownFields(
        { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' },
        {
          spec: {
            versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
          },
        },
      ),
    ).toEqual([]);
    expect(findUnknownFields({ group: 'example.com', version: 'v1', kind: 'Unknown' }, { spec: { x: 1 } })).toEqual([]);
  });

  test('sorted order mimics Go for YAML bodies', () => {
    const obj = { spec: { zzz: 1, template: { spec: { containers: [{ name: 'a', bad: 1 }] } }, aaa: 2 } };
    expect(findUnknownFields(DEPLOY, obj)).toEqual(['spec.zzz', 'spec.template.spec.containers[0].bad', 'spec.aaa']);
    expect(findUnknownFields(DEPLOY, obj, true)).toEqual(['spec.aaa', 'spec.template.spec.containers[0].bad', 'spec.zzz']);
  });
});

describe('findDuplicateFields', () => {
  test('JSON: every repeated member, with its path', () => {
    expect(findDuplicateFields('{"a":1,"b":{"c":[{"d":1,"d":2}],"c":3},"a":2}', 'json')).toEqual([
      'duplicate field "b.c[0].d"',
      'duplicate field "b.c"',
      'duplicate field "a"',
    ]);
    expect(findDuplicateFields('{"a":{"x":1},"b":{"x":1}}', 'json')).toEqual([]);
  });
  test('YAML: go-yaml wording with 1-based lines, block and flow style', () => {
    expect(findDuplicateFields(badYaml, 'yaml')).toEqual([
      'line 5: key "name" already set in map',
      'line 10: key "unknownDupe" already set in map',
      'line 12: key "paused" already set in map',
      'line 19: key "imagePullPolicy" already set in map',
    ]);
    expect(findDuplicateFields('{\n "a": 1,\n "b": {"c": 2,\n "c": 3}\n}', 'yaml')).toEqual(['line 4: key "c" already set in map']);
  });
});

describe('checkFields', () => {
  test('Strict JSON: one 400 listing problems in document order, unknown+duplicate reported once', () => {
    const { error, warnings } = checkFields(DEPLOY, JSON.parse(badJson), badJson, 'json', 'Strict');
    expect(warnings).toEqual([]);
    expect(error?.code).toBe(400);
    expect(error?.reason).toBe('BadRequest');
    expect(error?.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", unknown field "spec.unknown1", unknown field "spec.unknownDupe", duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].unknownNested", duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
    );
  });

  test('Strict YAML: go-yaml duplicate block first, then unknown fields in sorted order', () => {
    const { error } = checkFields(DEPLOY, yaml.load(badYaml, { json: true }), badYaml, 'yaml', 'Strict');
    expect(error?.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: yaml: unmarshal errors:\n' +
        '  line 5: key "name" already set in map\n  line 10: key "unknownDupe" already set in map\n  line 12: key "paused" already set in map\n' +
        '  line 19: key "imagePullPolicy" already set in map, unknown field "metadata.unknownMeta", unknown field "spec.template.spec.containers[0].unknownNested", unknown field "spec.unknown1", unknown field "spec.unknownDupe"',
    );
  });

  test('Warn returns one warning per problem; Ignore returns nothing; clean bodies pass', () => {
    const warn = checkFields(DEPLOY, JSON.parse(badJson), badJson, 'json', 'Warn');
    expect(warn.error).toBeUndefined();
    expect(warn.warnings).toHaveLength(7);
    expect(warn.warnings[1]).toBe('unknown field "metadata.unknownMeta"');
    expect(warningHeader(warn.warnings[1])).toBe('299 - "unknown field \\"metadata.unknownMeta\\""');
    expect(checkFields(DEPLOY, JSON.parse(badJson), badJson, 'json', 'Ignore')).toEqual({ warnings: [] });
    const ok = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}';
    expect(checkFields({ group: '', version: 'v1', kind: 'ConfigMap' }, JSON.parse(ok), ok, 'json', 'Strict')).toEqual({ warnings: [] });
  });

  test('type errors fail in every mode, as the Go decoder does', () => {
    const raw = '{"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80"}]}]}}';
    for (const mode of ['Strict', 'Warn', 'Ignore'] as const) {
      const { error } = checkFields(POD, JSON.parse(raw), raw, 'json', mode);
      expect(error?.code).toBe(400);
      expect(error?.message).toBe(
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
      );
    }
    const r2 = '{"spec":{"replicas":1.5}}';
    expect(checkFields(DEPLOY, JSON.parse(r2), r2, 'json', 'Ignore').error?.message).toMatch(
      /cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32$/,
    );
    const r3 =
      '{"metadata":{"creationTimestamp":null,"labels":{"a":"b"}},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"targetPort":"x"}]}]}}';
    expect(checkFields(POD, JSON.parse(r3), r3, 'json', 'Ignore').error).toBeUndefined();
  });

  test('server-side apply bodies: duplicate keys only', () => {
    const raw = '{\n "spec": {\n  "paused": false,\n  "paused": true\n }\n}';
    expect(checkApplyDuplicates(raw, 'Strict').error?.message).toBe(
      'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 4: key "paused" already set in map',
    );
    expect(checkApplyDuplicates(raw, 'Warn').warnings).toEqual(['line 4: key "paused" already set in map']);
  });
});
