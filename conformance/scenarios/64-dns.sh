# Cluster DNS (CoreDNS's role; upstream test/e2e/network/dns.go as a client pod sees it, with busybox nslookup and
# wget): the kubelet's resolv.conf (nameserver = kube-dns's ClusterIP, search <ns>.svc.cluster.local svc.cluster.local
# cluster.local, ndots:5); a 3-replica Deployment's Service resolved by short name, <svc>.<ns> and FQDN to its
# ClusterIP and reached by name with wget (at least two backends over 30 requests); a headless service → its ready
# pods' IPs and a hostname+subdomain pod's own record; an ExternalName's CNAME; SRV of a named port; the ClusterIP's
# PTR; an unknown name → NXDOMAIN; dnsPolicy None with dnsConfig; `kubectl get svc -n kube-system` shows kube-dns; a
# 60-address answer truncated (TC) over UDP and whole over TCP through the kube-dns ClusterIP.
bash "$ROOT/scripts/build-netcheck-image.sh" >/dev/null 2>&1 || fail "build-netcheck-image.sh"
k create ns "$NS" >/dev/null
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: dockube/netcheck:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: hl}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  type: ExternalName
  externalName: db.example.com
YAML
for i in 0 1; do
  k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: db-$i, labels: {app: db}}
spec:
  hostname: db-$i
  subdomain: hl
  terminationGracePeriodSeconds: 1
  containers:
  - {name: db, image: dockube/netcheck:test, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}
YAML
done
k -n "$NS" run client --image=dockube/netcheck:test --image-pull-policy=IfNotPresent --restart=Never \
  --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 3600 >/dev/null
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: custom-dns}
spec:
  terminationGracePeriodSeconds: 1
  dnsPolicy: None
  dnsConfig:
    nameservers: [1.2.3.4]
    searches: [ns1.svc.cluster-domain.example, my.dns.search.suffix]
    options: [{name: ndots, value: "2"}, {name: edns0}]
  containers:
  - {name: c, image: dockube/netcheck:test, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}
YAML
expect "the Deployment rolls out" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=90s
for p in client db-0 db-1 custom-dns; do
  eventually "$p runs" 60 '^Running$' -- k -n "$NS" get pod "$p" -o 'jsonpath={.status.phase}'
done
DNS_IP="$(k -n kube-system get svc kube-dns -o 'jsonpath={.spec.clusterIP}')"
VIP="$(k -n "$NS" get svc web -o 'jsonpath={.spec.clusterIP}')"
DB0="$(k -n "$NS" get pod db-0 -o 'jsonpath={.status.podIP}')"
DB1="$(k -n "$NS" get pod db-1 -o 'jsonpath={.status.podIP}')"
q() { k -n "$NS" exec client -- "$@"; }
esc() { sed 's/\./\\./g' <<<"$1"; }
# busybox nslookup tries the search path only for names without a dot; ping resolves through the C library (search
# path and ndots:5 as any program does) and prints the address it got first.
resolved() { q sh -c "ping -c 1 -W 1 $1 2>&1 | head -1"; }
one_line() { "$@" | tr '\n' ' '; }

expect "kubectl get svc -n kube-system shows kube-dns (tenth address, 53/UDP,53/TCP)" 0 \
  '^kube-dns +ClusterIP +[0-9.]+\.0\.10 +<none> +53/UDP,53/TCP ' -- k get svc -n kube-system
expect "kube-dns's endpoints point at the DNS server on the pod gateway" 0 '^10\.244\.0\.1:([0-9]+),10\.244\.0\.1:\1,$' -- \
  k -n kube-system get endpoints kube-dns -o 'jsonpath={range .subsets[*].ports[*]}10.244.0.1:{.port},{end}' --allow-missing-template-keys
expect "resolv.conf: nameserver is kube-dns's ClusterIP" 0 "^nameserver $(esc "$DNS_IP")\$" -- q cat /etc/resolv.conf
expect "resolv.conf: Kubernetes' search path" 0 "^search $NS\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local( |\$)" -- q cat /etc/resolv.conf
expect "resolv.conf: ndots:5" 0 '^options ndots:5$' -- q cat /etc/resolv.conf
expect "dnsPolicy None: only the pod's dnsConfig" 0 \
  '^nameserver 1\.2\.3\.4 search ns1\.svc\.cluster-domain\.example my\.dns\.search\.suffix options ndots:2 edns0 $' -- \
  one_line k -n "$NS" exec custom-dns -- cat /etc/resolv.conf

