import type { IncomingMessage } from 'node:http';
import { generateSigningKey } from '../../src/serviceaccount/signing-key.js';
import { ServiceAccountTokens, type BoundKind } from '../../src/serviceaccount/tokens.js';
import { signJwt, verifyJwt } from '../../src/serviceaccount/jwt.js';
import { requiresRefresh } from '../../src/serviceaccount/pod-tokens.js';
import { mountServiceAccountToken, shouldAutomount } from '../../src/serviceaccount/admission.js';
import { kubernetesServiceEnv } from '../../src/serviceaccount/service-env.js';
import { createAuthenticator } from '../../src/api/auth.js';
import { staticPolicyAuthorizer } from '../support/static-policy.js';

const { authorize } = staticPolicyAuthorizer(() => []);
import type { Pki } from '../../src/pki/certs.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const obj = (name: string, uid: string, extra: Partial<KObject> = {}): KObject => ({ metadata: { name, namespace: 'ns1', uid }, ...extra });

function world() {
  const objects = new Map<string, KObject>();
  objects.set('ServiceAccount/build', obj('build', 'sa-uid'));
  objects.set('Pod/p1', obj('p1', 'pod-uid', { spec: { serviceAccountName: 'build' } }));
  let now = 1_700_000_000;
  const key = generateSigningKey();
  const tokens = new ServiceAccountTokens(
    key,
    async (kind: BoundKind, ns, name) => (ns === 'ns1' ? objects.get(`${kind}/${name}`) : undefined),
    { now: () => now },
  );
  return {
    objects,
    tokens,
    key,
    advance: (s: number) => {
      now += s;
    },
    now: () => now,
  };
}

