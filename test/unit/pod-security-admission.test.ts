// The PodSecurity admission hooks over a fake AdmitContext: namespace labels, defaults, updates, warnings, refusals.
import {
  admitNamespacePodSecurity,
  admitPodSecurity,
  isSignificantPodUpdate,
  policyFromLabels,
  warnPodTemplateSecurity,
} from '../../src/admission/pod-security/index.js';
import { StatusError } from '../../src/machinery/api/errors.js';
import type { AdmitContext } from '../../src/registry/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';

const ns = (name: string, labels?: Record<string, string>): KObject => ({ metadata: { name, ...(labels ? { labels } : {}) } });
function context(namespaces: KObject[], pods: KObject[] = [], subresource?: string): AdmitContext & { warnings: string[] } {
  return {
    dryRun: false,
    warnings: [],
    subresource,
    list: async (_g, plural) => (plural === 'namespaces' ? namespaces : plural === 'pods' ? pods : []),
    getNamespace: async (name) => namespaces.find((n) => n.metadata.name === name),
  };
}
const pod = (namespace: string, container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}, name = 'p'): KObject => ({
  metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'nginx', ...container }], ...spec },
});
const privileged = (namespace: string) => pod(namespace, { securityContext: { privileged: true } });

async function refusal(p: Promise<void>): Promise<StatusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof StatusError)) throw new Error('expected a StatusError');
  return e;
}

describe('policyFromLabels', () => {
  test("dockube enforces baseline by default; warn and audit keep upstream's privileged default", () => {
    expect(policyFromLabels(undefined).policy).toEqual({
      enforce: { level: 'baseline' },
      audit: { level: 'privileged' },
      warn: { level: 'privileged' },
    });
  });
  test('labels set level and version; bad values fall back (enforce closed, warn open) and are reported', () => {
    const { policy, errors } = policyFromLabels({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.29',
      'pod-security.kubernetes.io/warn': 'bogus',
      'pod-security.kubernetes.io/audit-version': 'v2.0',
    });
    expect(policy.enforce).toEqual({ level: 'restricted', minor: 29 });
    expect(policy.warn.level).toBe('privileged');
    expect(errors.map((e) => e.label)).toEqual(['pod-security.kubernetes.io/audit-version', 'pod-security.kubernetes.io/warn']);
    expect(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'nope' }).policy.enforce.level).toBe('restricted');
  });
});

