import { hostNetworkHostsContent, managedHostsContent, mountsOwnEtcHosts } from '../../src/translate/etc-hosts.js';
import { containerMounts } from '../../src/translate/mounts.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { volumePlan } from '../../src/translate/volume-plan.js';

const mk = (spec: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web-0', namespace: 'team-a', uid: 'u1' },
  spec: { containers: [{ name: 'c' }], ...spec },
});

const LOCALHOST =
  '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

describe('kubelet-managed /etc/hosts', () => {
  test('pod network: header, localhost lines, then the pod IP with its hostname', () => {
    expect(managedHostsContent(mk(), ['10.244.0.7'])).toBe(`# Kubernetes-managed hosts file.\n${LOCALHOST}10.244.0.7\tweb-0\n`);
    // Before the sandbox has an IP, only the localhost lines.
    expect(managedHostsContent(mk(), [])).toBe(`# Kubernetes-managed hosts file.\n${LOCALHOST}`);
  });

  test('hostname and subdomain: the FQDN first, then the short name; setHostnameAsFQDN changes nothing here', () => {
    const pod = mk({ hostname: 'h1', subdomain: 'sub', setHostnameAsFQDN: true });
    expect(managedHostsContent(pod, ['10.244.0.7'], 'example.org').split('\n').at(-2)).toBe(
      '10.244.0.7\th1.sub.team-a.svc.example.org\th1',
    );
    expect(managedHostsContent(pod, ['10.244.0.7']).split('\n').at(-2)).toBe('10.244.0.7\th1.sub.team-a.svc.cluster.local\th1');
  });

  test('hostAliases: under their header, one line per IP with its names tab-separated', () => {
    const pod = mk({
      hostAliases: [
        { ip: '123.45.67.89', hostnames: ['foo.local', 'bar.local'] },
        { ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] },
      ],
    });
    expect(managedHostsContent(pod, ['10.244.0.7'])).toBe(
      `# Kubernetes-managed hosts file.\n${LOCALHOST}10.244.0.7\tweb-0\n\n# Entries added by HostAliases.\n123.45.67.89\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\tbar.remote\n`,
    );
  });

  test("host network: the node's file under its own header, hostAliases after it", () => {
    const pod = mk({ hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }] });
    expect(hostNetworkHostsContent(pod, '127.0.0.1 localhost\n')).toBe(
      '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n# Entries added by HostAliases.\n1.2.3.4\ta\n',
    );
  });

  test('every container binds the pod file at /etc/hosts, unless it mounts its own there', () => {
    const pod = mk({ volumes: [{ name: 'h', hostPath: { path: '/srv/hosts', type: 'File' } }] });
    const plan = volumePlan(pod, { podDir: '/d/pods/u1' });
    expect(plan.etcHosts).toBe('/d/pods/u1/etc-hosts');
    expect(containerMounts({ name: 'c' }, plan, new Map()).Mounts).toEqual([
      { Type: 'bind', Source: '/d/pods/u1/etc-hosts', Target: '/etc/hosts', ReadOnly: false },
    ]);
    const own = { name: 'c', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] };
    expect(mountsOwnEtcHosts(own.volumeMounts)).toBe(true);
    expect(containerMounts(own, plan, new Map()).Mounts).toEqual([
      { Type: 'bind', Source: '/srv/hosts', Target: '/etc/hosts', ReadOnly: false },
    ]);
  });
});
