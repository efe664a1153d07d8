// CertificateSigningRequests: parsing PKCS#10 (pki/csr.ts), validation and the update rules of each path
// (registry strategy), the approve/sign admission, and what the signer issues (reconcilers/certificates).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsr } from '../../src/pki/csr.js';
import { generateKeyPairPem } from '../../src/pki/keys.js';
import { issueSelfSigned, type Signer } from '../../src/pki/x509.js';
import {
  certificateSigningRequestApprovalStrategy as approval,
  certificateSigningRequestStatusStrategy as status,
  certificateSigningRequestStrategy as main,
  validateSignerName,
} from '../../src/registry/strategies/certificatesigningrequest.js';
import { admitCertificateSigningRequest } from '../../src/admission/certificates.js';
import { signRequest, signerAction } from '../../src/reconcilers/certificates/signer-controller.js';
import { csrCondition } from '../../src/registry/tables/certificatesigningrequests.js';
import { approvalSubresources } from '../../src/reconcilers/certificates/approver-controller.js';
import type { Authorizer } from '../../src/authorization/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const dir = mkdtempSync(join(tmpdir(), 'dockube-csr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CSR made by openssl, as users make them. */
function openssl(subject: string, args: string[] = []): string {
  const out = join(dir, `${Math.random()}.csr`);
  execFileSync('openssl', ['req', '-new', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', subject, '-out', out, ...args], {
    stdio: 'ignore',
  });
  return readFileSync(out, 'utf8');
}
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
const b64 = (s: string) => Buffer.from(s).toString('base64');

let ca: Signer;
beforeAll(async () => {
  const k = await generateKeyPairPem();
  ca = { certPem: await issueSelfSigned({ commonName: 'test-ca', usage: 'ca', validDays: 30 }, k), keyPem: k.privateKey };
});

const csrObject = (request: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'req' },
  spec: { request: b64(request), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec },
  status: {},
});

describe('parsing', () => {
  test('an EC request: CN, every O, the key, SANs', () => {
    const pem = openssl('/O=dev/O=qa/CN=alice', [...EC, '-addext', 'subjectAltName=DNS:a.example,IP:10.0.0.1,email:a@example.com']);
    const r = parseCsr(pem);
    expect(r.commonName).toBe('alice');
    expect(r.organizations).toEqual(['dev', 'qa']);
    expect(r.publicKey.asymmetricKeyType).toBe('ec');
    expect(r.dnsNames).toEqual(['a.example']);
    expect(r.ipAddresses).toEqual(['10.0.0.1']);
    expect(r.emailAddresses).toEqual(['a@example.com']);
    // The subject is kept byte for byte (openssl writes UTF8Strings) for the certificate the signer issues.
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
    expect(der.includes(r.subjectDer)).toBe(true);
  });

  test('IPv6 and URI subjectAltNames read as Go prints them', () => {
    const r = parseCsr(openssl('/CN=v6', [...EC, '-addext', 'subjectAltName=IP:fd00::1,URI:spiffe://cluster/ns/a']));
    expect(r.ipAddresses).toEqual(['fd00::1']);
    expect(r.uris).toEqual(['spiffe://cluster/ns/a']);
  });

  test('an RSA request', () => {
    const r = parseCsr(openssl('/CN=bob', ['-newkey', 'rsa:2048']));
    expect(r.commonName).toBe('bob');
    expect(r.publicKey.asymmetricKeyType).toBe('rsa');
  });

  test('a tampered signature, and a PEM of another type, are refused', () => {
    const pem = openssl('/CN=carol', EC);
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
    der[der.length - 5] ^= 0xff;
    const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => parseCsr(bad)).toThrow(/verification|malformed|structure/);
    expect(() => parseCsr(ca.certPem)).toThrow('PEM block type must be CERTIFICATE REQUEST');
  });
});