describe('service account JWTs', () => {
  it('carries the claims Kubernetes puts in a token and authenticates as the service account', async () => {
    const w = world();
    const { token, claims } = await w.tokens.issue({
      serviceAccount: w.objects.get('ServiceAccount/build')!,
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 3600,
    });
    expect(token.split('.')).toHaveLength(3);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', kid: w.key.keyId });
    expect(claims).toEqual({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:ns1:build',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      iat: w.now(),
      nbf: w.now(),
      exp: w.now() + 3600,
      'kubernetes.io': { namespace: 'ns1', serviceaccount: { name: 'build', uid: 'sa-uid' } },
    });
    expect(await w.tokens.authenticate(token)).toEqual({
      name: 'system:serviceaccount:ns1:build',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
    });
  });

  it('refuses expired tokens (beyond a minute of leeway) and tokens not yet valid', async () => {
    const w = world();
    const { token } = await w.tokens.issue({
      serviceAccount: w.objects.get('ServiceAccount/build')!,
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 600,
    });
    w.advance(600 + 30);
    expect((await w.tokens.verify(token)).ok).toBe(true);
    w.advance(31);
    expect(await w.tokens.verify(token)).toEqual({ ok: false, reason: 'service account token has expired' });
    const early = world();
    const t2 = (
      await early.tokens.issue({
        serviceAccount: early.objects.get('ServiceAccount/build')!,
        audiences: ['https://kubernetes.default.svc.cluster.local'],
        expirationSeconds: 600,
      })
    ).token;
    early.advance(-120);
    expect(await early.tokens.verify(t2)).toEqual({ ok: false, reason: 'service account token is not valid yet' });
  });

  it('checks the audience against the API audiences', async () => {
    const w = world();
    const { token } = await w.tokens.issue({
      serviceAccount: w.objects.get('ServiceAccount/build')!,
      audiences: ['vault'],
      expirationSeconds: 3600,
    });
    expect(await w.tokens.authenticate(token)).toBeUndefined();
    expect((await w.tokens.verify(token, ['vault'])).ok).toBe(true);
  });

  it('refuses tokens signed by another key, tampered payloads and alg=none', async () => {
    const w = world();
    const other = world();
    const foreign = (
      await other.tokens.issue({
        serviceAccount: other.objects.get('ServiceAccount/build')!,
        audiences: ['https://kubernetes.default.svc.cluster.local'],
        expirationSeconds: 3600,
      })
    ).token;
    expect(await w.tokens.verify(foreign)).toEqual({ ok: false, reason: 'invalid signature' });
    const good = (
      await w.tokens.issue({
        serviceAccount: w.objects.get('ServiceAccount/build')!,
        audiences: ['https://kubernetes.default.svc.cluster.local'],
        expirationSeconds: 3600,
      })
    ).token;
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload['kubernetes.io'].namespace = 'kube-system';
    expect(await w.tokens.verify(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`)).toMatchObject({ ok: false });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect(await verifyJwt(none, w.key.publicKey)).toBeUndefined();
    expect(await verifyJwt(await signJwt({ a: 1 }, w.key.privateKey), w.key.publicKey)).toEqual({ a: 1 });
    // A verified signature is remembered per key: the same token again gives the same (frozen) claims, another key still refuses it.
    const signed = await signJwt({ a: { b: 1 } }, w.key.privateKey);
    const first = await verifyJwt(signed, w.key.publicKey);
    expect(await verifyJwt(signed, w.key.publicKey)).toBe(first);
    expect(Object.isFrozen(first!.a)).toBe(true);
    expect(await verifyJwt(signed, other.key.publicKey)).toBeUndefined();
  });

  it('stops working when the service account is deleted or recreated with another uid', async () => {
    const w = world();
    const { token } = await w.tokens.issue({
      serviceAccount: w.objects.get('ServiceAccount/build')!,
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 3600,
    });
    w.objects.set('ServiceAccount/build', obj('build', 'other-uid'));
    expect(await w.tokens.verify(token)).toEqual({ ok: false, reason: 'service account UID (other-uid) does not match claim (sa-uid)' });
    w.objects.delete('ServiceAccount/build');
    expect(await w.tokens.authenticate(token)).toBeUndefined();
  });

  it('binds a token to a pod: pod extras while it exists, invalid once it is gone or replaced', async () => {
    const w = world();
    const { token, claims } = await w.tokens.issue({
      serviceAccount: w.objects.get('ServiceAccount/build')!,
      pod: w.objects.get('Pod/p1'),
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 3600,
    });
    expect(claims['kubernetes.io'].pod).toEqual({ name: 'p1', uid: 'pod-uid' });
    expect(await w.tokens.authenticate(token)).toMatchObject({
      extra: { 'authentication.kubernetes.io/pod-name': ['p1'], 'authentication.kubernetes.io/pod-uid': ['pod-uid'] },
    });
    w.objects.set('Pod/p1', obj('p1', 'new-pod-uid'));
    expect((await w.tokens.verify(token)).ok).toBe(false);
    w.objects.delete('Pod/p1');
    expect(await w.tokens.verify(token)).toEqual({ ok: false, reason: 'service account token has been invalidated' });
  });
});

describe('authenticator and policy for service accounts', () => {
  const pki = { tokens: { admin: 'admin-token', viewer: 'viewer-token' } } as unknown as Pki;
  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, socket: {} }) as unknown as IncomingMessage;

  it('accepts service account tokens after the static ones', async () => {
    const w = world();
    const authn = createAuthenticator(pki, { serviceAccountTokens: (t) => w.tokens.authenticate(t) });
    expect(await authn(req('admin-token'))).toMatchObject({ name: 'dockube-admin' });
    const { token } = await w.tokens.issue({
      serviceAccount: w.objects.get('ServiceAccount/build')!,
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 3600,
    });
    expect(await authn(req(token))).toMatchObject({
      name: 'system:serviceaccount:ns1:build',
      groups: expect.arrayContaining(['system:authenticated', 'system:serviceaccounts:ns1']),
    });
    expect(await authn(req('nonsense'))).toBeUndefined();
  });

  it('gives a service account discovery and self reviews only', () => {
    const sa = {
      name: 'system:serviceaccount:ns1:build',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
    };
    expect(authorize(sa, { verb: 'get', resourceRequest: false, path: '/apis' }).allowed).toBe(true);
    expect(
      authorize(sa, { verb: 'create', resourceRequest: true, apiGroup: 'authentication.k8s.io', resource: 'selfsubjectreviews' }).allowed,
    ).toBe(true);
    expect(authorize(sa, { verb: 'list', resourceRequest: true, apiGroup: '', resource: 'pods', namespace: 'ns1' }).allowed).toBe(false);
    expect(
      authorize(sa, { verb: 'get', resourceRequest: true, apiGroup: '', resource: 'serviceaccounts', namespace: 'ns1', name: 'build' })
        .allowed,
    ).toBe(false);
  });
});

describe('kubelet side', () => {
  it('refreshes a token after 80% of its requested lifetime, or after a day', () => {
    const issued = 1_000_000_000;
    const c = { token: 't', requestedSeconds: 3600, expiresAtMs: issued + 3600_000 };
    expect(requiresRefresh(c, issued + 2879_000)).toBe(false);
    expect(requiresRefresh(c, issued + 2881_000)).toBe(true);
    const long = { token: 't', requestedSeconds: 10 * 24 * 3600, expiresAtMs: issued + 10 * 24 * 3600_000 };
    expect(requiresRefresh(long, issued + 23 * 3600_000)).toBe(false);
    expect(requiresRefresh(long, issued + 25 * 3600_000)).toBe(true);
  });

  it('names the kubernetes service variables after the reachable endpoint', () => {
    expect(kubernetesServiceEnv({ host: '10.244.0.1', port: 6443 })).toEqual({
      KUBERNETES_SERVICE_HOST: '10.244.0.1',
      KUBERNETES_SERVICE_PORT: '6443',
      KUBERNETES_SERVICE_PORT_HTTPS: '6443',
      KUBERNETES_PORT: 'tcp://10.244.0.1:6443',
      KUBERNETES_PORT_6443_TCP: 'tcp://10.244.0.1:6443',
      KUBERNETES_PORT_6443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_6443_TCP_PORT: '6443',
      KUBERNETES_PORT_6443_TCP_ADDR: '10.244.0.1',
    });
  });

  it('mounts the token volume in every container not already mounting the path, reusing an existing volume', () => {
    const pod: Record<string, any> = {
      spec: {
        // eslint-disable-line @typescript-eslint/no-explicit-any
        initContainers: [{ name: 'i' }],
        containers: [
          { name: 'a' },
          { name: 'b', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] },
        ],
      },
    };
    mountServiceAccountToken(pod, () => 'abcde');
    expect(pod.spec.volumes).toHaveLength(1);
    expect(pod.spec.volumes[0].name).toBe('kube-api-access-abcde');
    expect(pod.spec.initContainers[0].volumeMounts).toEqual([
      { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ]);
    expect(pod.spec.containers[1].volumeMounts).toEqual([{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    mountServiceAccountToken(pod, () => 'zzzzz');
    expect(pod.spec.volumes.map((v: { name: string }) => v.name)).toEqual(['kube-api-access-abcde']);
    expect(shouldAutomount({ metadata: {}, automountServiceAccountToken: false }, { spec: {} })).toBe(false);
    expect(shouldAutomount({ metadata: {}, automountServiceAccountToken: false }, { spec: { automountServiceAccountToken: true } })).toBe(
      true,
    );
  });
});