describe('admitPodSecurity', () => {
  test('a privileged pod is refused in an unlabelled namespace with the apiserver wording', async () => {
    const e = await refusal(admitPodSecurity(privileged('default'), undefined, context([ns('default')])));
    expect(e.code).toBe(403);
    expect(e.reason).toBe('Forbidden');
    expect(e.message).toBe(
      'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    );
    expect(e.details).toEqual({ name: 'p', kind: 'pods' });
  });

  test('enforce=privileged opts out; kube-system is exempt', async () => {
    const optedOut = context([
      ns('free', { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged' }),
    ]);
    await expect(admitPodSecurity(privileged('free'), undefined, optedOut)).resolves.toBeUndefined();
    expect(optedOut.warnings).toEqual([]);
    const system = context([ns('kube-system')]);
    await expect(admitPodSecurity(privileged('kube-system'), undefined, system)).resolves.toBeUndefined();
  });

  test('enforce=privileged opts out quietly; an explicit warn level still warns', async () => {
    const ctx = context([
      ns('free', { 'pod-security.kubernetes.io/enforce': 'privileged' }),
      ns('watched', { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'baseline' }),
    ]);
    await admitPodSecurity(privileged('free'), undefined, ctx);
    expect(ctx.warnings).toEqual([]);
    await admitPodSecurity(privileged('watched'), undefined, ctx);
    expect(ctx.warnings).toEqual([
      'would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    ]);
  });

  test('restricted refuses a plain pod; enforce-version shows in the message', async () => {
    const ctx = context([
      ns('tight', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30' }),
    ]);
    const e = await refusal(admitPodSecurity(pod('tight'), undefined, ctx));
    expect(e.message).toMatch(/^pods "p" is forbidden: violates PodSecurity "restricted:v1.30": allowPrivilegeEscalation != false/);
  });

  test('warn level stricter than enforce: allowed with a Warning', async () => {
    const ctx = context([ns('w', { 'pod-security.kubernetes.io/warn': 'restricted' })]);
    await admitPodSecurity(pod('w', { securityContext: { runAsNonRoot: true } }), undefined, ctx);
    expect(ctx.warnings).toHaveLength(1);
    expect(ctx.warnings[0]).toMatch(
      /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "c" must set/,
    );
  });

  test('updates are evaluated only when an image (or seccomp annotation) changes', async () => {
    const ctx = context([ns('default')]);
    const old = privileged('default');
    const relabelled = { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } };
    await expect(admitPodSecurity(relabelled, old, ctx)).resolves.toBeUndefined();
    const newImage = privileged('default');
    (newImage.spec as { containers: { image: string }[] }).containers[0].image = 'nginx:2';
    expect(isSignificantPodUpdate(newImage, old)).toBe(true);
    await expect(admitPodSecurity(newImage, old, ctx)).rejects.toThrow(/violates PodSecurity/);
    await expect(admitPodSecurity(newImage, old, context([ns('default')], [], 'status'))).resolves.toBeUndefined();
  });
});

describe('warnPodTemplateSecurity', () => {
  const deployment = (namespace: string, sc: Record<string, unknown>): KObject => ({
    metadata: { name: 'd', namespace },
    spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: sc }] } } },
  });

  test('a privileged template only warns', async () => {
    const ctx = context([ns('default')]);
    await expect(warnPodTemplateSecurity(deployment('default', { privileged: true }), undefined, ctx)).resolves.toBeUndefined();
    expect(ctx.warnings).toEqual([
      'would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    ]);
  });

  test('no warning for a compliant template, a privileged namespace, or a subresource write', async () => {
    const ctx = context([ns('default'), ns('free', { 'pod-security.kubernetes.io/enforce': 'privileged' })]);
    await warnPodTemplateSecurity(deployment('default', {}), undefined, ctx);
    await warnPodTemplateSecurity(deployment('free', { privileged: true }), undefined, ctx);
    const scale = context([ns('default')], [], 'scale');
    await warnPodTemplateSecurity(deployment('default', { privileged: true }), undefined, scale);
    expect([...ctx.warnings, ...scale.warnings]).toEqual([]);
  });
});

describe('admitNamespacePodSecurity', () => {
  test('invalid PodSecurity labels are refused as Invalid', async () => {
    const e = await refusal(admitNamespacePodSecurity(ns('x', { 'pod-security.kubernetes.io/enforce': 'strict' }), undefined, context([])));
    expect(e.code).toBe(422);
    expect(e.message).toBe(
      'Namespace "x" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
  });

  test('tightening enforce warns about existing pods, grouped', async () => {
    const pods = [
      pod('x', {}, {}, 'b'),
      pod('x', {}, {}, 'a'),
      pod('x', { securityContext: { privileged: true } }, {}, 'z'),
      pod('other', {}, {}, 'o'),
    ];
    const ctx = context([], pods);
    await admitNamespacePodSecurity(ns('x', { 'pod-security.kubernetes.io/enforce': 'restricted' }), ns('x'), ctx);
    expect(ctx.warnings[0]).toBe('existing pods in namespace "x" violate the new PodSecurity enforce level "restricted:latest"');
    expect(ctx.warnings[1]).toBe(
      'a (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    );
    expect(ctx.warnings[2]).toMatch(/^z: privileged, allowPrivilegeEscalation != false/);
    expect(ctx.warnings).toHaveLength(3);
    const relaxed = context([], pods);
    await admitNamespacePodSecurity(ns('x', { 'pod-security.kubernetes.io/enforce': 'privileged' }), ns('x'), relaxed);
    expect(relaxed.warnings).toEqual([]);
  });
});