describe('validation', () => {
  test('a good request validates; a bad one reports each field as upstream', () => {
    expect(main.validate!(csrObject(openssl('/CN=a', EC)))).toEqual([]);
    const errs = main.validate!(
      csrObject('junk', { usages: ['client auth', 'bogus', 'client auth'], signerName: 'nodomain', expirationSeconds: 60 }),
    );
    expect(errs.map((e) => `${e.field} ${e.type}`)).toEqual([
      'spec.request FieldValueInvalid',
      'spec.usages[1] FieldValueNotSupported',
      'spec.usages[2] FieldValueDuplicate',
      'spec.signerName FieldValueInvalid',
      'spec.expirationSeconds FieldValueInvalid',
    ]);
    expect(main.validate!(csrObject(openssl('/CN=a', EC), { usages: [] })).map((e) => e.field)).toEqual(['spec.usages']);
  });

  test('duplicate usages are each reported, also among 150,000 (an indexOf per usage took 4.4 s for 60,000)', () => {
    const dup = main.validate!(
      csrObject(openssl('/CN=a', EC), { usages: ['client auth', 'digital signature', 'client auth', 'client auth'] }),
    );
    expect(dup.map((e) => `${e.field} ${e.type}`)).toEqual(['spec.usages[2] FieldValueDuplicate', 'spec.usages[3] FieldValueDuplicate']);
    const usages = Array.from({ length: 150_000 }, (_, i) => (i % 50_000 === 0 ? 'client auth' : `u${i}`));
    const started = Date.now();
    const errs = main.validate!(csrObject('junk', { usages }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errs.filter((e) => e.type === 'FieldValueDuplicate').map((e) => e.field)).toEqual(['spec.usages[50000]', 'spec.usages[100000]']);
  });

  test('signerName rules', () => {
    expect(validateSignerName('p', 'example.com/my-signer')).toEqual([]);
    expect(validateSignerName('p', '')).toEqual([{ type: 'FieldValueRequired', field: 'p' }]);
    expect(validateSignerName('p', 'example/x')[0]?.detail).toBe('should be a domain with at least two segments separated by dots');
    expect(validateSignerName('p', 'kubernetes.io/legacy-unknown')).toEqual([]);
    expect(main.validate!(csrObject(openssl('/CN=a', EC), { signerName: 'kubernetes.io/legacy-unknown' }))[0]?.detail).toBe(
      'the legacy signerName is not allowed via this API version',
    );
  });

  test('create keeps no status and no requester the body names', () => {
    const o = csrObject('x', { username: 'admin', groups: ['system:masters'] });
    o.status = { certificate: 'abc' };
    main.prepareForCreate!(o);
    expect(o.status).toEqual({});
    expect((o.spec as { username?: string }).username).toBeUndefined();
  });
});

describe('update paths', () => {
  const pem = openssl('/CN=u', EC);
  const at = '2026-01-01T00:00:00Z';
  const approved = { type: 'Approved', status: 'True', reason: 'KubectlApprove', lastUpdateTime: at, lastTransitionTime: at };
  const update = (strategy: typeof main, old: KObject, next: KObject) => {
    const obj = structuredClone(next);
    obj.metadata = structuredClone(old.metadata);
    strategy.prepareForUpdate?.(obj, old);
    return [...(strategy.validate?.(obj) ?? []), ...(strategy.validateUpdate?.(obj, old) ?? [])];
  };

  test('approval may add Approved (timestamps filled) but not set the certificate', () => {
    const old = csrObject(pem);
    const next = structuredClone(old);
    next.status = { conditions: [approved], certificate: b64(ca.certPem) };
    const obj = structuredClone(next);
    approval.prepareForUpdate!(obj, old);
    expect((obj.status as { certificate?: string }).certificate).toBeUndefined();
    expect((obj.status as { conditions: { lastUpdateTime?: string }[] }).conditions[0]!.lastUpdateTime).toBe(at);
    expect(update(approval, old, next)).toEqual([]);
    const bare = structuredClone(old);
    bare.status = { conditions: [{ type: 'Approved', status: 'True' }] };
    approval.prepareForUpdate!(bare, old);
    expect((bare.status as { conditions: { lastUpdateTime?: string; lastTransitionTime?: string }[] }).conditions[0]).toMatchObject({
      lastUpdateTime: expect.stringMatching(/Z$/),
      lastTransitionTime: expect.stringMatching(/Z$/),
    });
  });

  test('an unchanged status keeps its lastTransitionTime, also over 60,000 conditions (filtering per condition took 18.8 s)', () => {
    const old = csrObject(pem);
    const then = '2025-01-01T00:00:00Z';
    const n = 60_000;
    old.status = { conditions: Array.from({ length: n }, (_, i) => ({ type: `T${i}`, status: 'True', lastTransitionTime: then })) };
    const next = structuredClone(old);
    next.status = { conditions: Array.from({ length: n }, (_, i) => ({ type: `T${n - 1 - i}`, status: i % 2 ? 'True' : 'False' })) };
    const started = Date.now();
    approval.prepareForUpdate!(next, old);
    expect(Date.now() - started).toBeLessThan(10_000);
    const times = (next.status as { conditions: { type: string; lastTransitionTime: string }[] }).conditions;
    expect(times[0]).toMatchObject({ type: `T${n - 1}`, lastTransitionTime: expect.not.stringMatching(then) });
    expect(times[1]).toMatchObject({ type: `T${n - 2}`, lastTransitionTime: then });
    expect(times.filter((c) => c.lastTransitionTime === then)).toHaveLength(n / 2);
  });

  test('Approved and Denied together, or False, are invalid', () => {
    const old = csrObject(pem);
    const next = structuredClone(old);
    next.status = { conditions: [approved, { type: 'Denied', status: 'True' }] };
    expect(update(approval, old, next).map((e) => e.detail)).toContain('Approved and Denied conditions are mutually exclusive');
    next.status = { conditions: [{ type: 'Approved', status: 'False' }] };
    expect(update(approval, old, next)[0]?.type).toBe('FieldValueNotSupported');
  });

  test('status may set the certificate once, not add Approved; no path removes a condition', () => {
    const old = csrObject(pem);
    old.status = { conditions: [approved] };
    const next = structuredClone(old);
    (next.status as Record<string, unknown>).certificate = b64(ca.certPem);
    expect(update(status, old, next)).toEqual([]);
    const again = structuredClone(next);
    (again.status as Record<string, unknown>).certificate = b64(ca.certPem + ca.certPem);
    expect(update(status, next, again).map((e) => e.detail)).toEqual(['updates may not modify existing certificate content']);
    const sneaky = structuredClone(old);
    sneaky.status = { conditions: [approved, { type: 'Denied', status: 'True' }] };
    expect(
      update(status, csrObject(pem), { ...sneaky, status: { conditions: [{ type: 'Denied', status: 'True' }] } }).map((e) => e.detail),
    ).toContain('updates may not add a condition of type "Denied"');
    expect(update(approval, old, { ...old, status: { conditions: [] } }).map((e) => e.detail)).toContain(
      'updates may not remove a condition of type "Approved"',
    );
  });

  test('the main resource keeps spec and status', () => {
    const old = csrObject(pem);
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).signerName = 'example.com/other';
    main.prepareForUpdate!(next, old);
    expect((next.spec as { signerName: string }).signerName).toBe('kubernetes.io/kube-apiserver-client');
  });
});

