# Service traffic (kube-proxy's iptables mode): a 3-replica Deployment behind a Service reached by ClusterIP from a
# client pod with at least two distinct backends over 30 requests, and from the host; an unready pod carrying the
# selector's labels gets no traffic; a backend reaching its own service (hairpin); a UDP port; scale to 1 and only the
# remaining backend answers; a server restart (kill -9, then start) while traffic is sampled from the host never stops
# it (the rules are not flushed at start); the service deleted → its address refuses at once and iptables-save shows
# none of its rules.
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
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && (udp-echo serve 5353 &) && exec httpd -f -p 8080 -h /www']
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: web-unready, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: dockube/netcheck:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
    readinessProbe: {exec: {command: [cat, /tmp/never]}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
  - {name: echo, port: 53, targetPort: 5353, protocol: UDP}
YAML
k -n "$NS" run client --image=dockube/netcheck:test --image-pull-policy=IfNotPresent --restart=Never \
  --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 3600 >/dev/null
expect "the Deployment rolls out" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=90s
eventually "client runs" 60 '^Running$' -- k -n "$NS" get pod client -o 'jsonpath={.status.phase}'
VIP="$(k -n "$NS" get svc web -o 'jsonpath={.spec.clusterIP}')"
# backends: the ready pods of the service that are not being deleted, one name per line.
backends() {
  k -n "$NS" get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name}|{.metadata.deletionTimestamp}|{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk -F'|' '$2=="" && $3=="True" {print $1}' | sort
}
# hits FROM N: N requests to the ClusterIP from pod FROM, one answer (a pod's hostname, or FAIL) per line.
hits() { k -n "$NS" exec "$1" -- sh -c "for i in \$(seq 1 $2); do timeout 2 wget -qO- http://$VIP/ || echo FAIL; done"; }
distinct() { hits client 30 | sort -u | tr '\n' ' '; }

eventually "the ClusterIP answers from a client pod" 20 '^web-' -- k -n "$NS" exec client -- timeout 2 wget -qO- "http://$VIP/"
out="$(hits client 30)"
n="$(sort -u <<<"$out" | grep -c '^web-[a-z0-9]*-[a-z0-9]*$')"
if [ "$n" -ge 2 ] && ! grep -q FAIL <<<"$out"; then pass "30 requests from a pod reach $n distinct backends"; else fail "30 requests from a pod reach at least two backends" "$out"; fi
if grep -q web-unready <<<"$out"; then fail "an unready pod gets no traffic" "$out"; else pass "an unready pod gets no traffic"; fi
eventually "the EndpointSlice lists the unready pod as not ready" 10 '^false$' -- \
  k -n "$NS" get endpointslices -l kubernetes.io/service-name=web -o 'jsonpath={range .items[*].endpoints[?(@.targetRef.name=="web-unready")]}{.conditions.ready}{end}'
expect "the host reaches the ClusterIP" 0 '^web-' -- curl -s --max-time 3 "http://$VIP/"
one="$(backends | head -1)"
out="$(hits "$one" 12)"
if grep -q FAIL <<<"$out"; then fail "a backend reaches its own service (hairpin)" "$out"; else pass "a backend reaches its own service (hairpin): $(sort <<<"$out" | uniq -c | tr -s ' \n' ' ')"; fi
expect "UDP through the ClusterIP" 0 '^echo:hello$' -- k -n "$NS" exec client -- udp-echo send "$VIP" 53 hello
expect "iptables-save shows the service's chains" 0 "\"$NS/web:http cluster IP\"" -- iptables-save -t nat

# Scale to 1: only the remaining backend answers.
expect "scale to 1" 0 'scaled' -- k -n "$NS" scale deploy/web --replicas=1
all_pods() { k -n "$NS" get pods -l app=web -o name | grep -vc web-unready; }
eventually "one backend pod left" 30 '^1$' -- all_pods
left="$(backends | head -1)"
eventually "only $left answers" 10 "^$left \$" -- distinct

# Restart: kill -9 (rules stay), start again; sampled from the host every 50 ms, the ClusterIP never stops answering.
samples="$DATA_DIR/samples"
: >"$samples"
( while :; do curl -s --max-time 1 "http://$VIP/" >/dev/null && echo ok >>"$samples" || echo FAIL >>"$samples"; sleep 0.05; done ) &
sampler=$!
sleep 0.5
kill9_server
sleep 1
start_server "$DATA_DIR" || fail "server restart"
eventually "the API answers again" 30 '^service/web$' -- k -n "$NS" get svc web -o name
sleep 3
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
if grep -q FAIL "$samples"; then fail "traffic never stops during a restart" "$(sort "$samples" | uniq -c)"; else pass "traffic never stops during a restart ($(grep -c ok "$samples") samples, none failed)"; fi
eventually "the ClusterIP still answers after the restart" 10 "^$left\$" -- curl -s --max-time 2 "http://$VIP/"

# Delete the service: its address refuses at once, its chains are gone.
expect "delete the service" 0 'deleted' -- k -n "$NS" delete svc web
refused() { curl -s -o /dev/null --max-time 3 -w '%{http_code} %{time_total}' "http://$VIP/"; echo " exit $?"; }
eventually "the deleted service's address refuses (curl exit 7 at once)" 5 '^000 0\.[0-9]+ exit 7$' -- refused
eventually "iptables-save shows none of its rules" 5 '^0$' -- sh -c "iptables-save | grep -c '$NS/web'"
k delete ns "$NS" --wait=false >/dev/null
