import { appCreateOptions } from '../../src/translate/container.js';
import { effectiveDnsPolicy, mergeDnsOptions, podDnsConfig } from '../../src/translate/dns.js';
import { podHostname } from '../../src/translate/hostname.js';
import { infraCreateOptions, portBindings } from '../../src/translate/infra.js';
import type { Container, Pod } from '../../src/translate/k8s-types.js';
import { containerHash, containerKeyFromLabels, containerLabels, infraLabels } from '../../src/translate/labels.js';
import { containerDockerName, infraDockerName, parseDockerName } from '../../src/translate/names.js';
import { milliCpuToQuota, milliCpuToShares, resourceHostConfig } from '../../src/translate/resources.js';
import {
  dockerCapability,
  dockerUser,
  effectiveSecurityContext,
  runAsNonRootViolation,
  securityHostConfig,
} from '../../src/translate/security.js';

const mkPod = (spec: Partial<Pod['spec']> = {}, name = 'web-1'): Pod => ({
  metadata: { name, namespace: 'team-a', uid: '1f2e-33' },
  spec: { containers: [{ name: 'app', image: 'dockube/busybox:test' }], ...spec },
});

describe('names', () => {
  const ref = { name: 'web-1', namespace: 'team-a', uid: '1f2e-33' };
  test('dockershim scheme and its inverse', () => {
    expect(containerDockerName(ref, 'app', 2)).toBe('k8s_app_web-1_team-a_1f2e-33_2');
    expect(infraDockerName(ref)).toBe('k8s_POD_web-1_team-a_1f2e-33_0');
    expect(parseDockerName('/k8s_app_web-1_team-a_1f2e-33_2')).toEqual({ container: 'app', ...ref, attempt: 2 });
    expect(parseDockerName('k8s_POD_web-1_team-a_1f2e-33_0')?.container).toBe('POD');
    expect(parseDockerName('my_container')).toBeUndefined();
    expect(parseDockerName('k8s_a_b_c_d_x')).toBeUndefined();
  });
});

describe('labels', () => {
  test('app container labels round-trip through containerKeyFromLabels', () => {
    const pod = mkPod({ terminationGracePeriodSeconds: 5 });
    const c: Container = { name: 'app', image: 'x', terminationMessagePath: '/tmp/msg' };
    const labels = containerLabels(pod, c, 'init', 1, { attempt: 3, restartCount: 2 });
    expect(labels).toMatchObject({
      'io.kubernetes.pod.name': 'web-1',
      'io.kubernetes.pod.namespace': 'team-a',
      'io.kubernetes.pod.uid': '1f2e-33',
      'io.kubernetes.container.name': 'app',
      'com.docker.compose.project': 'team-a',
      'com.docker.compose.service': 'web-1',
      'com.docker.compose.container-number': '2',
      'com.docker.compose.oneoff': 'False',
    });
    expect(Object.values(labels).every((v) => typeof v === 'string')).toBe(true);
    expect(containerKeyFromLabels(labels)).toEqual({
      podName: 'web-1',
      namespace: 'team-a',
      podUid: '1f2e-33',
      container: 'app',
      kind: 'init',
      attempt: 3,
      restartCount: 2,
      hash: containerHash(c),
      index: 1,
      terminationGracePeriodSeconds: 5,
      terminationMessagePath: '/tmp/msg',
      terminationMessagePolicy: 'File',
    });
  });
  test('infra labels say POD; foreign containers give undefined', () => {
    const l = infraLabels(mkPod());
    expect(l['io.kubernetes.container.name']).toBe('POD');
    expect(containerKeyFromLabels(l)?.kind).toBe('infra');
    expect(containerKeyFromLabels({ 'com.docker.compose.project': 'x' })).toBeUndefined();
    expect(containerKeyFromLabels(undefined)).toBeUndefined();
  });
  test('the hash ignores key order and changes with the spec', () => {
    expect(containerHash({ name: 'a', image: 'x', args: ['1'] })).toBe(containerHash({ args: ['1'], image: 'x', name: 'a' }));
    expect(containerHash({ name: 'a', image: 'x' })).not.toBe(containerHash({ name: 'a', image: 'y' }));
  });
});

