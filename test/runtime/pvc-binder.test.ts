// The PVC binder through either client: in process, and over a real TLS endpoint authenticated by a client
// certificate as each component's identity. A claim of the default class gets its Docker volume and is bound;
// one of an unknown class stays Pending with ProvisioningFailed; a deleted claim (reclaimPolicy Delete) loses its
// protection finalizer and its Docker volume. Needs the real engine (it FAILS without one, never skips).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { jest } from '@jest/globals';
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext, systemContext } from '../../src/reconcilers/context.js';
import { startPvcBinder } from '../../src/reconcilers/pvc-binder.js';
import { startVolumeProvisioner } from '../../src/node/volume-provisioner.js';
import { dockerClient } from '../../src/node/docker-client.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { LABEL_INSTANCE } from '../../src/reconcilers/kubelet/observed.js';
import { LABEL_PVC } from '../../src/translate/volume-plan.js';
import { VOLUME_PROVISIONER, controllerIdentity } from '../../src/client/identities.js';
import type { HttpClient } from '../../src/client/http-client.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { ResourceDef } from '../../src/registry/types.js';
import { serveHttps, type HttpsApi } from '../support/https-api.js';
import { removeVolumes, run, waitFor } from './support.js';

jest.setTimeout(60_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docker = new Docker();
const NS = 'default';
const ctxW = systemContext('test');
const log = pino({ level: 'silent' });

beforeAll(() => run('bash', ['scripts/ensure-docker.sh']), 120_000);

describe.each(['in-process', 'https'])('the PVC binder over the %s client', (mode) => {
  const instance = `test-pvc-${randomBytes(3).toString('hex')}`;
  let h: Harness;
  let api: HttpsApi | undefined;
  let binder: Controller;
  let provisioner: Controller;
  let dataDir: string;
  let pvcs: ResourceDef;
  const claimVolumes = (claim: string) =>
    docker
      .listVolumes({ filters: { label: [`${LABEL_PVC}=${NS}/${claim}`, `${LABEL_INSTANCE}=${instance}`] } })
      .then((r) => r.Volumes ?? []);
  const claim = (name: string, spec: J = {}) =>
    h.service.create(
      pvcs,
      NS,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } }, ...spec },
      } as KObject,
      ctxW,
    );

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dockube-pvc-'));
    h = await startHarness();
    pvcs = h.service.registry.find('', 'v1', 'persistentvolumeclaims')!;
    let opts = {};
    if (mode === 'https') {
      api = await serveHttps(h);
      // Each component over HTTPS as the identity it asks for: the binder as kube-system/persistent-volume-binder,
      // the provisioner as its own service account.
      const clients = new Map<string, HttpClient>();
      for (const u of [controllerIdentity('persistent-volume-binder'), VOLUME_PROVISIONER]) clients.set(u.name, await api.clientFor(u));
      opts = {
        client: (u: { name: string }) => {
          const c = clients.get(u.name);
          if (!c) throw new Error(`no HTTPS client for ${u.name}`);
          return c;
        },
      };
    }
    const ctx = makeContext(h.service, log, opts);
    binder = await startPvcBinder(ctx, { retryMs: 1000 });
    provisioner = await startVolumeProvisioner(ctx, {
      docker: dockerClient({ socketPath: '/var/run/docker.sock' }),
      nodeName: 'pvc-node',
      dataDir,
      instance,
      provisionUnselected: true,
      retryMs: 1000,
    });
  });

  afterAll(async () => {
    binder?.stop();
    provisioner?.stop();
    await removeVolumes(docker, [`${LABEL_INSTANCE}=${instance}`]);
    await api?.close();
    await h?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a claim of the default class is provisioned and bound; deleted, its Docker volume goes', async () => {
    const uid = (await claim('data')).metadata.uid!;
    const bound = await waitFor('claim Bound', async () => {
      const c = (await h.service.get(pvcs, NS, 'data')) as J;
      return c.status?.phase === 'Bound' && c;
    });
    expect(bound.spec).toMatchObject({ storageClassName: 'local', volumeName: `pvc-${uid}` });
    expect((await claimVolumes('data')).map((v) => v.Name)).toEqual([`pvc-${uid}`]);
    await h.service.delete(pvcs, NS, 'data', {}, ctxW);
    await waitFor('claim gone', async () => (await h.service.get(pvcs, NS, 'data').catch(() => undefined)) === undefined);
    await waitFor('volume removed', async () => (await claimVolumes('data')).length === 0);
  });

  test('a claim of an unknown class stays Pending with ProvisioningFailed', async () => {
    const c = await claim('lost', { storageClassName: 'gold' });
    const events = h.service.registry.find('', 'v1', 'events')!;
    const ev = await waitFor('ProvisioningFailed', async () =>
      ((await h.service.list(events, NS)).items as J[]).find(
        (e) => e.involvedObject?.uid === c.metadata.uid && e.reason === 'ProvisioningFailed',
      ),
    );
    expect(ev).toMatchObject({ type: 'Warning', message: 'storageclass.storage.k8s.io "gold" not found' });
    expect(((await h.service.get(pvcs, NS, 'lost')) as J).status.phase).toBe('Pending');
  });
});
