// Mirrors test/e2e/apimachinery/crd_publish_openapi.go's [Conformance] tests (upstream v1.26) over the in-process
// server: CRDs' schemas published in /openapi/v2 (waitForDefinition's comparison), and the real kubectl's create,
// apply, delete and explain against them (kubectl 1.33, as the conformance scenarios use; $KUBECTL overrides).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { startCluster, type Cluster, type J } from './cluster.js';
import { until } from '../../support/until.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ customResources: true });
});
afterAll(() => c.close());

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** kubectl 1.33 beside the `kubectl` on PATH (where the conformance runner finds it), else that one. */
function kubectlBinary(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    const pinned = join(dirname(realpathSync(onPath)), 'kubectl.1.33');
    return existsSync(pinned) ? pinned : onPath;
  } catch {
    return 'kubectl';
  }
}
const KUBECTL = kubectlBinary();

/** e2ekubectl.RunKubectl(Input): resolves with stdout, rejects with an Error carrying stderr. */
async function kubectl(args: string[], input?: string): Promise<string> {
  const all = [`--server=${await c.httpsUrl()}`, '--token=admin', '--insecure-skip-tls-verify', ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(KUBECTL, all, { env: { ...process.env, KUBECONFIG: '/dev/null', HOME: '/tmp' } }, (err, stdout, stderr) =>
      err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** kubectl that must fail with an error naming one of `texts`. */
async function kubectlFails(args: string[], input: string, ...texts: string[]): Promise<void> {
  let message = '';
  try {
    await kubectl(args, input);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).not.toBe('');
  if (!texts.some((t) => message.includes(t)))
    throw new Error(`kubectl ${args.join(' ')} failed without ${JSON.stringify(texts)}: ${message}`);
}

async function verifyKubectlExplain(ns: string, name: string, pattern: RegExp): Promise<void> {
  const out = await kubectl(['explain', name, `--namespace=${ns}`]);
  expect(out).toMatch(pattern);
}

// ---- the schemas (crd_publish_openapi.go's) ----

const schemaFoo = parseYaml(`description: Foo CRD for Testing
type: object
properties:
  spec:
    type: object
    description: Specification of Foo
    properties:
      bars:
        description: List of Bars and their specs.
        type: array
        items:
          type: object
          required:
          - name
          properties:
            name:
              description: Name of Bar.
              type: string
            age:
              description: Age of Bar.
              type: string
            feeling:
              description: Whether Bar is feeling great.
              type: string
              enum:
              - Great
              - Down
            bazs:
              description: List of Bazs.
              items:
                type: string
              type: array
  status:
    description: Status of Foo
    type: object
    properties:
      bars:
        description: List of Bars and their statuses.
        type: array
        items:
          type: object
          properties:
            name:
              description: Name of Bar.
              type: string
            available:
              description: Whether the Bar is installed.
              type: boolean
            quxType:
              description: Indicates to external qux type.
              pattern: in-tree|out-of-tree
              type: string`) as J;

const waldoProperties = parseYaml(`spec:
  description: Specification of Waldo
  type: object
  properties:
    dummy:
      description: Dummy property.
      type: object
status:
  description: Status of Waldo
  type: object
  properties:
    bars:
      description: List of Bars and their statuses.
      type: array
      items:
        type: object`) as J;
const schemaWaldo: J = { description: 'Waldo CRD for Testing', type: 'object', properties: waldoProperties };
const schemaPreserveRoot: J = {
  description: 'preserve-unknown-properties at root for Testing',
  'x-kubernetes-preserve-unknown-fields': true,
  type: 'object',
  properties: waldoProperties,
};
const schemaPreserveNested: J = {
  description: 'preserve-unknown-properties in nested field for Testing',
  type: 'object',
  properties: { ...waldoProperties, spec: { ...waldoProperties.spec, 'x-kubernetes-preserve-unknown-fields': true } },
};

// ---- setupCRD, waitForDefinition, cleanupCRD ----

interface TestCrd {
  crd: J;
  kind: string;
  plural: string;
}

let seq = 0;
/** crd.CreateMultiVersionTestCRD (namespaced, the first version stored) under group `crd-publish-openapi-test-<suffix>.example.com`. */
async function setupCRD(schema: J | undefined, groupSuffix: string, versions: string[], expect: J | null = schema ?? { type: 'object' }) {
  const group = `crd-publish-openapi-test-${groupSuffix}.example.com`;
  const name = `e2e-test-crd-publish-openapi-${1000 + ++seq}-crd`;
  const kind = `E2e-test-crd-publish-openapi-${1000 + seq}-crd`;
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${name}s.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: `${name}s`, singular: name, kind, listKind: `${kind}List` },
      versions: versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      })),
    },
  };
  const created = (await c.h.api.post(CRDS).send(crd).expect(201)).body as J;
  for (const v of versions) await waitForDefinition(definitionName(created, v), expect);
  return { crd: created, kind, plural: `${name}s` } satisfies TestCrd;
}