describe('hostname', () => {
  test('pod name, spec.hostname, subdomain, FQDN, truncation', () => {
    expect(podHostname(mkPod())).toEqual({ hostname: 'web-1', domainname: '' });
    expect(podHostname(mkPod({ hostname: 'h', subdomain: 'sub' }))).toEqual({ hostname: 'h', domainname: 'sub.team-a.svc.cluster.local' });
    expect(podHostname(mkPod({ hostname: 'h', subdomain: 'sub', setHostnameAsFQDN: true }), 'k.local')).toEqual({
      hostname: 'h.sub.team-a.svc.k.local',
      domainname: '',
    });
    const long = `${'a'.repeat(62)}-bbbb`;
    expect(podHostname(mkPod({}, long)).hostname).toBe('a'.repeat(62));
    expect(() => podHostname(mkPod({ hostname: 'h'.repeat(40), subdomain: 's'.repeat(10), setHostnameAsFQDN: true }))).toThrow(
      /FQDN .* is too long \(64 characters is the max, 76 characters requested\)/,
    );
  });
});

describe('DNS', () => {
  const host = { servers: ['192.0.2.53'], searches: ['corp.example'], options: ['timeout:2'] };
  test('ClusterFirst: cluster server, namespace search path plus the host search, ndots:5', () => {
    expect(podDnsConfig(mkPod(), { clusterDns: ['10.244.0.1'], host })).toEqual({
      servers: ['10.244.0.1'],
      searches: ['team-a.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
      options: ['ndots:5'],
    });
  });
  test('Default uses the host (undefined when unknown: Docker then uses it); None only dnsConfig', () => {
    expect(podDnsConfig(mkPod({ dnsPolicy: 'Default' }), { clusterDns: ['10.244.0.1'], host })).toEqual(host);
    expect(podDnsConfig(mkPod({ dnsPolicy: 'Default' }), { clusterDns: ['10.244.0.1'] })).toBeUndefined();
    expect(
      podDnsConfig(
        mkPod({
          dnsPolicy: 'None',
          dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
        }),
        { clusterDns: ['10.244.0.1'] },
      ),
    ).toEqual({ servers: ['1.1.1.1'], searches: ['a.b'], options: ['ndots:2', 'edns0'] });
  });
  test('hostNetwork or no cluster DNS falls back to Default; ClusterFirstWithHostNet stays cluster', () => {
    expect(effectiveDnsPolicy(mkPod({ hostNetwork: true }), { clusterDns: ['x'] })).toBe('Default');
    expect(effectiveDnsPolicy(mkPod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), { clusterDns: ['x'] })).toBe(
      'ClusterFirst',
    );
    expect(effectiveDnsPolicy(mkPod(), {})).toBe('Default');
  });
  test('dnsConfig merges: duplicates removed, options override by name, limits applied', () => {
    const pod = mkPod({
      dnsConfig: {
        nameservers: ['10.244.0.1', '8.8.8.8', '9.9.9.9', '1.1.1.1'],
        searches: ['cluster.local', 'x.y'],
        options: [{ name: 'ndots', value: '1' }, { name: 'rotate' }],
      },
    });
    expect(podDnsConfig(pod, { clusterDns: ['10.244.0.1'] })).toEqual({
      servers: ['10.244.0.1', '8.8.8.8', '9.9.9.9'],
      searches: ['team-a.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'x.y'],
      options: ['ndots:1', 'rotate'],
    });
    expect(mergeDnsOptions(['ndots:5', 'timeout:1'], [{ name: 'timeout' }])).toEqual(['ndots:5', 'timeout']);
    const many = mkPod({ dnsPolicy: 'None', dnsConfig: { searches: Array.from({ length: 40 }, (_, i) => `d${i}.example`) } });
    expect(podDnsConfig(many)?.searches).toHaveLength(32);
  });
});

describe('infra container', () => {
  const pod = mkPod({
    hostname: 'h1',
    subdomain: 'sub',
    hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo', 'bar'] }],
    securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
    containers: [
      {
        name: 'a',
        ports: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
          { containerPort: 9000 },
        ],
      },
      { name: 'b', ports: [{ containerPort: 80, hostPort: 8081, hostIP: '127.0.0.1' }] },
    ],
  });
  test('carries network, hostname, DNS, ports, hosts and sysctls', () => {
    const o = infraCreateOptions(pod, { network: 'kpods', ip: '10.244.0.9', clusterDns: ['10.244.0.1'] });
    expect(o.name).toBe('k8s_POD_web-1_team-a_1f2e-33_0');
    expect(o.Image).toBe('dockube/pause:latest');
    expect(o.Hostname).toBe('h1');
    expect(o.Domainname).toBe('sub.team-a.svc.cluster.local');
    expect(o.HostConfig).toMatchObject({
      NetworkMode: 'kpods',
      IpcMode: 'shareable',
      RestartPolicy: { Name: 'no' },
      Dns: ['10.244.0.1'],
      DnsSearch: ['team-a.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      DnsOptions: ['ndots:5'],
      PortBindings: {
        '80/tcp': [
          { HostIp: '0.0.0.0', HostPort: '8080' },
          { HostIp: '127.0.0.1', HostPort: '8081' },
        ],
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      },
      Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
    });
    // hostAliases are not Docker's ExtraHosts (one line per name): the managed hosts file has them, one line per IP.
    expect(o.HostConfig?.ExtraHosts).toBeUndefined();
    expect(o.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(o.NetworkingConfig).toEqual({ EndpointsConfig: { kpods: { IPAMConfig: { IPv4Address: '10.244.0.9' } } } });
    expect(o.Labels?.['io.kubernetes.container.name']).toBe('POD');
  });
  test('hostNetwork: host mode, no hostname/ports', () => {
    const o = infraCreateOptions(mkPod({ hostNetwork: true, containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 80 }] }] }), {
      network: 'kpods',
    });
    expect(o.HostConfig?.NetworkMode).toBe('host');
    expect(o.Hostname).toBeUndefined();
    expect(o.HostConfig?.PortBindings).toBeUndefined();
    expect(o.NetworkingConfig).toBeUndefined();
  });
  test('helpers', () => {
    expect(portBindings(mkPod()).bindings).toEqual({});
  });
});

