// Real pulls from the loopback registries of scripts/ensure-test-registry.sh (open :5000, basic auth :5001):
// pull policies IfNotPresent / Always / Never, kubelet's events and imageID, and imagePullSecrets.
// FAILS (never skips) when the engine or the registries cannot be set up.
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { ResourceDef } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { TestNode } from './node-fixture.js';
import { run, waitFor as waitForShared } from './support.js';

jest.setTimeout(90_000);

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
// Tags of jest's own: scenario 38 pulls and removes others (w<worker>) in conformance runs beside jest.
const OPEN1 = '127.0.0.1:5000/test/busybox:jest-1';
const OPEN2 = '127.0.0.1:5000/test/busybox:jest-2';
const PRIVATE = '127.0.0.1:5001/private/busybox:jest-1';
const node = new TestNode({
  name: 'pull',
  label: 'image-pull',
  subnetOctet: 196,
  nodeName: 'image-pull-node',
  resyncMs: 2000,
  images: false,
  prepare: async () => {
    try {
      run('bash', ['scripts/ensure-test-registry.sh'], 300_000);
    } catch (e) {
      throw new Error(
        `The loopback registries (scripts/ensure-test-registry.sh) are required and could not be set up: ${(e as Error).message}`,
      );
    }
    const env = readFileSync('/var/lib/dockube-test-registry/auth.env', 'utf8');
    creds = { user: /REGISTRY_USER=(.*)/.exec(env)![1]!, password: /REGISTRY_PASSWORD=(.*)/.exec(env)![1]! };
    for (const r of [OPEN1, OPEN2, PRIVATE]) await untag(r);
  },
});
const { docker, rand, NS, NODE, ctxW, getPod, podObj, createPod } = node;
const eventsOf = node.eventsNamed;
const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 40_000) => waitForShared(what, fn, timeoutMs, 100);
let secretsDef: ResourceDef;
let creds: { user: string; password: string };

/** Removes the local tag so the kubelet must pull (the image itself stays as dockube/busybox:test). */
const untag = (ref: string) =>
  docker
    .getImage(ref)
    .remove()
    .catch(() => undefined);

const waitingOf = (p: J) => p.status?.containerStatuses?.[0]?.state?.waiting as J | undefined;
const running = (p: J) => p.status?.containerStatuses?.[0]?.state?.running !== undefined;

const pod = (name: string, image: string, policy: string, extra: J = {}): KObject =>
  podObj(name, {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'c', image, imagePullPolicy: policy, command: ['sleep', '100000'] }],
    ...extra,
  });

function dockerConfigSecret(name: string, server: string, user: string, password: string, legacy = false): KObject {
  const entry = { username: user, password, auth: Buffer.from(`${user}:${password}`).toString('base64') };
  const body = legacy ? { [server]: entry } : { auths: { [server]: entry } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS },
    type: legacy ? 'kubernetes.io/dockercfg' : 'kubernetes.io/dockerconfigjson',
    data: { [legacy ? '.dockercfg' : '.dockerconfigjson']: Buffer.from(JSON.stringify(body)).toString('base64') },
  } as KObject;
}

beforeAll(async () => {
  await node.start();
  secretsDef = node.def('secrets');
}, 360_000);

afterAll(async () => {
  await node.stop();
  for (const r of [OPEN1, OPEN2, PRIVATE]) await untag(r);
}, 60_000);