/** openapiutil.ToRESTFriendlyName of <group>/<version>/<kind>. */
const definitionName = (crd: J, version: string) =>
  `${(crd.spec.group as string).split('.').reverse().join('.')}.${version}.${crd.spec.names.kind as string}`;

/** /openapi/v2's definitions, downloaded again only when its ETag changed (waitForOpenAPISchema does the same). */
let cachedV2: { etag: string; definitions: Record<string, J> } | undefined;
async function definitions(): Promise<Record<string, J>> {
  const req = c.h.api.get('/openapi/v2');
  if (cachedV2) req.set('If-None-Match', cachedV2.etag);
  const res = await req;
  if (res.status === 304 && cachedV2) return cachedV2.definitions;
  expect(res.status).toBe(200);
  cachedV2 = { etag: res.headers.etag as string, definitions: res.body.definitions };
  return cachedV2.definitions;
}

/** The definition exists and, without what the server adds (apiVersion, kind, metadata, the GVK), equals `schema`. */
async function waitForDefinition(name: string, schema: J | null): Promise<void> {
  let last = '';
  try {
    await until(async () => {
      const d = (await definitions())[name];
      if (!d) {
        last = `definitions["${name}"] not found`;
        return false;
      }
      if (!schema) return true;
      const got = structuredClone(d);
      for (const p of ['metadata', 'apiVersion', 'kind']) delete got.properties?.[p];
      if (got.properties && Object.keys(got.properties).length === 0) delete got.properties;
      delete got['x-kubernetes-group-version-kind'];
      delete got['x-kubernetes-selectable-fields'];
      last = `definitions["${name}"] does not match; expect: ${JSON.stringify(schema)}, actual: ${JSON.stringify(got)}`;
      expect(got).toEqual(schema);
      return true;
    }, 10_000);
  } catch {
    throw new Error(`failed to wait for definition ${name}: ${last}`);
  }
}

async function waitForDefinitionCleanup(name: string): Promise<void> {
  await until(async () => !(name in (await definitions())), 10_000);
}

async function cleanupCRD(t: TestCrd): Promise<void> {
  await c.h.api.delete(`${CRDS}/${t.crd.metadata.name}`).expect(200);
  for (const v of t.crd.spec.versions as J[]) await waitForDefinitionCleanup(definitionName(t.crd, v.name));
}

const metaPattern = (t: TestCrd, name: string) =>
  `"kind":"${t.kind}","apiVersion":"${t.crd.spec.group}/${t.crd.spec.versions[0].name}","metadata":{"name":"${name}"}`;

/** kubectl create, delete, apply, delete of one CR, all of which must succeed. */
async function createApplyDelete(ns: string, t: TestCrd, cr: string, name: string): Promise<void> {
  await kubectl([`--namespace=${ns}`, 'create', '-f', '-'], cr);
  await kubectl([`--namespace=${ns}`, 'delete', t.plural, name]);
  await kubectl([`--namespace=${ns}`, 'apply', '-f', '-'], cr);
  await kubectl([`--namespace=${ns}`, 'delete', t.plural, name]);
}

