// What the mirrored upstream conformance tests (test/e2e/apimachinery) run against: the in-process harness plus the
// parts of a cluster their steps need and no kubelet: custom resources served with the CRD controllers, the
// namespace controller, the garbage collector, the resourcequota controller. Also the e2e framework's helpers they
// lean on: a fresh namespace per test, CRD fixtures as apiextensions' test/integration/fixtures builds them, and
// waiting for watch events.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { makeWebhookCerts } from '../../support/webhook-certs.js';
import { startHarness, type Harness, type WatchEvent, type WatchStream } from '../harness.js';
import { makeContext } from '../../../src/reconcilers/context.js';
import { serveCustomResources, type CustomResourceServing } from '../../../src/apiextensions/serving.js';
import { startCrdControllers } from '../../../src/apiextensions/controller.js';
import { startNamespaceLifecycle } from '../../../src/reconcilers/namespace-lifecycle.js';
import { startNamespaceDefaults } from '../../../src/reconcilers/namespace-defaults.js';
import { startGarbageCollector } from '../../../src/reconcilers/garbage-collector.js';
import { startResourceQuotaController } from '../../../src/reconcilers/resourcequota/resourcequota-controller.js';
import { startReplicaSetControllers } from '../../../src/reconcilers/replicaset/replicaset-controller.js';
import { startDeploymentController } from '../../../src/reconcilers/deployment/deployment-controller.js';
import { startAdmissionWebhooks } from '../../../src/admission/webhook/plugins.js';
import { conversionWebhookCall } from '../../../src/apiextensions/conversion/webhook-call.js';
import { WebhookCaller } from '../../../src/webhook/https-caller.js';
import { endpointsServiceResolver } from '../../../src/webhook/service-resolver.js';
import { until } from '../../support/until.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type J = Record<string, any>;

export interface Cluster {
  h: Harness;
  /**
   * The harness's app behind TLS as well (kubectl sends bearer tokens over TLS only): its URL, for
   * `--server=<url> --token=admin --insecure-skip-tls-verify`.
   */
  httpsUrl(): Promise<string>;
  /** A new namespace named `<base>-<n>`, as the e2e framework makes one per test. */
  namespace(base: string, labels?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export interface ClusterParts {
  /** Bounds of the watch cache's event window. */
  watchCache?: { maxEvents?: number; maxBytes?: number };
  customResources?: boolean;
  /** The namespace controller, and the default ServiceAccount and root CA ConfigMap of every namespace. */
  namespaceController?: boolean;
  garbageCollector?: boolean;
  resourceQuota?: boolean;
  /** The ReplicaSet, ReplicationController and Deployment controllers (their pods are created, never run). */
  workloads?: boolean;
  /** MutatingAdmissionWebhook and ValidatingAdmissionWebhook on the admission chain, as the server wires them. */
  admissionWebhooks?: boolean;
}

const log = pino({ level: 'silent' });
const APISERVER = { name: 'system:apiserver', groups: ['system:masters'] };

export async function startCluster(parts: ClusterParts = {}): Promise<Cluster> {
  const h = await startHarness(parts.watchCache ? { watchCache: parts.watchCache } : {});
  const ctx = makeContext(h.service, log);
  const stops: (() => void)[] = [];
  let serving: CustomResourceServing | undefined;
  if (parts.customResources) {
    // Conversion webhooks are called as the server calls them: Services resolved to their endpoints.
    const caller = new WebhookCaller(endpointsServiceResolver(ctx.client(APISERVER)));
    stops.push(() => caller.close());
    serving = serveCustomResources(h.service, log, conversionWebhookCall(caller));
    await serving.synced;
    stops.push(() => serving!.stop());
    const crd = await startCrdControllers(ctx.client(APISERVER), log as never);
    stops.push(() => crd.stop());
  }
  if (parts.namespaceController) {
    const c = await startNamespaceLifecycle(ctx);
    stops.push(() => c.stop());
    // The harness has no PKI: the root CA ConfigMap carries a placeholder, which nothing here reads.
    const d = await startNamespaceDefaults(ctx, 'harness-without-pki');
    stops.push(() => d.stop());
  }
  if (parts.garbageCollector) {
    const c = await startGarbageCollector(ctx);
    stops.push(() => c.stop());
  }
  if (parts.admissionWebhooks) {
    const w = await startAdmissionWebhooks({ client: ctx.client(APISERVER), registry: h.service.registry, chain: h.service.admission });
    stops.push(() => w.stop());
  }
  if (parts.workloads) {
    const rs = await startReplicaSetControllers(ctx);
    stops.push(() => rs.stop());
    const d = await startDeploymentController(ctx);
    stops.push(() => d.stop());
  }
  if (parts.resourceQuota) {
    const c = await startResourceQuotaController(makeContext(h.service, log, { authorize: () => undefined }));
    stops.push(() => c.stop());
  }
  let n = 0;
  let tls: Promise<string> | undefined;
  return {
    h,
    httpsUrl() {
      tls ??= (async () => {
        const certs = makeWebhookCerts(['localhost'], ['127.0.0.1']);
        const server = https.createServer({ key: certs.keyPem, cert: certs.certPem }, h.app);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        stops.push(() => {
          server.closeAllConnections();
          server.close();
        });
        return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      })();
      return tls;
    },
    async namespace(base, labels = {}) {
      const name = `${base}-${++n}`;
      await h.api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }).expect(201);
      return name;
    },
    async close() {
      for (const s of stops.reverse()) s();
      await h.close();
    },
  };
}