eventually "the short name resolves to the ClusterIP" 20 "^Address: $(esc "$VIP")\$" -- q nslookup web
expect "<svc>.<ns> resolves to the ClusterIP (search path)" 0 "^PING web\\.$NS \\($(esc "$VIP")\\)" -- resolved "web.$NS"
expect "the FQDN resolves to the ClusterIP" 0 "^Address: $(esc "$VIP")\$" -- q nslookup "web.$NS.svc.cluster.local"
expect "kube-dns.kube-system resolves to its own ClusterIP (search path)" 0 "\\($(esc "$DNS_IP")\\)" -- resolved kube-dns.kube-system
expect "the ClusterIP's PTR names the service" 0 "name = web\\.$NS\\.svc\\.cluster\\.local" -- q nslookup "$VIP"
expect "SRV of the named port" 0 "service = 0 100 80 web\\.$NS\\.svc\\.cluster\\.local" -- \
  q nslookup -type=srv "_http._tcp.web.$NS.svc.cluster.local"
expect "an unknown name: NXDOMAIN" 1 "can't find nope\\.$NS\\.svc\\.cluster\\.local: NXDOMAIN" -- q nslookup "nope.$NS.svc.cluster.local"

hits() { q sh -c "for i in \$(seq 1 30); do timeout 2 wget -qO- http://$1/ || echo FAIL; done"; }
for name in web "web.$NS.svc.cluster.local"; do
  out="$(hits "$name")"
  n="$(sort -u <<<"$out" | grep -c '^web-[a-z0-9]*-[a-z0-9]*$')"
  if [ "$n" -ge 2 ] && ! grep -q FAIL <<<"$out"; then pass "wget http://$name/ 30 times: $n distinct backends"; else fail "wget http://$name/ reaches at least two backends" "$out"; fi
done

eventually "the headless service resolves to both ready pods' IPs" 20 "$(esc "$DB0").*$(esc "$DB1")|$(esc "$DB1").*$(esc "$DB0")" -- \
  one_line q nslookup "hl.$NS.svc.cluster.local"
expect "hostname+subdomain: db-0.hl has the pod's own record" 0 "^Address: $(esc "$DB0")\$" -- q nslookup "db-0.hl.$NS.svc.cluster.local"
expect "hostname+subdomain by the search path (db-1.hl)" 0 "\\($(esc "$DB1")\\)" -- resolved db-1.hl
expect "a pod's IP record (a-b-c-d.<ns>.pod)" 0 "^Address: $(esc "$DB0")\$" -- q nslookup "$(tr . - <<<"$DB0").$NS.pod.cluster.local"
expect "ExternalName: a CNAME to its external name" 0 "canonical name = db\\.example\\.com" -- q nslookup -type=cname "ext.$NS.svc.cluster.local"

# A large answer: a selectorless headless service whose EndpointSlice lists 60 addresses. Over UDP the answer is
# truncated (TC) to 512 bytes; over TCP (kube-dns's dns-tcp port) it comes whole. Asked from the host through the
# kube-dns ClusterIP (the service proxy's DNAT) with a dns-packet client.
{
  printf 'apiVersion: v1\nkind: Service\nmetadata: {name: many}\nspec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\n'
  printf 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: many-1, labels: {kubernetes.io/service-name: many}}\n'
  printf 'addressType: IPv4\nports: [{name: http, port: 80, protocol: TCP}]\nendpoints:\n'
  for i in $(seq 1 60); do printf -- '- {addresses: [10.250.0.%s], conditions: {ready: true}}\n' "$i"; done
} | k -n "$NS" apply -f - >/dev/null
dnsq() { # dnsq udp|tcp NAME: "<transport> tc=<bool> answers=<n>" from kube-dns's ClusterIP
  node -e '
    const [, ip, transport, name] = process.argv; const p = require("dns-packet");
    const q = p.encode({ id: 7, type: "query", flags: p.RECURSION_DESIRED, questions: [{ name, type: "A" }] });
    const show = (m) => { const r = p.decode(m); console.log(`${transport} tc=${r.flag_tc} answers=${r.answers.length}`); process.exit(0); };
    setTimeout(() => { console.log("no answer"); process.exit(1); }, 3000);
    if (transport === "udp") { const s = require("dgram").createSocket("udp4"); s.on("message", show); s.send(q, 53, ip); }
    else { const s = require("net").connect(53, ip, () => s.write(p.streamEncode({ id: 7, type: "query", questions: [{ name, type: "A" }] })));
      let b = Buffer.alloc(0); s.on("data", (d) => { b = Buffer.concat([b, d]); if (b.length >= 2 + b.readUInt16BE(0)) show(b.subarray(2)); }); }
  ' "$DNS_IP" "$1" "$2"
}
eventually "60 endpoints over UDP: truncated (TC) to what fits in 512 bytes" 20 '^udp tc=true answers=[1-9][0-9]$' -- dnsq udp "many.$NS.svc.cluster.local"
expect "60 endpoints over TCP (dns-tcp): the whole answer" 0 '^tcp tc=false answers=60$' -- dnsq tcp "many.$NS.svc.cluster.local"
