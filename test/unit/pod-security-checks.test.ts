// Each PodSecurity check and the aggregated message, with the wording of k8s.io/pod-security-admission.
import { checksFor, evaluatePod, forbiddenDetail, forbiddenReason, LATEST_MINOR } from '../../src/admission/pod-security/index.js';
import type { Level, PodShape } from '../../src/admission/pod-security/index.js';

type J = Record<string, unknown>;
const pod = (spec: J, annotations?: Record<string, string>): PodShape => ({
  metadata: annotations ? { annotations } : {},
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
});
const withContainer = (sc: J, extra: J = {}) => pod({ containers: [{ name: 'c', image: 'nginx', securityContext: sc, ...extra }] });
const detail = (level: Level, p: PodShape, minor = LATEST_MINOR) => forbiddenDetail(evaluatePod(level, minor, p));
const baseline = (p: PodShape) => detail('baseline', p);

/** A pod that passes restricted: the baseline of restricted tests, each test breaking one thing. */
const RESTRICTED_SC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};
const restrictedPod = (sc: J = {}, spec: J = {}): PodShape =>
  pod({ containers: [{ name: 'c', image: 'nginx', securityContext: { ...RESTRICTED_SC, ...sc } }], ...spec });

describe('baseline checks', () => {
  test('a plain pod passes baseline and privileged', () => {
    expect(evaluatePod('baseline', LATEST_MINOR, pod({})).allowed).toBe(true);
    expect(checksFor('privileged', LATEST_MINOR)).toEqual([]);
  });

  test('privileged containers, across init, regular and ephemeral containers', () => {
    const p = pod({
      initContainers: [{ name: 'i', image: 'x', securityContext: { privileged: true } }],
      containers: [
        { name: 'c', image: 'x', securityContext: { privileged: true } },
        { name: 'ok', image: 'x', securityContext: { privileged: false } },
      ],
      ephemeralContainers: [{ name: 'e', image: 'x', securityContext: { privileged: true } }],
    });
    expect(baseline(p)).toBe('privileged (containers "i", "c", "e" must not set securityContext.privileged=true)');
    expect(baseline(withContainer({ privileged: true }))).toBe('privileged (container "c" must not set securityContext.privileged=true)');
  });

  test('host namespaces list what is set, in field order', () => {
    expect(baseline(pod({ hostIPC: true, hostNetwork: true, hostPID: true }))).toBe(
      'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)',
    );
    expect(baseline(pod({ hostNetwork: false }))).toBe('');
  });

  test('hostProcess on pod and container', () => {
    const p = pod({
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [{ name: 'c', image: 'x', securityContext: { windowsOptions: { hostProcess: true } } }],
    });
    expect(baseline(p)).toBe('hostProcess (pod and container "c" must not set securityContext.windowsOptions.hostProcess=true)');
  });

  test('capabilities beyond the default set', () => {
    expect(baseline(withContainer({ capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } }))).toBe('');
    expect(baseline(withContainer({ capabilities: { add: ['SYS_ADMIN', 'NET_RAW', 'KILL'] } }))).toBe(
      'non-default capabilities (container "c" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    );
  });

  test('hostPath volumes', () => {
    const p = pod({
      volumes: [
        { name: 'h', hostPath: { path: '/' } },
        { name: 'e', emptyDir: {} },
        { name: 'h2', hostPath: { path: '/etc' } },
      ],
    });
    expect(baseline(p)).toBe('hostPath volumes (volumes "h", "h2")');
  });

  test('any non-zero hostPort', () => {
    const p = pod({
      containers: [
        { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] },
        { name: 'b', image: 'x', ports: [{ containerPort: 80, hostPort: 0 }] },
      ],
    });
    expect(baseline(p)).toBe('hostPort (container "a" uses hostPort 8080)');
    const two = pod({
      containers: [
        {
          name: 'a',
          image: 'x',
          ports: [
            { containerPort: 1, hostPort: 9090 },
            { containerPort: 2, hostPort: 80 },
          ],
        },
      ],
    });
    expect(baseline(two)).toBe('hostPort (container "a" uses hostPorts 80, 9090)');
  });

  test('AppArmor: Unconfined profile type and unconfined annotations', () => {
    expect(baseline(withContainer({ appArmorProfile: { type: 'RuntimeDefault' } }))).toBe('');
    expect(baseline(withContainer({ appArmorProfile: { type: 'Unconfined' } }))).toBe(
      'forbidden AppArmor profile (container "c" must not set AppArmor profile type to "Unconfined")',
    );
    expect(baseline(pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }))).toBe(
      'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")',
    );
    const ann = pod(
      {},
      {
        'container.apparmor.security.beta.kubernetes.io/c': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/d': 'localhost/x',
      },
    );
    expect(forbiddenReason(evaluatePod('baseline', LATEST_MINOR, ann))).toBe('forbidden AppArmor profile');
    expect(baseline(ann)).toContain('annotation must not set AppArmor profile type to');
  });

  test('SELinux type, user and role', () => {
    expect(baseline(withContainer({ seLinuxOptions: { type: 'container_t', level: 's0:c1' } }))).toBe('');
    expect(baseline(pod({ securityContext: { seLinuxOptions: { type: 'spc_t', user: 'u' } } }))).toBe(
      'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
    );
    // container_engine_t is allowed from policy 1.31 on.
    expect(baseline(withContainer({ seLinuxOptions: { type: 'container_engine_t' } }))).toBe('');
    expect(detail('baseline', withContainer({ seLinuxOptions: { type: 'container_engine_t' } }), 30)).toContain('seLinuxOptions');
  });

  test('/proc mount type', () => {
    expect(baseline(withContainer({ procMount: 'Default' }))).toBe('');
    expect(baseline(withContainer({ procMount: 'Unmasked' }))).toBe(
      'procMount (container "c" must not set securityContext.procMount to "Unmasked")',
    );
  });

  test('seccomp Unconfined is forbidden, unset is fine at baseline', () => {
    expect(baseline(pod({}))).toBe('');
    expect(baseline(pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }))).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    // Before policy 1.19 it was the annotations.
    expect(detail('baseline', pod({}, { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }), 18)).toBe(
      'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    );
  });

  test('sysctls outside the safe set, by policy version', () => {
    const p = pod({
      securityContext: {
        sysctls: [
          { name: 'kernel.msgmax', value: '1' },
          { name: 'net.ipv4.tcp_rmem', value: '1 2 3' },
          { name: 'kernel.shm_rmid_forced', value: '0' },
        ],
      },
    });
    expect(baseline(p)).toBe('forbidden sysctls (kernel.msgmax)');
    expect(detail('baseline', p, 31)).toBe('forbidden sysctls (kernel.msgmax, net.ipv4.tcp_rmem)');
  });

  test('results are reported in check-ID order, each reason with its detail', () => {
    const p = pod({
      hostNetwork: true,
      containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }],
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
    });
    const r = evaluatePod('baseline', LATEST_MINOR, p);
    expect(forbiddenReason(r)).toBe('host namespaces, hostPath volumes, privileged');
    expect(forbiddenDetail(r)).toBe(
      'host namespaces (hostNetwork=true), hostPath volumes (volume "h"), privileged (container "c" must not set securityContext.privileged=true)',
    );
  });
});

