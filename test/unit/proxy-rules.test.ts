// The service proxy's pure parts: Services + EndpointSlices → state, state → iptables-restore text (every case of
// kube-proxy's iptables mode we carry), stale UDP conntrack deletes, chain names.
import { buildState, categorize } from '../../src/proxy/state.js';
import { buildRules, probability } from '../../src/proxy/iptables-rules.js';
import { builtinJumps, chainPrefix, servicePortChains } from '../../src/proxy/chain-names.js';
import { staleConntrackDeletes } from '../../src/proxy/conntrack.js';
import { abandonedInstances, normalizeCidr, routeMetric, ruleArgs } from '../../src/proxy/iptables-proxier.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import { chooseMode } from '../../src/proxy/proxy.js';

const NODE = 'node-a';
const CFG = { prefix: chainPrefix('abcdef123456'), serviceCidr: '10.96.0.0/16', podCidr: '10.244.0.0/16', nodeIPs: ['192.0.2.10'] };
const P = CFG.prefix;

type Ep = { ip: string; ready?: boolean; serving?: boolean; terminating?: boolean; node?: string };
function svc(name: string, spec: Record<string, unknown>, status?: Record<string, unknown>, ns = 'default'): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { clusterIP: '10.96.0.50', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
    status,
  };
}
function slice(
  svcName: string,
  eps: Ep[],
  ports: { name?: string; port: number; protocol?: string }[] = [{ port: 8080, protocol: 'TCP' }],
  name = `${svcName}-abc`,
  ns = 'default',
): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': svcName } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node ?? NODE,
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
    })),
  };
}
const rules = (services: KObject[], slices: KObject[], previous?: { filter: string[]; nat: string[] }) =>
  buildRules(buildState(services, slices, NODE), CFG, previous);
const lines = (text: string) => text.split('\n');
const grep = (text: string, ...parts: string[]) => lines(text).filter((l) => parts.every((p) => l.includes(p)));
const chainsOf = (s: KObject[], sl: KObject[]) => servicePortChains(P, buildState(s, sl, NODE).ports[0]!);