describe('[sig-api-machinery] CustomResourcePublishOpenAPI [Privileged:ClusterAdmin]', () => {
  test('works for CRD with validation schema [Conformance]', async () => {
    const ns = await c.namespace('crd-publish-openapi');
    const t = await setupCRD(schemaFoo, 'foo', ['v1']);
    const meta = metaPattern(t, 'test-foo');

    await createApplyDelete(ns, t, `{${meta},"spec":{"bars":[{"name":"test-bar"}]}}`, 'test-foo');

    const badEnum = `{${meta},"spec":{"bars":[{"name":"test-bar", "feeling":"NonExistentValue"}]}}`;
    await kubectlFails([`--namespace=${ns}`, 'create', '-f', '-'], badEnum, 'Unsupported value: "NonExistentValue"');

    const unknown = `{${meta},"spec":{"foo":true}}`;
    for (const verb of ['create', 'apply'])
      await kubectlFails([`--namespace=${ns}`, verb, '-f', '-'], unknown, 'unknown field "foo"', 'unknown field "spec.foo"');

    const noRequired = `{${meta},"spec":{"bars":[{"age":"10"}]}}`;
    for (const verb of ['create', 'apply'])
      await kubectlFails(
        [`--namespace=${ns}`, verb, '-f', '-'],
        noRequired,
        'missing required field "name"',
        'spec.bars[0].name: Required value',
      );

    await verifyKubectlExplain(
      ns,
      t.plural,
      /DESCRIPTION:.*Foo CRD for Testing.*FIELDS:.*apiVersion.*<string>.*APIVersion defines.*spec.*<Object>.*Specification of Foo/s,
    );
    await verifyKubectlExplain(
      ns,
      `${t.plural}.metadata`,
      /DESCRIPTION:.*Standard object's metadata.*FIELDS:.*creationTimestamp.*<string>.*CreationTimestamp is a timestamp/s,
    );
    await verifyKubectlExplain(
      ns,
      `${t.plural}.spec`,
      /DESCRIPTION:.*Specification of Foo.*FIELDS:.*bars.*<\[\]Object>.*List of Bars and their specs/s,
    );
    await verifyKubectlExplain(
      ns,
      `${t.plural}.spec.bars`,
      /(FIELD|RESOURCE):.*bars.*<\[\]Object>.*DESCRIPTION:.*List of Bars and their specs.*FIELDS:.*bazs.*<\[\]string>.*List of Bazs.*name.*<string>.*Name of Bar/s,
    );
    await kubectlFails(['explain', `${t.plural}.spec.bars2`], '', 'field "bars2" does not exist');
    await cleanupCRD(t);
  });

  test('works for CRD without validation schema [Conformance]', async () => {
    const ns = await c.namespace('crd-publish-openapi');
    const t = await setupCRD(undefined, 'empty', ['v1']);
    await createApplyDelete(ns, t, `{${metaPattern(t, 'test-cr')},"a":{"b":[{"c":"d"}]}}`, 'test-cr');
    await verifyKubectlExplain(ns, t.plural, /DESCRIPTION:.*<empty>/s);
    await cleanupCRD(t);
  });

  test('works for CRD preserving unknown fields at the schema root [Conformance]', async () => {
    const ns = await c.namespace('crd-publish-openapi');
    const t = await setupCRD(schemaPreserveRoot, 'unknown-at-root', ['v1'], null);
    await createApplyDelete(ns, t, `{${metaPattern(t, 'test-cr')},"a":{"b":[{"c":"d"}]}}`, 'test-cr');
    await verifyKubectlExplain(ns, t.plural, new RegExp(`KIND:.*${t.kind}`, 's'));
    await cleanupCRD(t);
  });

  test('works for CRD preserving unknown fields in an embedded object [Conformance]', async () => {
    const ns = await c.namespace('crd-publish-openapi');
    const t = await setupCRD(schemaPreserveNested, 'unknown-in-nested', ['v1'], null);
    await createApplyDelete(ns, t, `{${metaPattern(t, 'test-cr')},"spec":{"a":null,"b":[{"c":"d"}]}}`, 'test-cr');
    await verifyKubectlExplain(ns, t.plural, /DESCRIPTION:.*preserve-unknown-properties in nested field for Testing/s);
    await cleanupCRD(t);
  });

  test('works for multiple CRDs of different groups [Conformance]', async () => {
    const foo = await setupCRD(schemaFoo, 'foo', ['v1']);
    const waldo = await setupCRD(schemaWaldo, 'waldo', ['v1beta1']);
    expect(foo.crd.spec.group).not.toBe(waldo.crd.spec.group);
    await waitForDefinition(definitionName(waldo.crd, 'v1beta1'), schemaWaldo);
    await waitForDefinition(definitionName(foo.crd, 'v1'), schemaFoo);
    await cleanupCRD(foo);
    await cleanupCRD(waldo);
  });

  test('works for multiple CRDs of same group but different versions [Conformance]', async () => {
    const multi = await setupCRD(schemaFoo, 'multi-ver', ['v2', 'v3']);
    await waitForDefinition(definitionName(multi.crd, 'v3'), schemaFoo);
    await waitForDefinition(definitionName(multi.crd, 'v2'), schemaFoo);
    await cleanupCRD(multi);

    const foo = await setupCRD(schemaFoo, 'common-group', ['v4']);
    const waldo = await setupCRD(schemaWaldo, 'common-group', ['v5']);
    expect(foo.crd.spec.group).toBe(waldo.crd.spec.group);
    await waitForDefinition(definitionName(waldo.crd, 'v5'), schemaWaldo);
    await waitForDefinition(definitionName(foo.crd, 'v4'), schemaFoo);
    await cleanupCRD(foo);
    await cleanupCRD(waldo);
  });

  test('works for multiple CRDs of same group and version but different kinds [Conformance]', async () => {
    const foo = await setupCRD(schemaFoo, 'common-group', ['v6']);
    const waldo = await setupCRD(schemaWaldo, 'common-group', ['v6']);
    expect(foo.crd.spec.group).toBe(waldo.crd.spec.group);
    await waitForDefinition(definitionName(waldo.crd, 'v6'), schemaWaldo);
    await waitForDefinition(definitionName(foo.crd, 'v6'), schemaFoo);
    await cleanupCRD(foo);
    await cleanupCRD(waldo);
  });

  test('updates the published spec when one version gets renamed [Conformance]', async () => {
    const multi = await setupCRD(schemaFoo, 'multi-ver', ['v2', 'v3']);
    await waitForDefinition(definitionName(multi.crd, 'v3'), schemaFoo);
    await waitForDefinition(definitionName(multi.crd, 'v2'), schemaFoo);

    multi.crd = (
      await c.h.api
        .patch(`${CRDS}/${multi.crd.metadata.name}`)
        .set('Content-Type', 'application/json-patch+json')
        .send([
          { op: 'test', path: '/spec/versions/1/name', value: 'v3' },
          { op: 'replace', path: '/spec/versions/1/name', value: 'v4' },
        ])
        .expect(200)
    ).body;
    await waitForDefinition(definitionName(multi.crd, 'v4'), schemaFoo);
    await waitForDefinitionCleanup(definitionName(multi.crd, 'v3'));
    await waitForDefinition(definitionName(multi.crd, 'v2'), schemaFoo);
    await cleanupCRD(multi);
  });

  test('removes definition from spec when one version gets changed to not be served [Conformance]', async () => {
    const t = await setupCRD(schemaFoo, 'multi-to-single-ver', ['v5', 'v6alpha1']);
    await waitForDefinition(definitionName(t.crd, 'v6alpha1'), schemaFoo);
    await waitForDefinition(definitionName(t.crd, 'v5'), schemaFoo);

    const current = (await c.h.api.get(`${CRDS}/${t.crd.metadata.name}`).expect(200)).body;
    current.spec.versions[1].served = false;
    t.crd = (await c.h.api.put(`${CRDS}/${t.crd.metadata.name}`).send(current).expect(200)).body;
    await waitForDefinitionCleanup(definitionName(t.crd, 'v6alpha1'));
    await waitForDefinition(definitionName(t.crd, 'v5'), schemaFoo);
    await cleanupCRD(t);
  });
});