describe('restricted checks', () => {
  const restricted = (p: PodShape) => detail('restricted', p);

  test('a hardened pod passes; a plain pod fails the four usual checks', () => {
    expect(restricted(restrictedPod())).toBe('');
    expect(restricted(pod({}))).toBe(
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  test('restricted includes baseline checks (baseline first)', () => {
    const r = evaluatePod('restricted', LATEST_MINOR, restrictedPod({ privileged: true }, { hostPID: true }));
    expect(forbiddenReason(r)).toBe('host namespaces, privileged');
  });

  test('volume types: only the allowed sources; hostPath reported once (restrictedVolumes overrides hostPathVolumes)', () => {
    const p = restrictedPod(
      {},
      {
        volumes: [
          { name: 'cm', configMap: { name: 'x' } },
          { name: 'h', hostPath: { path: '/' } },
          { name: 'n', nfs: { server: 's', path: '/' } },
          { name: 'img', image: { reference: 'busybox' } },
        ],
      },
    );
    expect(restricted(p)).toBe('restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs")');
  });

  test('privilege escalation must be explicitly false', () => {
    expect(restricted(restrictedPod({ allowPrivilegeEscalation: true }))).toBe(
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });

  test('runAsNonRoot: pod level covers containers; explicit false is named', () => {
    expect(
      restricted(
        restrictedPod({ runAsNonRoot: undefined }, { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }),
      ),
    ).toBe('');
    expect(restricted(restrictedPod({ runAsNonRoot: false }, { securityContext: { runAsNonRoot: false } }))).toBe(
      'runAsNonRoot != true (pod and container "c" must not set securityContext.runAsNonRoot=false)',
    );
  });

  test('runAsUser 0', () => {
    expect(restricted(restrictedPod({ runAsUser: 0 }, { securityContext: { runAsUser: 0 } }))).toBe(
      'runAsUser=0 (pod and container "c" must not set runAsUser=0)',
    );
    expect(restricted(restrictedPod({ runAsUser: 1000 }))).toBe('');
  });

  test('seccomp must be RuntimeDefault or Localhost; Unconfined reported once (restricted overrides baseline)', () => {
    expect(restricted(restrictedPod({ seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }))).toBe('');
    expect(restricted(restrictedPod({ seccompProfile: { type: 'Unconfined' } }))).toBe(
      'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  test('capabilities: drop ALL, add only NET_BIND_SERVICE', () => {
    expect(restricted(restrictedPod({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }))).toBe('');
    expect(restricted(restrictedPod({ capabilities: { drop: ['NET_RAW'], add: ['CHOWN'] } }))).toBe(
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "CHOWN" in securityContext.capabilities.add)',
    );
  });

  test('Windows pods skip the Linux-only restricted checks from policy 1.25', () => {
    const win = pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true } });
    expect(restricted(win)).toBe('');
    expect(detail('restricted', win, 24)).toContain('allowPrivilegeEscalation != false');
  });

  test('older policy versions leave out checks that did not exist yet', () => {
    const r = evaluatePod('restricted', 21, restrictedPod({ capabilities: undefined, runAsUser: 0 }));
    expect(r.allowed).toBe(true);
  });
});