describe('admission', () => {
  const allowing = (allowed: (name: string | undefined, verb: string) => boolean): Authorizer => ({
    authorize: (_u, a) => ({ allowed: a.resource === 'signers' && a.apiGroup === 'certificates.k8s.io' && allowed(a.name, a.verb) }),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  });
  const user = { name: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { k: ['v'] } };

  test('create records the requester', () => {
    const o = csrObject('x');
    admitCertificateSigningRequest(o, undefined, { list: async () => [], dryRun: false, user });
    expect(o.spec).toMatchObject({ username: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { k: ['v'] } });
  });

  test('approval needs approve on the signer, or on <domain>/*', () => {
    const o = csrObject('x');
    const ctx = (authorizer: Authorizer) => ({ list: async () => [], dryRun: false, user, authorizer, subresource: 'approval' });
    expect(() => admitCertificateSigningRequest(o, o, ctx(allowing(() => false)))).toThrow(
      'certificatesigningrequests.certificates.k8s.io "req" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"',
    );
    expect(() => admitCertificateSigningRequest(o, o, ctx(allowing((n, v) => v === 'approve' && n === 'kubernetes.io/*')))).not.toThrow();
    expect(() =>
      admitCertificateSigningRequest(o, o, ctx(allowing((n, v) => v === 'approve' && n === 'kubernetes.io/kube-apiserver-client'))),
    ).not.toThrow();
    expect(() => admitCertificateSigningRequest(o, o, ctx(allowing((_n, v) => v === 'sign')))).toThrow(/not permitted to approve/);
  });

  test('setting the certificate needs sign', () => {
    const old = csrObject('x');
    const next = { ...old, status: { certificate: 'Y2VydA==' } };
    const ctx = { list: async () => [], dryRun: false, user, subresource: 'status', authorizer: allowing((_n, v) => v === 'approve') };
    expect(() => admitCertificateSigningRequest(next, old, ctx)).toThrow(/user not permitted to sign requests with signerName/);
    expect(() => admitCertificateSigningRequest(old, old, ctx)).not.toThrow(); // no certificate change
  });
});