describe('state from Services and EndpointSlices', () => {
  test('ports are matched by name and protocol, endpoints merged across slices, headless and ExternalName skipped', () => {
    const s = svc('web', {
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    });
    const st = buildState(
      [s, svc('headless', { clusterIP: 'None' }), svc('ext', { type: 'ExternalName', externalName: 'x.example' })],
      [
        slice(
          'web',
          [{ ip: '10.244.0.3' }],
          [
            { name: 'http', port: 8080 },
            { name: 'dns', port: 5353, protocol: 'UDP' },
          ],
          'web-1',
        ),
        slice('web', [{ ip: '10.244.0.4' }, { ip: '10.244.0.3' }], [{ name: 'http', port: 8080 }], 'web-2'),
        slice('other', [{ ip: '10.244.0.9' }], [{ name: 'http', port: 8080 }], 'other-1'),
      ],
      NODE,
    );
    expect(st.ports.map((p) => `${p.name}:${p.portName}/${p.protocol}`)).toEqual(['web:dns/UDP', 'web:http/TCP']);
    expect(st.ports[0]!.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(['10.244.0.3:5353']);
    expect(st.ports[1]!.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(['10.244.0.3:8080', '10.244.0.4:8080']);
  });

  test('terminating endpoints are used only when none is ready (serving && terminating)', () => {
    const eps = buildState(
      [svc('web', {})],
      [
        slice('web', [
          { ip: '10.244.0.3', ready: false, serving: true, terminating: true },
          { ip: '10.244.0.4', ready: false, serving: false, terminating: true },
          { ip: '10.244.0.5', ready: false },
        ]),
      ],
      NODE,
    ).ports[0]!.endpoints;
    expect(categorize(eps).cluster.map((e) => e.ip)).toEqual(['10.244.0.3']);
    const withReady = buildState(
      [svc('web', {})],
      [slice('web', [{ ip: '10.244.0.3', ready: false, serving: true, terminating: true }, { ip: '10.244.0.6' }])],
      NODE,
    ).ports[0]!.endpoints;
    expect(categorize(withReady).cluster.map((e) => e.ip)).toEqual(['10.244.0.6']);
  });
});

describe('iptables rules', () => {
  test('ClusterIP → SVC chain → one SEP per endpoint with upstream probabilities, DNAT and hairpin masquerade', () => {
    const eps = ['10.244.0.3', '10.244.0.4', '10.244.0.5'].map((ip) => ({ ip }));
    const r = rules([svc('web', {})], [slice('web', eps)]);
    const c = chainsOf([svc('web', {})], [slice('web', eps)]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '-d 10.96.0.50/32 --dport 80', `-j ${c.svc}`)).toHaveLength(1);
    const balancing = grep(r.text, `-A ${c.svc} `, '-j DK').filter((l) => !l.includes('MARK-MASQ'));
    expect(balancing.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'rest')).toEqual(['0.3333333333', '0.5000000000', 'rest']);
    expect(probability(0, 4)).toBe('0.2500000000');
    for (const ip of ['10.244.0.3', '10.244.0.4', '10.244.0.5']) {
      const sep = /-j (\S+)$/.exec(grep(r.text, `-A ${c.svc} `, `-> ${ip}:8080`)[0]!)![1]!;
      expect(sep).toMatch(new RegExp(`^${P}-SEP-[A-Z2-7]{12}$`));
      expect(grep(r.text, `-A ${sep} `, `-s ${ip}/32 -j ${P}-MARK-MASQ`)).toHaveLength(1);
      expect(grep(r.text, `-A ${sep} `, `-m tcp -p tcp -j DNAT --to-destination ${ip}:8080`)).toHaveLength(1);
    }
    // traffic to the ClusterIP from outside the pod network is masqueraded
    expect(grep(r.text, `-A ${c.svc} `, '! -s 10.244.0.0/16', `-j ${P}-MARK-MASQ`)).toHaveLength(1);
    // the masquerade mark and its MASQUERADE
    expect(r.text).toContain(`-A ${P}-MARK-MASQ -j MARK --or-mark 0x4000`);
    expect(r.text).toContain(`-A ${P}-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN`);
    expect(grep(r.text, `-A ${P}-POSTROUTING`, '-j MASQUERADE')).toHaveLength(1);
  });

  test('one endpoint: no statistic match', () => {
    const r = rules([svc('web', {})], [slice('web', [{ ip: '10.244.0.3' }])]);
    expect(r.text).not.toContain('statistic');
  });

  test('no ready endpoint → REJECT in the filter table, no nat rule; unready endpoints are left out', () => {
    const r = rules([svc('web', {})], [slice('web', [{ ip: '10.244.0.3', ready: false }])]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '"default/web has no endpoints"', '-d 10.96.0.50/32 --dport 80 -j REJECT')).toHaveLength(1);
    expect(r.text).not.toContain('-j DNAT');
    const filter = r.text.split('*nat')[0]!;
    expect(filter).toContain('has no endpoints');
  });

  test('the service range guard is the last rule of the filter SERVICES chain', () => {
    const r = rules([svc('web', {})], []);
    const filterServices = grep(r.text.split('*nat')[0]!, `-A ${P}-SERVICES `);
    expect(filterServices.at(-1)).toContain('-m addrtype ! --dst-type LOCAL -d 10.96.0.0/16 -j REJECT');
  });

  test('sessionAffinity ClientIP: recent checks with the timeout before balancing, recent --set in the SEP', () => {
    const s = svc('web', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } });
    const sl = slice('web', [{ ip: '10.244.0.3' }, { ip: '10.244.0.4' }]);
    const r = rules([s], [sl]);
    const c = chainsOf([s], [sl]);
    const svcRules = grep(r.text, `-A ${c.svc} `).filter((l) => !l.includes('MARK-MASQ'));
    expect(
      svcRules.slice(0, 2).every((l) => /-m recent --name (\S+) --mask 255.255.255.255 --rcheck --seconds 600 --reap -j \1$/.test(l)),
    ).toBe(true);
    expect(svcRules[2]).toContain('statistic');
    expect(grep(r.text, '-m recent --name', '--set -j DNAT')).toHaveLength(2);
    expect(rules([svc('web', { sessionAffinity: 'ClientIP' })], [sl]).text).toContain('--seconds 10800');
  });

  test('internalTrafficPolicy Local: the ClusterIP goes to the SVL chain with local endpoints only; none local → DROP', () => {
    const s = svc('web', { internalTrafficPolicy: 'Local' });
    const sl = slice('web', [{ ip: '10.244.0.3' }, { ip: '10.244.9.9', node: 'other' }]);
    const r = rules([s], [sl]);
    const c = chainsOf([s], [sl]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '-d 10.96.0.50/32', `-j ${c.svl}`)).toHaveLength(1);
    expect(grep(r.text, `-A ${c.svl} `, '-> 10.244.0.3:8080')).toHaveLength(1);
    expect(r.text).not.toContain('10.244.9.9');
    expect(r.text).not.toContain(`:${c.svc} `);
    const none = rules([s], [slice('web', [{ ip: '10.244.9.9', node: 'other' }])]);
    expect(grep(none.text, '"default/web has no local endpoints"', '-d 10.96.0.50/32', '-j DROP')).toHaveLength(1);
  });

  test('NodePort: NODEPORTS → EXT (masquerade, then SVC); the NODEPORTS jump is the last nat SERVICES rule', () => {
    const s = svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
    const sl = slice('web', [{ ip: '10.244.0.3' }]);
    const r = rules([s], [sl]);
    const c = chainsOf([s], [sl]);
    expect(grep(r.text, `-A ${P}-NODEPORTS`, '-m tcp -p tcp --dport 30080', `-j ${c.ext}`)).toHaveLength(1);
    expect(grep(r.text, `-A ${c.ext} `).map((l) => l.split(' -j ')[1])).toEqual([`${P}-MARK-MASQ`, c.svc]);
    const natServices = grep(r.text.split('*nat')[1]!, `-A ${P}-SERVICES `);
    expect(natServices.at(-1)).toContain(`-m addrtype --dst-type LOCAL -j ${P}-NODEPORTS`);
    // without endpoints: REJECT on the node's addresses in EXTERNAL-SERVICES
    const none = rules([s], []);
    expect(grep(none.text, `-A ${P}-EXTERNAL-SERVICES`, '-m addrtype --dst-type LOCAL', '--dport 30080 -j REJECT')).toHaveLength(1);
  });

  test('externalTrafficPolicy Local: pods and the node itself go to SVC, others to SVL without masquerade', () => {
    const s = svc('web', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
    const sl = slice('web', [{ ip: '10.244.0.3' }]);
    const r = rules([s], [sl]);
    const c = chainsOf([s], [sl]);
    const ext = grep(r.text, `-A ${c.ext} `);
    expect(ext[0]).toContain(`-s 10.244.0.0/16 -j ${c.svc}`);
    expect(ext[1]).toContain(`-m addrtype --src-type LOCAL -j ${P}-MARK-MASQ`);
    expect(ext[2]).toContain(`-m addrtype --src-type LOCAL -j ${c.svc}`);
    expect(ext[3]).toBe(`-A ${c.ext} -j ${c.svl}`);
    expect(grep(r.text, `-A ${c.svl} `, '-> 10.244.0.3:8080')).toHaveLength(1);
    // endpoints only on another node: external traffic is dropped, ClusterIP traffic still works
    const remote = rules([s], [slice('web', [{ ip: '10.244.9.9', node: 'other' }])]);
    expect(grep(remote.text, `-A ${P}-EXTERNAL-SERVICES`, 'has no local endpoints', '--dport 30080 -j DROP')).toHaveLength(1);
    expect(grep(remote.text, `-A ${P}-SERVICES`, '-d 10.96.0.50/32', `-j ${c.svc}`)).toHaveLength(1);
  });

  test('LoadBalancer with an ingress: its IP and its port on the node go to EXT; without an ingress only the NodePort', () => {
    const spec = { type: 'LoadBalancer', ports: [{ port: 8080, nodePort: 31000, protocol: 'TCP' }] };
    const sl = slice('lb', [{ ip: '10.244.0.3' }]);
    const r = rules([svc('lb', spec, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } })], [sl]);
    const c = chainsOf([svc('lb', spec)], [sl]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '"default/lb loadbalancer IP"', '-d 192.0.2.10/32 --dport 8080', `-j ${c.ext}`)).toHaveLength(
      1,
    );
    expect(grep(r.text, `-A ${P}-NODEPORTS`, '--dport 8080', `-j ${c.ext}`)).toHaveLength(1);
    expect(grep(r.text, `-A ${P}-NODEPORTS`, '--dport 31000', `-j ${c.ext}`)).toHaveLength(1);
    const pending = rules([svc('lb', spec, { loadBalancer: {} })], [sl]);
    expect(grep(pending.text, `-A ${P}-NODEPORTS`, '--dport 8080')).toHaveLength(0);
    expect(pending.text).not.toContain('192.0.2.10/32');
    expect(grep(pending.text, `-A ${P}-NODEPORTS`, '--dport 31000')).toHaveLength(1);
  });

  test('loadBalancerSourceRanges: FW chain lets the ranges (and the node, when in range) to EXT, the filter drops the rest', () => {
    const spec = {
      type: 'LoadBalancer',
      loadBalancerSourceRanges: ['198.51.100.0/24', '192.0.2.0/24'],
      ports: [{ port: 8080, nodePort: 31000, protocol: 'TCP' }],
    };
    const s = svc('lb', spec, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } });
    const sl = slice('lb', [{ ip: '10.244.0.3' }]);
    const r = rules([s], [sl]);
    const c = chainsOf([s], [sl]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '-d 192.0.2.10/32 --dport 8080', `-j ${c.fw}`)).toHaveLength(1);
    expect(grep(r.text, `-A ${P}-NODEPORTS`, '--dport 8080', `-j ${c.fw}`)).toHaveLength(1);
    // the NodePort ignores source ranges, as upstream
    expect(grep(r.text, `-A ${P}-NODEPORTS`, '--dport 31000', `-j ${c.ext}`)).toHaveLength(1);
    expect(grep(r.text, `-A ${c.fw} `).map((l) => /-s (\S+)/.exec(l)![1])).toEqual(['192.0.2.0/24', '198.51.100.0/24', '192.0.2.10/32']);
    expect(grep(r.text, `-A ${P}-PROXY-FIREWALL`, `not accepted by ${c.fw}`, '-d 192.0.2.10/32 --dport 8080 -j DROP')).toHaveLength(1);
    expect(grep(r.text, `-A ${P}-PROXY-FIREWALL`, '-m addrtype --dst-type LOCAL', '--dport 8080 -j DROP')).toHaveLength(1);
    const notNode = rules(
      [svc('lb', { ...spec, loadBalancerSourceRanges: ['198.51.100.0/24'] }, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } })],
      [sl],
    );
    expect(grep(notNode.text, `-A ${c.fw} `)).toHaveLength(1);
  });

  test('externalIPs go to EXT (masquerade, then SVC); without endpoints they are refused in EXTERNAL-SERVICES', () => {
    const s = svc('web', { externalIPs: ['198.51.100.7'] });
    const sl = slice('web', [{ ip: '10.244.0.3' }]);
    const c = chainsOf([s], [sl]);
    const r = rules([s], [sl]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '"default/web external IP"', '-d 198.51.100.7/32 --dport 80', `-j ${c.ext}`)).toHaveLength(1);
    expect(grep(r.text, `-A ${c.ext} `).map((l) => l.split(' -j ')[1])).toEqual([`${P}-MARK-MASQ`, c.svc]);
    const none = rules([s], []);
    expect(grep(none.text, `-A ${P}-EXTERNAL-SERVICES`, '-d 198.51.100.7/32 --dport 80 -j REJECT')).toHaveLength(1);
  });

  test('UDP services use udp matches', () => {
    const s = svc('dns', { ports: [{ port: 53, protocol: 'UDP' }] });
    const r = rules([s], [slice('dns', [{ ip: '10.244.0.3' }], [{ port: 5353, protocol: 'UDP' }])]);
    expect(grep(r.text, `-A ${P}-SERVICES`, '-m udp -p udp -d 10.96.0.50/32 --dport 53')).toHaveLength(1);
    expect(grep(r.text, '-m udp -p udp -j DNAT --to-destination 10.244.0.3:5353')).toHaveLength(1);
  });

  test('every chain carries the instance prefix and fits iptables (≤ 28 characters); other prefixes never appear', () => {
    const s = svc(
      'a-very-long-service-name-that-goes-on',
      {
        type: 'LoadBalancer',
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        externalTrafficPolicy: 'Local',
        ports: [{ name: 'a-long-port-name', port: 80, nodePort: 30001, protocol: 'TCP' }],
      },
      { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
      'a-long-namespace-name',
    );
    const r = rules(
      [s],
      [
        slice(
          'a-very-long-service-name-that-goes-on',
          [{ ip: '10.244.0.3' }],
          [{ name: 'a-long-port-name', port: 8080 }],
          'x',
          'a-long-namespace-name',
        ),
      ],
    );
    const all = [...r.chains.filter, ...r.chains.nat];
    expect(all.length).toBeGreaterThan(15);
    for (const c of all) {
      expect(c.startsWith(`${P}-`)).toBe(true);
      expect(c.length).toBeLessThanOrEqual(28);
    }
    for (const l of lines(r.text))
      for (const m of l.matchAll(/(?:-j|-A|^:|-X) ?(\S+)/g))
        if (/^[A-Z]{2}[0-9a-f]{6}-/.test(m[1]!)) expect(m[1]!.startsWith(P)).toBe(true);
    expect(r.text).not.toContain('KUBE-');
    expect(builtinJumps(P).map((j) => `${j.table}/${j.chain}→${j.target}`)).toEqual([
      `nat/PREROUTING→${P}-SERVICES`,
      `nat/OUTPUT→${P}-SERVICES`,
      `nat/POSTROUTING→${P}-POSTROUTING`,
      `filter/INPUT→${P}-INPUT`,
      `filter/FORWARD→${P}-FORWARD`,
      `filter/OUTPUT→${P}-OUTPUT`,
    ]);
    // no rule touches a built-in chain: the restore never duplicates the jumps
    expect(grep(r.text, '-A PREROUTING')).toHaveLength(0);
    expect(grep(r.text, '-A OUTPUT ')).toHaveLength(0);
    expect(chainPrefix('0123456789ab')).toBe('DK012345');
  });

  test('the same state gives the same text, whatever the order objects came in', () => {
    const a = [svc('web', {}), svc('api', { clusterIP: '10.96.0.60' })];
    const s = [
      slice('web', [{ ip: '10.244.0.4' }, { ip: '10.244.0.3' }], undefined, 'w2'),
      slice('web', [{ ip: '10.244.0.5' }], undefined, 'w1'),
      slice('api', [{ ip: '10.244.0.7' }]),
    ];
    expect(rules(a, s).text).toBe(rules([...a].reverse(), [...s].reverse()).text);
  });

  test('every declared chain is flushed and filled in one restore; chains of a deleted service are declared and removed', () => {
    const sl = slice('web', [{ ip: '10.244.0.3' }]);
    const before = rules([svc('web', {})], [sl]);
    const c = chainsOf([svc('web', {})], [sl]);
    expect(before.text.startsWith('*filter\n')).toBe(true);
    expect(lines(before.text).filter((l) => l === 'COMMIT')).toHaveLength(2);
    for (const ch of before.chains.nat) expect(before.text).toContain(`:${ch} - [0:0]`);
    const after = rules([], [sl], before.chains);
    expect(after.chains.nat).not.toContain(c.svc);
    expect(after.text).toContain(`:${c.svc} - [0:0]`);
    expect(after.text).toContain(`-X ${c.svc}`);
    const sep = before.chains.nat.find((x) => x.includes('-SEP-'))!;
    expect(after.text).toContain(`-X ${sep}`);
    expect(grep(after.text, `-A ${c.svc}`)).toHaveLength(0);
    // the -X lines come after every rule of the table
    const natPart = lines(after.text.split('*nat')[1]!);
    expect(natPart.findIndex((l) => l.startsWith('-X'))).toBeGreaterThan(natPart.map((l) => l.startsWith('-A')).lastIndexOf(true));
    // chains of other instances are never deleted
    expect(rules([], [], { filter: ['DK999999-SERVICES', 'DOCKER'], nat: ['KUBE-SERVICES'] }).text).not.toContain('-X DK999999');
  });

  test('fixed chains: martian drop for route_localnet, FORWARD accept of marked traffic, conntrack NEW on the portals', () => {
    const r = rules([], []);
    expect(
      grep(r.text, `-A ${P}-FIREWALL`, '-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'),
    ).toHaveLength(1);
    expect(grep(r.text, `-A ${P}-FORWARD-RULES`, '-m mark --mark 0x4000/0x4000 -j ACCEPT')).toHaveLength(1);
    expect(grep(r.text, `-A ${P}-OUTPUT`, '--ctstate NEW', `-j ${P}-SERVICES`)).toHaveLength(1);
    expect(grep(r.text, `-A ${P}-INPUT`, `-j ${P}-FIREWALL`)).toHaveLength(1);
  });
});