describe('image pulls from loopback registries', () => {
  test('IfNotPresent pulls a missing image: Pulling, Pulled with time and size, imageID from the registry digest', async () => {
    expect(
      await docker
        .getImage(OPEN1)
        .inspect()
        .catch(() => undefined),
    ).toBeUndefined();
    await createPod(pod('ifnp', OPEN1, 'IfNotPresent'));
    const p = await waitFor('ifnp running', async () => {
      const x = await getPod('ifnp');
      return running(x) && x;
    });
    expect(p.status.containerStatuses[0].imageID).toMatch(/^docker-pullable:\/\/127\.0\.0\.1:5000\/test\/busybox@sha256:[0-9a-f]{64}$/);
    const evs = await waitFor('Pulled event', async () => {
      const e = await eventsOf('ifnp');
      return e.some((x) => x.reason === 'Pulled') && e;
    });
    expect(evs.find((e) => e.reason === 'Pulling')?.message).toBe(`Pulling image "${OPEN1}"`);
    // Kubelet reports both pulls and "already present" with reason Pulled; the pull's own event is what counts here.
    expect(evs.filter((e) => e.reason === 'Pulled').map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^Successfully pulled image "127\.0\.0\.1:5000\/test\/busybox:jest-1" in (\d+ms|[\d.]+s) \((\d+ms|[\d.]+s) including waiting\)\. Image size: [1-9]\d* bytes\.$/,
      ),
    );
    // Now present: a second pod uses the local copy.
    await createPod(pod('ifnp2', OPEN1, 'IfNotPresent'));
    const evs2 = await waitFor('Pulled event of ifnp2', async () => {
      const e = await eventsOf('ifnp2');
      return e.some((x) => x.reason === 'Pulled') && e;
    });
    expect(evs2.map((e) => `${e.reason}:${e.message}`)).toContain(`Pulled:Container image "${OPEN1}" already present on machine`);
    expect(evs2.some((e) => e.reason === 'Pulling')).toBe(false);
  });

  test('Always pulls on every container start, even with the image present', async () => {
    await createPod({
      ...pod('always', OPEN2, 'Always'),
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 1,
        restartPolicy: 'Always',
        containers: [{ name: 'c', image: OPEN2, imagePullPolicy: 'Always', command: ['sh', '-c', 'sleep 1'] }],
      },
    } as KObject);
    // One Pulling per start: after a restart there are at least two (events may be aggregated into a count).
    const evs = await waitFor('a restart and two pulls', async () => {
      const restarts = (await getPod('always')).status?.containerStatuses?.[0]?.restartCount ?? 0;
      const e = (await eventsOf('always')).filter((x) => x.reason === 'Pulling');
      const pulls = e.reduce((n, x) => n + (x.count ?? 1), 0);
      return restarts >= 1 && pulls >= 2 && e;
    });
    expect(evs[0]!.message).toBe(`Pulling image "${OPEN2}"`);
    const pulled = (await eventsOf('always')).filter((x) => x.reason === 'Pulled');
    expect(pulled.every((x) => x.message.startsWith(`Successfully pulled image "${OPEN2}" in `))).toBe(true);
  });

  test('Never with a missing image: ErrImageNeverPull, no pull', async () => {
    const ref = `127.0.0.1:5000/test/absent-${rand}:1`;
    await createPod(pod('never', ref, 'Never'));
    const w = await waitFor('ErrImageNeverPull', async () => {
      const x = waitingOf(await getPod('never'));
      return x?.reason === 'ErrImageNeverPull' && x;
    });
    expect(w.message).toBe(`Container image "${ref}" is not present with pull policy of Never`);
    const evs = await eventsOf('never');
    expect(evs.find((e) => e.reason === 'ErrImageNeverPull')).toMatchObject({
      type: 'Warning',
      message: `Container image "${ref}" is not present with pull policy of Never`,
    });
    expect(evs.some((e) => e.reason === 'Pulling')).toBe(false);
  });

  test('a private image without credentials fails to pull with the authentication error, then backs off', async () => {
    await createPod(pod('noauth', PRIVATE, 'IfNotPresent'));
    const evs = await waitFor('Failed to pull', async () => {
      const e = await eventsOf('noauth');
      return e.some((x) => x.reason === 'Failed' && x.message.startsWith(`Failed to pull image "${PRIVATE}": `)) && e;
    });
    const failed = evs.find((x) => x.reason === 'Failed' && x.message.startsWith('Failed to pull'))!;
    expect(failed.message).toMatch(/auth|unauthorized|credentials/i);
    const w = await waitFor('ImagePullBackOff', async () => {
      const x = waitingOf(await getPod('noauth'));
      return x?.reason === 'ImagePullBackOff' && x;
    });
    expect(w.message).toMatch(
      new RegExp(`^Back-off pulling image "${PRIVATE.replace(/[.]/g, '\\.')}": ErrImagePull: .*(auth|unauthorized|credentials)`, 'i'),
    );
  });

  test('a wrong password in the pull secret fails too (the secret is what authenticates)', async () => {
    await node.h.service.create(secretsDef, NS, dockerConfigSecret('badcred', '127.0.0.1:5001', creds.user, 'wrong-password'), ctxW);
    await createPod(pod('badcred', PRIVATE, 'Always', { imagePullSecrets: [{ name: 'badcred' }] }));
    const evs = await waitFor('Failed to pull', async () => {
      const e = await eventsOf('badcred');
      return e.some((x) => x.reason === 'Failed' && x.message.startsWith(`Failed to pull image "${PRIVATE}": `)) && e;
    });
    expect(evs.find((x) => x.reason === 'Failed')!.message).toMatch(/auth|unauthorized|credentials/i);
  });

  test('imagePullSecrets (dockerconfigjson) authenticate the pull; a missing secret is reported and skipped', async () => {
    await node.h.service.create(secretsDef, NS, dockerConfigSecret('regcred', '127.0.0.1:5001', creds.user, creds.password), ctxW);
    await createPod(pod('withcred', PRIVATE, 'IfNotPresent', { imagePullSecrets: [{ name: 'missing' }, { name: 'regcred' }] }));
    const p = await waitFor('withcred running', async () => {
      const x = await getPod('withcred');
      return running(x) && x;
    });
    expect(p.status.containerStatuses[0].imageID).toMatch(/^docker-pullable:\/\/127\.0\.0\.1:5001\/private\/busybox@sha256:[0-9a-f]{64}$/);
    const evs = await eventsOf('withcred');
    expect(evs.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Pulled']));
    expect(evs.find((e) => e.reason === 'FailedToRetrieveImagePullSecret')?.message).toBe(
      'Unable to retrieve some image pull secrets (missing); attempting to pull the image may not succeed.',
    );
  });

  test('a legacy dockercfg secret works as well (Always: it must authenticate again)', async () => {
    await node.h.service.create(secretsDef, NS, dockerConfigSecret('legacy', '127.0.0.1:5001', creds.user, creds.password, true), ctxW);
    await createPod(pod('legacy', PRIVATE, 'Always', { imagePullSecrets: [{ name: 'legacy' }] }));
    await waitFor('legacy running', async () => {
      const x = await getPod('legacy');
      return running(x) && x;
    });
    const evs = await eventsOf('legacy');
    expect(evs.some((e) => e.reason === 'Pulled' && e.message.startsWith(`Successfully pulled image "${PRIVATE}"`))).toBe(true);
  });
});
