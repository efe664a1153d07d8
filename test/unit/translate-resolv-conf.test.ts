// The resolv.conf the kubelet writes for a pod (src/translate/resolv-conf.ts): Kubernetes' ClusterFirst content,
// None with dnsConfig, Default left to the engine, the host's search domains after the cluster's, the bind mount.
import { parseResolvConf, podResolvConf, renderResolvConf } from '../../src/translate/resolv-conf.js';
import { containerMounts } from '../../src/translate/mounts.js';
import type { Pod } from '../../src/translate/k8s-types.js';
import { volumePlan } from '../../src/translate/volume-plan.js';

const mk = (spec: Partial<Pod['spec']> = {}, namespace = 'team-a'): Pod =>
  ({ metadata: { name: 'p', namespace, uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } }) as Pod;
const cluster = { clusterDns: ['10.96.0.10'], clusterDomain: 'cluster.local' };

test("the host's file: nameservers, the last search (or domain), options; comments ignored", () => {
  expect(
    parseResolvConf(
      '# generated\nnameserver 10.0.0.2\nnameserver 10.0.0.3 ; second\ndomain corp\nsearch a.example b.example.\noptions edns0 timeout:2\n',
    ),
  ).toEqual({ servers: ['10.0.0.2', '10.0.0.3'], searches: ['a.example', 'b.example'], options: ['edns0', 'timeout:2'] });
  expect(renderResolvConf({ servers: ['1.1.1.1'], searches: [], options: [] })).toBe('nameserver 1.1.1.1\n');
});

test('ClusterFirst: the kube-dns address, the namespace search path, ndots:5; host searches follow', () => {
  expect(podResolvConf(mk(), cluster)).toBe(
    'nameserver 10.96.0.10\nsearch team-a.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
  );
  const host = { servers: ['192.168.1.1'], searches: ['corp.example'], options: ['edns0'] };
  expect(podResolvConf(mk({ dnsPolicy: 'ClusterFirst' }), { ...cluster, host })).toBe(
    'nameserver 10.96.0.10\nsearch team-a.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n',
  );
});

test('dnsConfig adds nameservers and searches and overrides options', () => {
  const pod = mk({
    dnsConfig: { nameservers: ['1.2.3.4'], searches: ['x.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
  });
  expect(podResolvConf(pod, cluster)).toBe(
    'nameserver 10.96.0.10\nnameserver 1.2.3.4\nsearch team-a.svc.cluster.local svc.cluster.local cluster.local x.example\noptions ndots:2 edns0\n',
  );
});

test('None: only what dnsConfig says', () => {
  const pod = mk({
    dnsPolicy: 'None',
    dnsConfig: { nameservers: ['9.9.9.9'], searches: ['my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }] },
  });
  expect(podResolvConf(pod, cluster)).toBe('nameserver 9.9.9.9\nsearch my.dns.search.suffix\noptions ndots:2\n');
});

test("Default, ClusterFirst on the host network and ClusterFirst without a cluster DNS keep the engine's file", () => {
  expect(podResolvConf(mk({ dnsPolicy: 'Default' }), cluster)).toBeUndefined();
  expect(podResolvConf(mk({ hostNetwork: true }), cluster)).toBeUndefined();
  expect(podResolvConf(mk(), { clusterDns: [] })).toBeUndefined();
  // ClusterFirstWithHostNet does get the cluster DNS on the host network
  expect(podResolvConf(mk({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), cluster)).toContain('nameserver 10.96.0.10\n');
});

test('every container binds the pod file at /etc/resolv.conf, unless it mounts its own there', () => {
  const plan = { ...volumePlan(mk(), { podDir: '/d/pods/u1' }), resolvConf: '/d/pods/u1/resolv.conf' };
  expect(containerMounts({ name: 'c' }, plan, new Map()).Mounts).toContainEqual({
    Type: 'bind',
    Source: '/d/pods/u1/resolv.conf',
    Target: '/etc/resolv.conf',
    ReadOnly: false,
  });
  const own = { name: 'c', volumeMounts: [{ name: 'r', mountPath: '/etc/resolv.conf' }] };
  const withOwn = { ...plan, sources: { r: { kind: 'bind' as const, path: '/srv/r', readOnly: true, createIfMissing: false } } };
  expect(containerMounts(own, withOwn, new Map()).Mounts.filter((m) => m.Target === '/etc/resolv.conf')).toEqual([
    { Type: 'bind', Source: '/srv/r', Target: '/etc/resolv.conf', ReadOnly: true },
  ]);
});