describe('signing', () => {
  const approvedCsr = (request: string, spec: Record<string, unknown> = {}) => {
    const o = csrObject(request, spec);
    o.status = { conditions: [{ type: 'Approved', status: 'True' }] };
    return o;
  };

  test('only approved, not failed or issued requests are signed', () => {
    expect(signerAction(csrObject('x'))).toBe('skip');
    expect(signerAction(approvedCsr('x'))).toBe('sign');
    const issued = approvedCsr('x');
    (issued.status as Record<string, unknown>).certificate = 'abc';
    expect(signerAction(issued)).toBe('skip');
  });

  test('a kube-apiserver-client request gets a client certificate from the CA: subject, usages, duration', async () => {
    const now = Date.now();
    const r = await signRequest(
      approvedCsr(openssl('/O=dev/CN=dan', EC), { expirationSeconds: 3600, usages: ['client auth', 'digital signature'] }),
      ca,
      now,
    );
    if (!r || !('pem' in r)) throw new Error(`not signed: ${JSON.stringify(r)}`);
    const x = new X509Certificate(r.pem);
    expect(x.subject.split('\n')).toEqual(['O=dev', 'CN=dan']);
    expect(x.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(x.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    // Certificate times are whole seconds.
    expect(Math.abs((Date.parse(x.validTo) - now) / 1000 - 3600)).toBeLessThan(1);
    expect(Math.abs((now - Date.parse(x.validFrom)) / 1000 - 300)).toBeLessThan(1);
  });

  test('usages outside a client certificate, or a kubelet request with a wrong subject, fail', async () => {
    expect(await signRequest(approvedCsr(openssl('/CN=x', EC), { usages: ['server auth'] }), ca)).toEqual({
      failed: 'invalid usage for client certificate: server auth',
    });
    expect(await signRequest(approvedCsr(openssl('/CN=x', EC), { usages: ['digital signature'] }), ca)).toEqual({
      failed: 'missing required usage for client certificate: client auth',
    });
    const kubelet = { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] };
    expect(await signRequest(approvedCsr(openssl('/CN=system:node:n1', EC), kubelet), ca)).toEqual({
      failed: 'subject organization is not system:nodes',
    });
    expect(await signRequest(approvedCsr(openssl('/O=system:nodes/CN=n1', EC), kubelet), ca)).toEqual({
      failed: 'subject common name does not begin with system:node:',
    });
    const ok = await signRequest(approvedCsr(openssl('/O=system:nodes/CN=system:node:n1', EC), kubelet), ca);
    expect(ok && 'pem' in ok).toBe(true);
  });

  test('other signers are left alone', async () => {
    expect(await signRequest(approvedCsr(openssl('/CN=x', EC), { signerName: 'example.com/foo' }), ca)).toBeUndefined();
  });

  test('the CONDITION column', () => {
    expect(csrCondition({ status: {} })).toBe('Pending');
    expect(csrCondition({ status: { conditions: [{ type: 'Approved' }], certificate: 'x' } })).toBe('Approved,Issued');
    expect(csrCondition({ status: { conditions: [{ type: 'Denied' }, { type: 'Failed' }] } })).toBe('Denied,Failed');
  });
});

describe('kubelet client auto-approval (sarapprove)', () => {
  const kubeletCsr = (subject: string, username: string, extra: Record<string, unknown> = {}) =>
    csrObject(openssl(subject, EC), {
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'],
      username,
      ...extra,
    });

  test('a node asking for its own name may be approved by selfnodeclient, then nodeclient; anyone else by nodeclient', () => {
    expect(approvalSubresources(kubeletCsr('/O=system:nodes/CN=system:node:n1', 'system:node:n1'))).toEqual([
      'selfnodeclient',
      'nodeclient',
    ]);
    expect(approvalSubresources(kubeletCsr('/O=system:nodes/CN=system:node:n1', 'system:bootstrap:abc'))).toEqual(['nodeclient']);
  });

  test('other signers, invalid kubelet requests and decided ones are never auto-approved', () => {
    expect(
      approvalSubresources(kubeletCsr('/O=system:nodes/CN=system:node:n1', 'x', { signerName: 'kubernetes.io/kube-apiserver-client' })),
    ).toEqual([]);
    expect(approvalSubresources(kubeletCsr('/O=dev/CN=system:node:n1', 'x'))).toEqual([]);
    expect(approvalSubresources(kubeletCsr('/O=system:nodes/CN=system:node:n1', 'x', { usages: ['client auth'] }))).toEqual([]);
    const decided = kubeletCsr('/O=system:nodes/CN=system:node:n1', 'x');
    decided.status = { conditions: [{ type: 'Denied', status: 'True' }] };
    expect(approvalSubresources(decided)).toEqual([]);
  });
});