describe('resources', () => {
  test('kubelet CPU arithmetic', () => {
    expect(milliCpuToShares(0)).toBe(2);
    expect(milliCpuToShares(1)).toBe(2);
    expect(milliCpuToShares(100)).toBe(102);
    expect(milliCpuToShares(250)).toBe(256);
    expect(milliCpuToShares(1000)).toBe(1024);
    expect(milliCpuToShares(1_000_000)).toBe(262144);
    expect(milliCpuToQuota(0)).toBe(0);
    expect(milliCpuToQuota(5)).toBe(1000);
    expect(milliCpuToQuota(500)).toBe(50000);
    expect(milliCpuToQuota(1500)).toBe(150000);
  });
  test('requests/limits → HostConfig', () => {
    expect(resourceHostConfig({ requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '0.5', memory: '64Mi' } })).toEqual({
      CpuShares: 256,
      CpuQuota: 50000,
      CpuPeriod: 100000,
      Memory: 67108864,
      MemorySwap: 67108864,
      MemoryReservation: 33554432,
    });
    expect(resourceHostConfig(undefined)).toEqual({ CpuShares: 2 });
    expect(resourceHostConfig({ limits: { cpu: '2' } })).toEqual({ CpuShares: 2048, CpuQuota: 200000, CpuPeriod: 100000 });
    expect(resourceHostConfig({ limits: { memory: '1G' } }).Memory).toBe(1e9);
    expect(resourceHostConfig({ requests: { cpu: '1m' } }).CpuShares).toBe(2);
  });
});

