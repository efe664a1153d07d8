// The /openapi HTTP endpoints, and real `kubectl explain` against them.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import request from 'supertest';
import { openapiRouter } from '../../src/api/openapi-routes.js';
import { ALL_VERBS, type ResourceDef } from '../../src/registry/types.js';
import { TEST_DEFS } from './openapi-fixtures.js';

const app = express();
app.use(openapiRouter(TEST_DEFS));

describe('openapi routes', () => {
  test('GET /openapi/v2 serves JSON, gnostic protobuf when asked, and a 406 Status for anything else', async () => {
    const ok = await request(app).get('/openapi/v2').set('Accept', 'application/json');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    expect(ok.headers.etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect(JSON.parse(ok.text).swagger).toBe('2.0');
    const again = await request(app).get('/openapi/v2').set('If-None-Match', ok.headers.etag);
    expect(again.status).toBe(304);

    const pb = await request(app)
      .get('/openapi/v2?timeout=32s')
      .set('Accept', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    // kubectl 1.27/1.28's Accept: gnostic protobuf (test/unit/openapi-protobuf.test.ts), first in the list wins.
    expect(pb.status).toBe(200);
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const any = await request(app).get('/openapi/v2').set('Accept', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf, */*');
    expect(any.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const xml = await request(app).get('/openapi/v2').set('Accept', 'application/xml');
    expect(xml.status).toBe(406);
    expect(JSON.parse(xml.text)).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotAcceptable', code: 406 });
  });

  test('GET /openapi/v3 root and GV documents with hash caching', async () => {
    const root = await request(app).get('/openapi/v3?timeout=32s').set('Accept', 'application/json, */*');
    expect(root.status).toBe(200);
    const url: string = JSON.parse(root.text).paths['api/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);

    const gv = await request(app).get(`${url}&timeout=32s`).set('Accept', 'application/json');
    expect(gv.status).toBe(200);
    expect(gv.headers['content-type']).toMatch(/^application\/json/);
    expect(gv.headers['cache-control']).toBe('public, immutable');
    expect(gv.headers.etag).toBe(`"${url.split('hash=')[1]}"`);
    expect(JSON.parse(gv.text).paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch['x-kubernetes-action']).toBe('patch');

    const noHash = await request(app).get('/openapi/v3/apis/apps/v1');
    expect(noHash.status).toBe(200);
    expect(noHash.headers['cache-control']).toBe('no-cache, private');

    const stale = await request(app).get('/openapi/v3/api/v1?hash=ABC');
    expect(stale.status).toBe(301);
    expect(stale.headers.location).toBe(url);

    const missing = await request(app).get('/openapi/v3/apis/nope/v1');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

// --- real kubectl against a tiny server: the router plus minimal aggregated discovery ---

function discovery(defs: ResourceDef[], core: boolean) {
  const groups = new Map<string, ResourceDef[]>();
  for (const d of defs) if ((d.group === '') === core) groups.set(d.group, [...(groups.get(d.group) ?? []), d]);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups].map(([group, ds]) => ({
      metadata: { name: group },
      versions: [...new Set(ds.map((d) => d.version))].map((version) => ({
        version,
        freshness: 'Current',
        resources: ds
          .filter((d) => d.version === version)
          .map((d) => ({
            resource: d.plural,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: d.singular,
            verbs: d.verbs ?? ALL_VERBS,
            shortNames: d.shortNames ?? [],
          })),
      })),
    })),
  };
}

const hasKubectl = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'kubectl')));
const run = promisify(execFile);

(hasKubectl ? describe : describe.skip)('kubectl explain against the served documents', () => {
  let server: ReturnType<express.Express['listen']>;
  let base: string;
  let cacheDir: string;
  beforeAll(async () => {
    const srv = express();
    const send = (core: boolean) => (req: express.Request, res: express.Response) => {
      const v = /v=v2beta1/.test(req.headers.accept ?? '') && !/v=v2;/.test(req.headers.accept ?? '') ? 'v2beta1' : 'v2';
      const body = { ...discovery(TEST_DEFS, core), apiVersion: `apidiscovery.k8s.io/${v}` };
      res.setHeader('Content-Type', `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
      res.send(JSON.stringify(body));
    };
    srv.get('/api', send(true));
    srv.get('/apis', send(false));
    srv.get('/version', (_req, res) => {
      res.json({ major: '1', minor: '33', gitVersion: 'v1.33.0' });
    });
    srv.use(openapiRouter(TEST_DEFS));
    await new Promise<void>((resolve) => {
      server = srv.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cacheDir = mkdtempSync(join(tmpdir(), 'kc-cache-'));
  });
  afterAll(() => {
    server?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const explain = async (what: string) =>
    (await run('kubectl', ['--server', base, '--cache-dir', cacheDir, 'explain', what], { timeout: 20000 })).stdout;

  test('pod.spec.containers.image', async () => {
    const out = await explain('pod.spec.containers.image');
    expect(out).toMatch(/KIND:\s+Pod/);
    expect(out).toMatch(/VERSION:\s+v1/);
    expect(out).toMatch(/FIELD:\s+image <string>/);
    expect(out).toMatch(/Container image name/);
  });

  test('pod.spec lists containers as required', async () => {
    const out = await explain('pod.spec');
    expect(out).toMatch(/containers\s+<\[\]Container> -required-/);
  });

  test('deployment.spec.strategy', async () => {
    const out = await explain('deployment.spec.strategy');
    expect(out).toMatch(/GROUP:\s+apps/);
    expect(out).toMatch(/FIELD:\s+strategy <DeploymentStrategy>/);
    expect(out).toMatch(/rollingUpdate\s+<RollingUpdateDeployment>/);
    expect(out).toMatch(/type\s+<string>/);
  });
});