// ---- CRD fixtures (k8s.io/apiextensions-apiserver/test/integration/fixtures) ----

let crdSeq = 0;
/** NewRandomNameV1CustomResourceDefinition: `foo<random>a`, group mygroup.example.com, v1beta1, any fields kept. */
export function randomNameCrd(scope: 'Cluster' | 'Namespaced'): J {
  const name = `foo${Date.now().toString(36).slice(-4)}${++crdSeq}a`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${name}s.mygroup.example.com` },
    spec: {
      group: 'mygroup.example.com',
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
      names: { plural: `${name}s`, singular: name, kind: name, listKind: `${name}List` },
      scope,
    },
  };
}

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** CreateNewV1CustomResourceDefinitionWatchUnsafe: create, then wait until every served version lists the plural. */
export async function createCrd(h: Harness, crd: J): Promise<J> {
  const created = (await h.api.post(CRDS).send(crd).expect(201)).body as J;
  for (const v of created.spec.versions as J[]) {
    if (!v.served) continue;
    await until(async () => {
      const res = await h.api.get(`/apis/${created.spec.group}/${v.name}`);
      return res.status === 200 && (res.body.resources as J[]).some((r) => r.name === created.spec.names.plural);
    });
  }
  return created;
}

/** DeleteV1CustomResourceDefinition: delete, then wait until discovery no longer lists the plural. */
export async function deleteCrd(h: Harness, crd: J): Promise<void> {
  await h.api.delete(`${CRDS}/${crd.metadata.name}`).expect(200);
  await until(async () => {
    const res = await h.api.get(`/apis/${crd.spec.group}/${crd.spec.versions[0].name}`);
    return res.status === 404 || !(res.body.resources as J[]).some((r) => r.name === crd.spec.names.plural);
  });
}

// ---- watch expectations (test/e2e/apimachinery/watch.go's expectEvent / expectNoEvent) ----

/** Reads events until one of `type` (matching `check` when given) arrives; fails after ms. */
export async function expectEvent(w: WatchStream, type: string, check?: (o: J) => boolean, ms = 5000): Promise<WatchEvent> {
  const end = Date.now() + ms;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) throw new Error(`no ${type} event within ${ms} ms`);
    const e = await w.next(left);
    if (e.type === type && (!check || check(e.object))) return e;
  }
}

/**
 * No event of `type` within ms (upstream waits 10 s; the events here are produced synchronously before the call, so a
 * short wait suffices).
 */
export async function expectNoEvent(w: WatchStream, type: string, ms = 300): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return;
    let e: WatchEvent;
    try {
      e = await w.next(left);
    } catch {
      return;
    }
    if (e.type === type) throw new Error(`unexpected ${type} event for ${String(e.object.metadata?.name)}`);
  }
}

/** The object as created/updated equals the watched one where the API fills it (name, resourceVersion, data). */
export const sameObject = (want: J) => (got: J) =>
  got.metadata?.name === want.metadata?.name &&
  got.metadata?.resourceVersion === want.metadata?.resourceVersion &&
  JSON.stringify(got.data ?? null) === JSON.stringify(want.data ?? null);