describe('stale UDP conntrack entries', () => {
  const udp = (eps: Ep[]) =>
    [
      [svc('dns', { type: 'NodePort', ports: [{ port: 53, nodePort: 30053, protocol: 'UDP' }] })],
      [slice('dns', eps, [{ port: 5353, protocol: 'UDP' }])],
    ] as const;
  const st = (eps: Ep[]) => buildState([...udp(eps)[0]], [...udp(eps)[1]], NODE);
  test('an endpoint gone: its NAT entries for the ClusterIP and the node port are deleted', () => {
    expect(staleConntrackDeletes(st([{ ip: '10.244.0.3' }, { ip: '10.244.0.4' }]), st([{ ip: '10.244.0.4' }]))).toEqual([
      ['-D', '--orig-dst', '10.96.0.50', '--dst-nat', '10.244.0.3', '-p', 'udp'],
      ['-D', '-p', 'udp', '--dport', '30053', '--dst-nat', '10.244.0.3'],
    ]);
  });
  test('a service that gets its first endpoint: entries for its addresses are cleared', () => {
    expect(staleConntrackDeletes(st([]), st([{ ip: '10.244.0.3' }]))).toEqual([
      ['-D', '--orig-dst', '10.96.0.50', '-p', 'udp'],
      ['-D', '-p', 'udp', '--dport', '30053'],
    ]);
  });
  test('no change, or TCP: nothing', () => {
    expect(staleConntrackDeletes(st([{ ip: '10.244.0.3' }]), st([{ ip: '10.244.0.3' }]))).toEqual([]);
    const tcp = buildState([svc('web', {})], [slice('web', [{ ip: '10.244.0.3' }])], NODE);
    expect(staleConntrackDeletes(tcp, { ports: [] })).toEqual([]);
  });
});