describe('security', () => {
  test('capability names', () => {
    expect(['NET_ADMIN', 'CAP_SYS_TIME', 'all', 'chown'].map(dockerCapability)).toEqual([
      'CAP_NET_ADMIN',
      'CAP_SYS_TIME',
      'ALL',
      'CAP_CHOWN',
    ]);
  });
  test('user and group: container over pod', () => {
    const pod = mkPod({ securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 } });
    expect(dockerUser(effectiveSecurityContext(pod, { name: 'a' }))).toBe('1000:3000');
    expect(dockerUser(effectiveSecurityContext(pod, { name: 'a', securityContext: { runAsUser: 0 } }))).toBe('0:3000');
    expect(dockerUser(effectiveSecurityContext(mkPod(), { name: 'a', securityContext: { runAsUser: 65534 } }))).toBe('65534');
    expect(dockerUser({})).toBeUndefined();
    expect(() => dockerUser({ runAsGroup: 5 })).toThrow('runAsGroup is specified without a runAsUser');
    expect(securityHostConfig(pod, {}).GroupAdd).toEqual(['4000', '2000']);
  });
  test('privileges and options', () => {
    expect(
      securityHostConfig(mkPod(), {
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      }),
    ).toEqual({ ReadonlyRootfs: true, CapAdd: ['CAP_NET_ADMIN'], CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] });
    expect(securityHostConfig(mkPod(), {}).SecurityOpt).toEqual(['seccomp=unconfined']);
    expect(securityHostConfig(mkPod(), { privileged: true })).toEqual({ Privileged: true });
  });
  test('runAsNonRoot against the image user', () => {
    const pod = mkPod({ securityContext: { runAsNonRoot: true } });
    expect(runAsNonRootViolation(pod, { name: 'a' }, '')).toBe(
      'container has runAsNonRoot and image will run as root (pod: "web-1_team-a(1f2e-33)", container: a)',
    );
    expect(runAsNonRootViolation(pod, { name: 'a' }, 'nginx')).toMatch(/image has non-numeric user \(nginx\)/);
    expect(runAsNonRootViolation(pod, { name: 'a' }, '101:101')).toBeUndefined();
    expect(runAsNonRootViolation(pod, { name: 'a', securityContext: { runAsUser: 0 } }, '101')).toMatch(/runAsUser breaks non-root policy/);
    expect(runAsNonRootViolation(mkPod(), { name: 'a' }, '')).toBeUndefined();
  });
});

describe('app container', () => {
  test('full translation', () => {
    const c: Container = {
      name: 'app',
      image: 'dockube/busybox:test',
      command: ['sh', '-c'],
      args: ['echo $(GREETING) $$(GREETING)'],
      env: [
        { name: 'WHO', value: 'world' },
        { name: 'GREETING', value: 'hello $(WHO)' },
      ],
      workingDir: '/tmp',
      tty: true,
      stdin: true,
      stdinOnce: true,
      securityContext: { capabilities: { add: ['NET_RAW'] }, allowPrivilegeEscalation: false },
      resources: { limits: { memory: '64Mi', cpu: '500m' } },
    };
    const pod = mkPod({
      containers: [c],
      shareProcessNamespace: true,
      terminationGracePeriodSeconds: 7,
      securityContext: { runAsUser: 1000 },
    });
    const { options: o } = appCreateOptions(pod, c, { infraId: 'abc', index: 0, attempt: 1 });
    expect(o.name).toBe('k8s_app_web-1_team-a_1f2e-33_1');
    expect(o.Entrypoint).toEqual(['sh', '-c']);
    expect(o.Cmd).toEqual(['echo hello world $(GREETING)']);
    expect(o.Env).toEqual(['WHO=world', 'GREETING=hello world']);
    expect(o).toMatchObject({ WorkingDir: '/tmp', Tty: true, OpenStdin: true, StdinOnce: true, User: '1000', StopTimeout: 7 });
    expect(o.HostConfig).toMatchObject({
      NetworkMode: 'container:abc',
      IpcMode: 'container:abc',
      PidMode: 'container:abc',
      RestartPolicy: { Name: 'no' },
      Memory: 67108864,
      MemorySwap: 67108864,
      CpuQuota: 50000,
      CpuPeriod: 100000,
      CpuShares: 512,
      CapAdd: ['CAP_NET_RAW'],
      SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } },
    });
    expect(o.Labels?.['dockube.io/attempt']).toBe('1');
  });
  test('args alone replace CMD only; no PID sharing by default', () => {
    const c: Container = { name: 'app', image: 'i', args: ['a'] };
    const { options: o } = appCreateOptions(mkPod({ containers: [c] }), c, { infraId: 'x', index: 0 });
    expect(o.Entrypoint).toBeUndefined();
    expect(o.Cmd).toEqual(['a']);
    expect(o.HostConfig?.PidMode).toBeUndefined();
    expect(o.StopTimeout).toBe(30);
    const bare: Container = { name: 'app', image: 'i' };
    const b = appCreateOptions(mkPod({ containers: [bare] }), bare, { infraId: 'x', index: 0 }).options;
    expect(b.Cmd).toBeUndefined();
    expect(b.User).toBeUndefined();
  });
});