describe('instances on a shared host', () => {
  test('the rules of a server whose data dir is gone are found from its jumps; ours, live ones and unnamed ones are not', () => {
    const save = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -m comment --comment "dockube DKaaaaaa service rules /tmp/gone" -j DKaaaaaa-SERVICES',
      '-A OUTPUT -m comment --comment "dockube DKaaaaaa service rules /tmp/gone" -j DKaaaaaa-SERVICES',
      '-A PREROUTING -m comment --comment "dockube DKbbbbbb service rules /tmp/alive" -j DKbbbbbb-SERVICES',
      '-A PREROUTING -m comment --comment "dockube DKcccccc service rules /tmp/gone-too" -j DKcccccc-SERVICES',
      '-A PREROUTING -m comment --comment "dockube DKdddddd service rules" -j DKdddddd-SERVICES',
      'COMMIT',
    ].join('\n');
    const found = abandonedInstances(save, 'DKcccccc', (d) => d === '/tmp/alive');
    expect(found).toEqual([{ prefix: 'DKaaaaaa', dataDir: '/tmp/gone' }]);
  });
  test('a saved jump splits back into the arguments that delete it', () => {
    expect(ruleArgs('-A OUTPUT -m comment --comment "dockube DKaaaaaa service rules /tmp/x" -j DKaaaaaa-SERVICES')).toEqual([
      '-A',
      'OUTPUT',
      '-m',
      'comment',
      '--comment',
      'dockube DKaaaaaa service rules /tmp/x',
      '-j',
      'DKaaaaaa-SERVICES',
    ]);
  });
  test('route metrics are per instance; CIDRs are normalised for ip route', () => {
    expect(routeMetric('abcd12')).toBe(1000 + 0xabcd);
    expect(routeMetric('abcd12')).not.toBe(routeMetric('abce12'));
    expect(normalizeCidr('10.97.3.4/16')).toBe('10.97.0.0/16');
  });
});

describe('the proxy mode', () => {
  test('an explicit --proxy-mode is taken as it is; auto never programs the netfilter tables of a remote engine host', async () => {
    for (const m of ['iptables', 'userspace', 'none'] as const)
      expect(await chooseMode(m, false)).toEqual({ mode: m, why: `--proxy-mode ${m}` });
    const remote = await chooseMode('auto', false);
    expect(remote.mode).toBe('userspace');
    expect(remote.why).toMatch(/remote|root/);
  });
});
